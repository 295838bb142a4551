#include "server/ingest_telemetry.h"

namespace tributary::server {
namespace {

constexpr std::string_view kObjectsFailedHelp =
    "Raw objects that failed an attempt: their batch failed, or the source refused them alone"
    " (released for a retry or given up)";
constexpr std::string_view kDiscoveredHelp = "Raw objects new to the ledger";

BatchRecord board_record(const ingest::BatchCommitted& e) {
  BatchRecord r;
  r.stream = e.stream;
  r.objects = e.objects;
  r.vanished = e.vanished;
  r.bytes_read = e.bytes_read;
  r.events = e.events;
  r.new_events = e.new_events;
  r.duplicates = e.duplicates;
  r.quarantined = e.quarantined;
  r.files = e.files;
  r.bytes_written = e.bytes_written;
  r.max_event_ts_ms = e.max_event_ts_ms;
  r.reasons = e.reasons;
  for (const auto& [reason, sample] : e.samples) r.samples[reason] = {sample.where, sample.line};
  return r;
}

}  // namespace

void IngestTelemetry::observe(const ingest::ListingPolled& e) {
  metrics_.counter("tributary_objects_discovered_total", kDiscoveredHelp).inc(e.new_objects);
  metrics_.counter("tributary_list_requests_total", "LIST requests sent to the source")
      .inc(e.list_requests);
  if (board_ != nullptr) board_->record_discovered(e.new_objects);
}

void IngestTelemetry::observe(const ingest::HintsRecorded& e) {
  metrics_.counter("tributary_notifications_total", "Objects announced by notifications")
      .inc(e.hints);
  metrics_.counter("tributary_objects_discovered_total", kDiscoveredHelp).inc(e.new_objects);
  if (board_ != nullptr) board_->record_discovered(e.new_objects);
}

void IngestTelemetry::observe(const ingest::BacklogMeasured& e) {
  metrics_.gauge("tributary_objects_pending", "Raw objects seen or claimed, not yet committed")
      .set(static_cast<double>(e.pending_objects));
  metrics_
      .gauge("tributary_lag_seconds",
             "Seconds since the oldest raw object not yet committed landed in the source (its "
             "LastModified, or when first listed if unknown; 0: none)")
      .set(e.lag_seconds);
  if (board_ != nullptr) board_->record_backlog(e.pending_objects, e.lag_seconds);
}

void IngestTelemetry::observe(const ingest::BatchCommitted& e) {
  const Labels s{{"stream", e.stream}};
  metrics_.counter("tributary_objects_committed_total", "Raw objects committed", s).inc(e.objects);
  metrics_.counter("tributary_objects_vanished_total", "Raw objects gone before they were read", s)
      .inc(e.vanished);
  metrics_.counter("tributary_bytes_read_total", "Raw bytes read from the source", s)
      .inc(e.bytes_read);
  if (!e.unreadable.empty()) {
    metrics_.counter("tributary_objects_failed_total", kObjectsFailedHelp, s)
        .inc(e.unreadable.size());
  }
  if (board_ != nullptr) {
    for (const ingest::BatchCommitted::Unreadable& u : e.unreadable) {
      board_->record_failure("object " + u.key + " (" + e.stream + ")", u.why);
    }
  }
  metrics_
      .counter("tributary_lines_read_total",
               "Lines read from raw objects (valid events plus quarantined lines)", s)
      .inc(e.events + e.quarantined);
  metrics_
      .counter("tributary_bytes_written_total",
               "Bytes of silver and quarantine files written to the lake", s)
      .inc(e.bytes_written);
  metrics_
      .counter("tributary_events_total", "Valid events decoded, by outcome",
               {{"stream", e.stream}, {"outcome", "new"}})
      .inc(e.new_events);
  metrics_
      .counter("tributary_events_total", "Valid events decoded, by outcome",
               {{"stream", e.stream}, {"outcome", "duplicate"}})
      .inc(e.duplicates);
  for (const auto& [reason, n] : e.reasons) {
    metrics_
        .counter("tributary_events_quarantined_total", "Lines quarantined, by reason",
                 {{"stream", e.stream}, {"reason", reason}})
        .inc(n);
  }
  metrics_
      .histogram("tributary_batch_duration_seconds", "Claim to publish, per batch",
                 latency_buckets())
      .observe(e.seconds);
  metrics_
      .histogram("tributary_commit_duration_seconds",
                 "Database transaction of a batch commit, begin to commit", latency_buckets())
      .observe(e.commit_seconds);
  if (e.new_events > 0 && e.warehouse_load_seconds > 0) {
    metrics_
        .histogram("tributary_warehouse_load_duration_seconds",
                   "Loading a batch's new events into the warehouse star schema", latency_buckets(),
                   s)
        .observe(e.warehouse_load_seconds);
  }
  if (e.max_event_ts_ms > 0) {
    metrics_
        .gauge("tributary_newest_event_timestamp_seconds",
               "Event time of the newest committed event", s)
        .set(static_cast<double>(e.max_event_ts_ms) / 1000.0);
  }
  if (board_ != nullptr) board_->record_batch(board_record(e));
}

void IngestTelemetry::observe(const ingest::BatchFailed& e) {
  metrics_
      .counter("tributary_batches_failed_total", "Batches that failed and were released",
               {{"stream", e.stream}})
      .inc();
  metrics_.counter("tributary_objects_failed_total", kObjectsFailedHelp, {{"stream", e.stream}})
      .inc(e.objects);
  if (board_ != nullptr) {
    board_->record_failure("batch " + e.batch_id + " (" + e.stream + ")", e.error);
  }
}

void IngestTelemetry::observe(const ingest::PublishFailed& e) {
  metrics_
      .counter("tributary_publish_failures_total",
               "Committed batches whose files could not all be written at once (republished "
               "later)",
               {{"stream", e.stream}})
      .inc();
}

void IngestTelemetry::observe(const ingest::OutageWaited& e) {
  metrics_
      .counter("tributary_outages_total",
               "Passes of the loop cut short by an unreachable store or database (the worker "
               "waited and tried again)",
               {{"dependency", e.dependency}})
      .inc();
  if (board_ != nullptr) board_->record_failure(e.dependency + " out of reach", e.error);
}

void IngestTelemetry::observe(const ingest::StoreAttempt& e) {
  metrics_
      .counter("tributary_s3_requests_total", "S3 HTTP requests (attempts), by outcome",
               {{"store", e.store}, {"operation", e.operation}, {"outcome", e.outcome}})
      .inc();
  if (e.will_retry) {
    metrics_
        .counter("tributary_s3_retries_total", "S3 attempts that failed and were retried",
                 {{"store", e.store}, {"operation", e.operation}, {"reason", e.outcome}})
        .inc();
  }
}

void IngestTelemetry::observe(const ingest::SqsMessages& e) {
  metrics_
      .counter("tributary_sqs_messages_total", "SQS messages, by outcome", {{"outcome", e.outcome}})
      .inc(e.count);
}

void IngestTelemetry::observe(const ingest::SqsHints& e) {
  metrics_.counter("tributary_sqs_hints_total", "Objects announced through SQS").inc(e.count);
}

void IngestTelemetry::observe(const ingest::SqsErrors& e) {
  metrics_.counter("tributary_sqs_errors_total", "Failed SQS calls").inc(e.count);
}

}  // namespace tributary::server
