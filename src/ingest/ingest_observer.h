// IngestObserver: what the ingester, its stores and the SQS consumer report while they run, each
// occurrence a type of its own. It is how metrics and the status page (server::IngestTelemetry)
// learn what happened without src/ingest depending on them.
//
// Invariants:
//  - observe() may be called from several threads at once: the loop, hint()'s callers (the
//    webhook server, the SQS thread) and the fetch threads' store requests. An implementation
//    is thread-safe and does not block for long (it runs on the ingest path).
//  - Texts are redacted before they are reported (util::redact): no credentials.
//  - Quarantine reasons are bounded: a fixed set per stream (Ingester maps the reasons of unknown
//    fields to "<code>:extra"), so a counter per reason stays a bounded set of series.
//  - Every observe() does nothing by default: an observer overrides what it reports, and the base
//    class itself is the observer that reports nothing.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tributary::ingest {

// A listing pass of the source (ListingPoller::poll) and what it added to the ledger.
struct ListingPolled {
  std::uint64_t new_objects = 0;    // new to the ledger
  std::uint64_t list_requests = 0;  // LIST requests it took
};

// Notifications (webhook or SQS) handed to Ingester::hint().
struct HintsRecorded {
  std::uint64_t hints = 0;        // objects announced
  std::uint64_t new_objects = 0;  // of those, new to the ledger
};

// The backlog as a pass found it, before draining it.
struct BacklogMeasured {
  std::uint64_t pending_objects = 0;  // seen or claimed, not yet committed
  // Since the oldest pending object landed in the source (Ledger::Backlog::lag_seconds); 0: none.
  double lag_seconds = 0;
};

// A committed batch (its publishing may still have failed: see PublishFailed).
struct BatchCommitted {
  std::string stream;
  std::string batch_id;
  double seconds = 0;  // claim to publish
  std::uint64_t objects = 0, vanished = 0, bytes_read = 0;
  std::uint64_t events = 0, new_events = 0, duplicates = 0, quarantined = 0;
  std::uint64_t files = 0, bytes_written = 0;    // silver and quarantine files published
  std::int64_t max_event_ts_ms = 0;              // 0: no valid event
  double commit_seconds = 0;                     // the database transaction
  double warehouse_load_seconds = 0;             // loading new events (0: none)
  std::map<std::string, std::uint64_t> reasons;  // quarantined lines by (bounded) reason
  struct Sample {
    std::string where, line;  // "<source key>:<line number>", the line (capped)
  };
  std::map<std::string, Sample> samples;  // the batch's last rejected line per reason
  // Objects the source refused, each with why: they failed an attempt.
  struct Unreadable {
    std::string key, why;
  };
  std::vector<Unreadable> unreadable;
};

// A batch that failed before its commit: its objects were released (each failed an attempt).
struct BatchFailed {
  std::string stream;
  std::string batch_id;
  std::uint64_t objects = 0;
  std::string error;
};

// A committed batch whose files could not all be published: republished later.
struct PublishFailed {
  std::string stream;
  std::string batch_id;
  std::string error;
};

// A pass of the loop cut short by an unreachable dependency; the loop waits and tries again.
struct OutageWaited {
  std::string dependency;  // outage_kind(): "store" or "database"
  std::string error;
};

// One attempt of an S3 request of the source or the lake (StoreConfig::on_attempt).
struct StoreAttempt {
  std::string store;  // "source" or "lake"
  std::string operation;
  std::string outcome;
  bool will_retry = false;
};

// SqsConsumer: messages by outcome (received, deleted, bad, handler_error), object hints taken
// from them, failed SQS calls.
struct SqsMessages {
  std::string outcome;
  std::uint64_t count = 0;
};
struct SqsHints {
  std::uint64_t count = 0;
};
struct SqsErrors {
  std::uint64_t count = 0;
};

class IngestObserver {
 public:
  virtual ~IngestObserver() = default;

  virtual void observe(const ListingPolled&) {}
  virtual void observe(const HintsRecorded&) {}
  virtual void observe(const BacklogMeasured&) {}
  virtual void observe(const BatchCommitted&) {}
  virtual void observe(const BatchFailed&) {}
  virtual void observe(const PublishFailed&) {}
  virtual void observe(const OutageWaited&) {}
  virtual void observe(const StoreAttempt&) {}
  virtual void observe(const SqsMessages&) {}
  virtual void observe(const SqsHints&) {}
  virtual void observe(const SqsErrors&) {}
};

}  // namespace tributary::ingest
