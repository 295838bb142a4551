#include "ingest/ingester.h"

#include <chrono>
#include <deque>
#include <future>
#include <limits>
#include <set>

#include "event/schema.h"
#include "ingest/fluentd_key.h"
#include "ingest/outage.h"
#include "ingest/replay_source.h"
#include "store/open_store.h"
#include "util/clock.h"
#include "util/log.h"

namespace tributary::ingest {
namespace {

// `config` with S3 attempts reported to `observer` as StoreAttempt.
store::StoreConfig observed(store::StoreConfig config, const std::string& store_name,
                            IngestObserver& observer) {
  config.on_attempt = [&observer, store_name](std::string_view operation, std::string_view outcome,
                                              bool will_retry) {
    observer.observe(
        StoreAttempt{store_name, std::string(operation), std::string(outcome), will_retry});
  };
  return config;
}

// A quarantine reason as the metrics and the status board count it. The reason codes of unknown
// fields name the field (duplicate_field:<key>, out_of_range:<key>), and raw lines choose their
// keys: counted as is, every new key would be a new series (of any length) kept for the life of
// the process. So a field the stream's schema does not carry reads as `extra`, the column where
// unknown fields live; the quarantine records keep the exact reason. Invariant: the result is one
// of a fixed set per stream.
std::string counted_reason(event::Stream stream, const std::string& reason) {
  const auto colon = reason.find(':');
  if (colon == std::string::npos) return reason;
  const std::string_view field = std::string_view(reason).substr(colon + 1);
  for (const event::StreamField& f : event::stream_fields(stream)) {
    if (f.info().json_name == field) return reason;
  }
  return reason.substr(0, colon + 1) + "extra";
}

BatchCommitted committed_event(const BatchPlan& plan, const BatchOutcome& out, double seconds) {
  BatchCommitted e;
  e.stream = event::stream_name(plan.stream);
  e.batch_id = plan.batch_id;
  e.seconds = seconds;
  e.objects = out.objects;
  e.vanished = out.vanished;
  e.bytes_read = out.bytes;
  e.events = out.events;
  e.new_events = out.new_events;
  e.duplicates = out.duplicates;
  e.quarantined = out.quarantined;
  e.files = out.files;
  e.bytes_written = out.bytes_written;
  e.max_event_ts_ms = out.max_event_ts_ms;
  e.commit_seconds = out.commit_seconds;
  e.warehouse_load_seconds = out.warehouse_load_seconds;
  for (const auto& [reason, n] : out.reasons) e.reasons[counted_reason(plan.stream, reason)] += n;
  // Of the lines of several unknown fields' reasons, one stays as their shared reason's sample.
  for (const auto& [reason, sample] : out.samples) {
    e.samples[counted_reason(plan.stream, reason)] = {sample.where, sample.line};
  }
  for (const BatchOutcome::Unreadable& u : out.unreadable) e.unreadable.push_back({u.key, u.why});
  return e;
}

}  // namespace

Ingester::Ingester(IngestConfig config, IngestObserver& observer)
    : Ingester(std::move(config), observer, ReplaySetup{}) {}

Ingester::Ingester(IngestConfig config, IngestObserver& observer, ReplaySetup replay)
    : config_(std::move(config)), observer_(observer) {
  BronzeSource* bronze = replay.source.get();
  if (replay.source) {
    source_ = std::move(replay.source);
  } else {
    source_ = store::open_store(config_.source, observed(config_.store, "source", observer_));
  }
  lake_ = store::open_store(config_.lake, observed(config_.store, "lake", observer_));
  const std::string& state_uri = config_.warehouse.empty() ? config_.state : config_.warehouse;
  state_ = warehouse::Warehouse::open(state_uri);
  hint_state_ = warehouse::Warehouse::open(state_uri);
  ledger_ = std::make_unique<Ledger>(*state_, config_.worker_id);
  CommitOptions commit;
  commit.decode = config_.decode;
  commit.silver = config_.silver;
  commit.fetch_concurrency = config_.fetch_concurrency;
  commit.max_refusals = config_.max_refusals;
  commit.load_warehouse = !config_.warehouse.empty();
  commit.replay_source = bronze;
  commit.write_archive = replay.write_archive;
  commit.external_catalog = config_.external_catalog;
  committer_ = std::make_unique<BatchCommitter>(*source_, *lake_, *state_, commit);
  ListingPollerOptions poll;
  poll.raw_prefix = config_.raw_prefix;
  poll.streams = config_.streams;
  poll.lookback = config_.lookback;
  poll.full_sweep_interval = config_.full_sweep_interval;
  poller_ = std::make_unique<ListingPoller>(*source_, poll);
}

Ingester::~Ingester() = default;

void Ingester::stop() {
  stopping_ = true;
  std::lock_guard lock(wake_mutex_);
  woken_ = true;
  wake_.notify_all();
}

void Ingester::poll_once() {
  const PollResult listed = [&] {
    try {
      return poller_->poll(std::chrono::system_clock::now());
    } catch (const store::StoreError& e) {
      if (e.code() == store::StoreErrorCode::kNoSuchBucket) throw SourceMissing(e);
      throw;
    }
  }();
  const std::size_t added =
      ledger_->record_listing(listed.objects, config_.extensions, util::unix_time_ms());
  observer_.observe(ListingPolled{added, listed.list_requests});
  if (progress_ != nullptr) {
    progress_->set_total(progress_done_ + ledger_->backlog().objects);
  }
  if (added > 0) {
    util::log_info("objects.discovered",
                   {{"new", static_cast<std::uint64_t>(added)},
                    {"listed", static_cast<std::uint64_t>(listed.objects.size())},
                    {"full_sweep", listed.full_sweep}});
  }
}

std::optional<Ingester::InFlight> Ingester::start_batch(event::Stream stream) {
  std::optional<BatchPlan> plan = ledger_->claim(stream, config_.batch, util::unix_time_ms());
  if (!plan) return std::nullopt;
  InFlight f{std::move(*plan), std::chrono::steady_clock::now(), {}};
  f.decoded = std::async(std::launch::async, [committer = committer_.get(), p = f.plan] {
    return committer->fetch_and_decode(p);
  });
  return f;
}

Ingester::BatchResult Ingester::finish_batch(InFlight batch, IngestTotals& totals,
                                             std::exception_ptr& outage_error) {
  const BatchPlan& plan = batch.plan;
  const std::string name(event::stream_name(plan.stream));
  const auto started = batch.started;
  BatchOutcome out;
  try {
    out = committer_->commit(batch.decoded.get());
  } catch (const std::exception& e) {
    ++totals.failed_batches;
    const std::string error = util::redact(e.what());
    const std::optional<std::string_view> outage = outage_kind(e);
    observer_.observe(BatchFailed{name, plan.batch_id, plan.objects.size(), error});
    util::log_error("batch.failed", {{"batch", plan.batch_id},
                                     {"stream", name},
                                     {"outage", std::string(outage.value_or("none"))},
                                     {"error", error}});
    release(plan, error, outage ? Ledger::Cause::kOutage : Ledger::Cause::kObjects);
    if (!outage) return BatchResult::kDone;  // counted; the stream goes on with other objects
    if (!outage_error) outage_error = std::current_exception();
    return BatchResult::kOutage;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  record_committed(plan, out, seconds, totals);
  if (!out.publish_error) {
    // Batches go through: whatever else fails does not stop everything, so the waits between
    // passes stay short.
    outage_backoff_.reset();
    return BatchResult::kDone;
  }
  // Committed; the next pass republishes it (republish_pending, own batches).
  try {
    std::rethrow_exception(out.publish_error);
  } catch (const std::exception& e) {
    const std::string error = util::redact(e.what());
    observer_.observe(PublishFailed{name, plan.batch_id, error});
    util::log_warn("batch.publish_failed",
                   {{"batch", plan.batch_id}, {"stream", name}, {"error", error}});
    if (!outage_kind(e)) throw;
  }
  if (!outage_error) outage_error = out.publish_error;
  return BatchResult::kOutage;
}

void Ingester::record_committed(const BatchPlan& plan, const BatchOutcome& out, double seconds,
                                IngestTotals& totals) {
  const std::string name(event::stream_name(plan.stream));
  ++totals.batches;
  totals.objects += out.objects;
  totals.vanished += out.vanished;
  totals.events += out.events;
  totals.new_events += out.new_events;
  totals.duplicates += out.duplicates;
  totals.quarantined += out.quarantined;
  observer_.observe(committed_event(plan, out, seconds));
  progress_done_ += out.objects + out.vanished + out.too_large;
  if (progress_ != nullptr) progress_->set_done(progress_done_);
  util::log_info("batch.committed",
                 {{"batch", plan.batch_id},
                  {"stream", name},
                  {"objects", static_cast<std::uint64_t>(out.objects)},
                  {"vanished", static_cast<std::uint64_t>(out.vanished)},
                  {"too_large", static_cast<std::uint64_t>(out.too_large)},
                  {"unreadable", static_cast<std::uint64_t>(out.unreadable.size())},
                  {"events", out.events},
                  {"new", out.new_events},
                  {"duplicates", out.duplicates},
                  {"quarantined", out.quarantined},
                  {"seconds", seconds}});
}

void Ingester::release(const BatchPlan& plan, const std::string& error, Ledger::Cause cause) {
  try {
    ledger_->release(plan, error, cause, config_.max_attempts, util::unix_time_ms());
  } catch (const warehouse::DatabaseUnavailable&) {
    // Released once the database is back (release_pending), before anything is claimed: were it
    // left to its lease instead, the next claim would count the attempt.
    unreleased_.push_back({plan, error, cause});
    throw;
  }
}

void Ingester::release_pending() {
  while (!unreleased_.empty()) {
    const Unreleased& u = unreleased_.back();
    ledger_->release(u.plan, u.error, u.cause, config_.max_attempts, util::unix_time_ms());
    unreleased_.pop_back();
  }
}

void Ingester::sleep_for(std::chrono::milliseconds wait) {
  std::unique_lock lock(wake_mutex_);
  wake_.wait_for(lock, wait, [&] { return woken_; });
  woken_ = false;
}

bool Ingester::pass(bool until_idle, bool first, IngestTotals& totals) {
  state_->ensure_connected();
  release_pending();
  // A worker that died between commit and publish left its batch unpublished; the survivors
  // publish it once it is older than a lease (its own worker would have long finished). This
  // worker's own unpublished batches (its publishing failed) and, at start, every one, at once.
  if (const std::size_t n =
          committer_->republish_pending(first ? std::numeric_limits<std::int64_t>::max()
                                              : util::unix_time_ms() - config_.batch.lease_ms,
                                        config_.worker_id);
      n > 0) {
    util::log_warn("batches.republished", {{"count", static_cast<std::uint64_t>(n)}});
  }
  poll_once();
  // The backlog as the listing found it, before this pass drains it: measured after the drain,
  // a worker that keeps up would always read 0 while every object waited up to a poll interval
  // and a batch (the soak benchmark saw 45 s waits under a gauge reading 0).
  const Ledger::Backlog backlog = ledger_->backlog();
  const double lag_seconds = backlog.lag_seconds(util::unix_time_ms());
  observer_.observe(BacklogMeasured{backlog.objects, lag_seconds});
  bool claimed_any = false;
  // Round-robin over streams, one batch each, so a backlog in one stream does not starve the
  // others. A stream whose batch an outage failed sits out the rest of the pass, and the pass
  // ends with the loop's wait: an object whose requests keep failing delays its stream only.
  //
  // Pipelined: the next batch is claimed, fetched, archived and decoded on another
  // thread while this one commits the batch before it, so at most two batches are in memory.
  std::set<event::Stream> sitting_out;
  std::exception_ptr outage;
  std::deque<InFlight> in_flight;  // claimed, oldest first
  const auto finish_oldest = [&] {
    InFlight batch = std::move(in_flight.front());
    in_flight.pop_front();
    const event::Stream stream = batch.plan.stream;
    if (finish_batch(std::move(batch), totals, outage) == BatchResult::kOutage) {
      sitting_out.insert(stream);
    }
  };
  try {
    for (bool progress = true; progress && !stopping_;) {
      progress = false;
      for (event::Stream stream : config_.streams) {
        if (stopping_) break;
        if (sitting_out.contains(stream)) continue;
        if (std::optional<InFlight> next = start_batch(stream)) {
          in_flight.push_back(std::move(*next));
          progress = claimed_any = true;
        }
        if (in_flight.size() > 1) finish_oldest();
      }
    }
    while (!in_flight.empty()) finish_oldest();
  } catch (const std::exception& e) {
    // The batches claimed but not committed are not at fault: they go back without costing an
    // attempt (were they left to their leases, the next claim would count one).
    for (InFlight& batch : in_flight) {
      batch.decoded.wait();
      try {
        release(batch.plan, "interrupted: " + util::redact(e.what()), Ledger::Cause::kOutage);
      } catch (const std::exception&) {
        // The database is out of reach: release() kept the batch for release_pending().
      }
    }
    throw;
  }
  if (outage) std::rethrow_exception(outage);
  if (until_idle && !claimed_any) {
    // Idle only when nothing is claimed or unpublished either: the claims and the committed
    // batches of a worker that died are this run's to finish once their lease ends (see
    // above); those of a live worker are finished by it meanwhile. Only claims of the streams
    // this run follows: it never claims another stream's objects, so waiting for them (a
    // worker following other streams, or one that died holding them) would never end.
    // Unpublished batches of every stream count, as republish_pending() finishes them all.
    const std::uint64_t claimed = ledger_->claimed(config_.streams);
    const std::uint64_t unpublished = ledger_->unpublished_batches();
    if (claimed == 0 && unpublished == 0) {
      if (totals.batches > 0) ledger_->reclaim_space();
      return true;
    }
    if (!waiting_for_claims_) {
      util::log_info("run.waiting_for_claims",
                     {{"claimed", claimed}, {"unpublished_batches", unpublished}});
      waiting_for_claims_ = true;
    }
  }
  return false;
}

void Ingester::recovered() {
  if (!outage_since_) return;
  util::log_info(
      "run.recovered",
      {{"seconds",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - *outage_since_).count()},
       {"failures", outage_backoff_.failures()}});
  outage_since_.reset();
  outage_backoff_.reset();
}

IngestTotals Ingester::run(bool until_idle) {
  IngestTotals totals;
  const std::int64_t started_ms = util::unix_time_ms();
  bool first = true;
  while (!stopping_) {
    try {
      if (pass(until_idle, first, totals)) break;
    } catch (const std::exception& e) {
      const std::optional<std::string_view> kind = outage_kind(e);
      // A run to idle is a job that a scheduler reruns: it reports the outage and exits (its
      // batches were given back without costing an attempt) rather than waiting for an
      // unreachable endpoint without end; a streaming run waits outages out.
      if (!kind || until_idle) throw;
      ++totals.outages;
      if (!outage_since_) outage_since_ = std::chrono::steady_clock::now();
      const std::chrono::milliseconds wait = outage_backoff_.next();
      const std::string error = util::redact(e.what());
      observer_.observe(OutageWaited{std::string(*kind), error});
      util::log_warn("run.outage", {{"dependency", std::string(*kind)},
                                    {"error", error},
                                    {"failures", outage_backoff_.failures()},
                                    {"retry_in_ms", static_cast<std::int64_t>(wait.count())}});
      sleep_for(wait);
      continue;
    }
    first = false;
    recovered();
    sleep_for(config_.poll_interval);
  }
  if (until_idle) totals.failed = ledger_->failed_since(config_.streams, started_ms);
  return totals;
}

std::size_t Ingester::hint(const std::vector<ObjectHint>& hints) {
  std::vector<ListedObject> found;
  const std::string source_uri = source_->uri();
  for (const ObjectHint& h : hints) {
    const auto key = source_key_of(h, source_uri);
    if (!key) continue;  // another bucket, or outside the source's prefix
    const auto parsed = parse_fluentd_key(*key, config_.raw_prefix);
    if (!parsed) continue;
    if (std::find(config_.streams.begin(), config_.streams.end(), parsed->stream) ==
        config_.streams.end()) {
      continue;
    }
    // The notification's ETag may be stale or absent: the source is asked.
    if (auto info = source_->head(*key)) found.push_back(ListedObject{parsed->stream, *info});
  }
  std::size_t added = 0;
  {
    std::lock_guard lock(hint_mutex_);
    hint_state_->ensure_connected();
    Ledger ledger(*hint_state_, config_.worker_id);
    added = ledger.record_listing(found, config_.extensions, util::unix_time_ms());
  }
  observer_.observe(HintsRecorded{hints.size(), added});
  if (added > 0) {
    std::lock_guard lock(wake_mutex_);
    woken_ = true;
    wake_.notify_all();
  }
  return added;
}

std::optional<std::string> Ingester::check_source() {
  try {
    source_->list(config_.raw_prefix, {}, 1);
    return std::nullopt;
  } catch (const std::exception& e) {
    return util::redact(e.what());
  }
}

std::optional<std::string> Ingester::check_state() {
  try {
    std::lock_guard lock(hint_mutex_);
    hint_state_->ensure_connected();
    hint_state_->connection().query("SELECT 1");
    return std::nullopt;
  } catch (const std::exception& e) {
    return util::redact(e.what());
  }
}

std::optional<std::string> Ingester::check_lake() {
  try {
    lake_->list("silver/", {}, 1);
    return std::nullopt;
  } catch (const store::StoreError& e) {
    // A lake that has no files yet is fine; one that cannot be reached is not.
    if (e.code() == store::StoreErrorCode::kNoSuchBucket) return std::nullopt;
    return util::redact(e.what());
  } catch (const std::exception& e) {
    return util::redact(e.what());
  }
}

}  // namespace tributary::ingest
