// IngestTelemetry: the ingester's occurrences (ingest/ingest_observer.h) as Prometheus metrics
// and, when a board is given, as the status page's totals, backlog and recent errors. `tributary
// run` wires one in; the metric names and labels are docs/operations.md's.
//
// Invariants: thread-safe (the registry and the board are); the registry and the board must
// outlive it; it adds no label value of its own, so the series stay the bounded sets the
// observer's invariants promise.
#pragma once

#include "ingest/ingest_observer.h"
#include "server/metrics.h"
#include "server/status_board.h"

namespace tributary::server {

class IngestTelemetry final : public ingest::IngestObserver {
 public:
  // `board` may be null: metrics only.
  explicit IngestTelemetry(MetricsRegistry& metrics, StatusBoard* board = nullptr)
      : metrics_(metrics), board_(board) {}

  void observe(const ingest::ListingPolled& e) override;
  void observe(const ingest::HintsRecorded& e) override;
  void observe(const ingest::BacklogMeasured& e) override;
  void observe(const ingest::BatchCommitted& e) override;
  void observe(const ingest::BatchFailed& e) override;
  void observe(const ingest::PublishFailed& e) override;
  void observe(const ingest::OutageWaited& e) override;
  void observe(const ingest::StoreAttempt& e) override;
  void observe(const ingest::SqsMessages& e) override;
  void observe(const ingest::SqsHints& e) override;
  void observe(const ingest::SqsErrors& e) override;

 private:
  MetricsRegistry& metrics_;
  StatusBoard* board_;
};

}  // namespace tributary::server
