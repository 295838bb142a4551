// Ingester: the loop of `tributary run`. It polls the source with a ListingPoller (and takes
// notification hints), records what it finds in the Ledger, claims batches stream by stream and
// hands them to the BatchCommitter, until stopped or, with until_idle, until a full listing finds
// nothing left to claim.
//
// Threads: the loop runs on the caller's thread. hint() may be called from any thread (the
// webhook server's); it uses its own database connection and wakes the loop.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "ingest/batch_committer.h"
#include "ingest/ingest_config.h"
#include "ingest/ledger.h"
#include "ingest/s3_event.h"
#include "server/metrics.h"
#include "server/status_board.h"
#include "util/progress.h"

namespace tributary::ingest {

struct IngestTotals {
  std::uint64_t batches = 0, objects = 0, vanished = 0, failed_batches = 0;
  std::uint64_t events = 0, new_events = 0, duplicates = 0, quarantined = 0;
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
  Ingester(IngestConfig config, server::MetricsRegistry& metrics);
  Ingester(IngestConfig config, server::MetricsRegistry& metrics, ReplaySetup replay);
  ~Ingester();

  // Optional observers, set before run(); either may be null. The board feeds the status page;
  // the progress display counts objects committed or vanished out of those known so far (its
  // total grows as listings find more).
  void set_status_board(server::StatusBoard* board) { board_ = board; }
  void set_progress(util::Progress* progress) { progress_ = progress; }

  // Runs the loop. Returns the totals of this run.
  IngestTotals run(bool until_idle);
  // Asks run() to return after the batch in progress; safe from signal-handling threads.
  void stop();

  // Announces objects (from a webhook or SQS): each that still exists in the source is recorded
  // in the ledger at once. Returns how many were new to the ledger.
  std::size_t hint(const std::vector<ObjectHint>& hints);

  // True when source, lake and state database answer (for /readyz); otherwise why not.
  std::optional<std::string> check_source();
  std::optional<std::string> check_lake();

 private:
  void poll_once();
  bool process_one(event::Stream stream, IngestTotals& totals);

  IngestConfig config_;
  server::MetricsRegistry& metrics_;
  std::unique_ptr<store::ObjectStore> source_;
  std::unique_ptr<store::ObjectStore> lake_;
  std::unique_ptr<warehouse::Warehouse> state_;       // the loop's connection
  std::unique_ptr<warehouse::Warehouse> hint_state_;  // hint()'s connection
  std::mutex hint_mutex_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<BatchCommitter> committer_;
  std::unique_ptr<ListingPoller> poller_;
  server::StatusBoard* board_ = nullptr;
  util::Progress* progress_ = nullptr;
  std::uint64_t progress_done_ = 0;

  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
};

}  // namespace tributary::ingest
