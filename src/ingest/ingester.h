// Ingester: the loop of `tributary run`. It polls the source with a ListingPoller (and takes
// notification hints), records what it finds in the Ledger, claims batches stream by stream and
// hands them to the BatchCommitter, until stopped or, with until_idle, until a full listing finds
// nothing left to claim.
//
// Outages (outage.h: a store that keeps failing after the client's retries, a lost database
// connection) do not end a streaming loop (run to idle, they end it with the error): it logs
// run.outage, waits (util::Backoff, up to kMaxOutageWait; every batch that goes through starts the
// waits afresh), reconnects to the database and carries on where it was; a batch an outage
// interrupted is released without costing its objects an attempt. Any other error ends run().
//
// Threads: the loop runs on the caller's thread. hint() may be called from any thread (the
// webhook server's); it uses its own database connection and wakes the loop.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "ingest/batch_committer.h"
#include "ingest/ingest_config.h"
#include "ingest/ingest_observer.h"
#include "ingest/ledger.h"
#include "ingest/s3_event.h"
#include "util/backoff.h"
#include "util/progress.h"

namespace tributary::ingest {

struct IngestTotals {
  std::uint64_t batches = 0, objects = 0, vanished = 0, failed_batches = 0;
  std::uint64_t events = 0, new_events = 0, duplicates = 0, quarantined = 0;
  // Times the loop found the store or the database out of reach and waited (outage.h).
  std::uint64_t outages = 0;
};

class BronzeSource;

// What `tributary replay` changes: the source is the lake's bronze archive (replay_source.h)
// rather than config.source; the committer reads objects from it and, in place, does not write
// bronze copies again.
struct ReplaySetup {
  std::unique_ptr<BronzeSource> source;
  bool write_archive = true;
};

class Ingester {
 public:
  // `observer` hears of listings, hints, batches, outages and store requests (ingest_observer.h);
  // it must outlive the ingester.
  Ingester(IngestConfig config, IngestObserver& observer);
  Ingester(IngestConfig config, IngestObserver& observer, ReplaySetup replay);
  ~Ingester();

  // Optional, set before run(); may be null. The progress display counts objects committed or
  // vanished out of those known so far (its total grows as listings find more).
  void set_progress(util::Progress* progress) { progress_ = progress; }

  // Runs the loop. Returns the totals of this run.
  IngestTotals run(bool until_idle);
  // The longest wait between two tries during an outage.
  static constexpr std::chrono::milliseconds kMaxOutageWait{30'000};
  // Asks run() to return after the batch in progress; safe from signal-handling threads.
  void stop();

  // Announces objects (from a webhook or SQS): each that still exists in the source is recorded
  // in the ledger at once. Returns how many were new to the ledger.
  std::size_t hint(const std::vector<ObjectHint>& hints);

  // True when source, lake and state database answer (for /readyz); otherwise why not.
  std::optional<std::string> check_source();
  std::optional<std::string> check_lake();
  std::optional<std::string> check_state();

 private:
  // One pass of the loop: republish, poll, claim and process until nothing is claimable. Returns
  // true when until_idle and there is nothing left for this run.
  bool pass(bool until_idle, bool first, IngestTotals& totals);
  void poll_once();
  // A claimed batch being fetched and decoded (BatchCommitter::fetch_and_decode) on another thread.
  struct InFlight {
    BatchPlan plan;
    std::chrono::steady_clock::time_point started;  // when it was claimed
    std::future<DecodedBatch> decoded;
  };
  // Claims a batch of `stream` and starts fetching and decoding it; nothing when there is none to
  // claim.
  std::optional<InFlight> start_batch(event::Stream stream);
  // Commits a batch start_batch() began. kOutage: an outage failed it (before its commit, or its
  // publishing after it), `outage_error` holds the first such error of the pass.
  enum class BatchResult : std::uint8_t { kDone, kOutage };
  BatchResult finish_batch(InFlight batch, IngestTotals& totals, std::exception_ptr& outage_error);
  void record_committed(const BatchPlan& plan, const BatchOutcome& out, double seconds,
                        IngestTotals& totals);
  // Ledger::release, keeping the batch for release_pending() when the database is out of reach.
  void release(const BatchPlan& plan, const std::string& error, Ledger::Cause cause);
  void release_pending();
  // Waits `wait` or until stop() (or a hint) wakes the loop.
  void sleep_for(std::chrono::milliseconds wait);
  // A whole pass went through: an outage in progress is over (run.recovered).
  void recovered();

  IngestConfig config_;
  IngestObserver& observer_;
  std::unique_ptr<store::ObjectStore> source_;
  std::unique_ptr<store::ObjectStore> lake_;
  std::unique_ptr<warehouse::Warehouse> state_;       // the loop's connection
  std::unique_ptr<warehouse::Warehouse> hint_state_;  // hint()'s connection
  std::mutex hint_mutex_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<BatchCommitter> committer_;
  std::unique_ptr<ListingPoller> poller_;
  util::Progress* progress_ = nullptr;
  std::uint64_t progress_done_ = 0;

  // Batches that failed when the database was out of reach, so they could not be released yet.
  struct Unreleased {
    BatchPlan plan;
    std::string error;
    Ledger::Cause cause;
  };
  std::vector<Unreleased> unreleased_;
  util::Backoff outage_backoff_{std::chrono::milliseconds(1000), kMaxOutageWait};
  std::optional<std::chrono::steady_clock::time_point> outage_since_;  // set during an outage

  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
  bool waiting_for_claims_ = false;  // run.waiting_for_claims was logged
};

}  // namespace tributary::ingest
