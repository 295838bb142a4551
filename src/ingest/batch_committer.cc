#include "ingest/batch_committer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <unordered_set>

#include "ingest/archive.h"
#include "ingest/replay_source.h"
#include "ingest/sql_lake_manifest.h"
#include "ingest/staged_writes.h"
#include "store/s3_error.h"
#include "util/clock.h"
#include "util/log.h"

namespace tributary::ingest {
namespace {

using warehouse::SqlRow;
using warehouse::SqlValue;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Step 1 and 2 for one object read from the bronze archive (replay).
FetchedObject fetch_from_bronze(BronzeSource& bronze, store::ObjectStore& lake,
                                const ClaimedObject& o, bool write_archive) {
  FetchedObject out;
  std::optional<BronzeFetch> got = bronze.fetch(o.key, o.etag);
  if (!got) {
    out.read = FetchedObject::Read::kVanished;
    out.why = "no longer in the bronze archive";
    return out;
  }
  if (write_archive) lake.put(got->bronze_key, got->stored);
  out.sha256 = sha256_hex(got->raw);
  out.bronze_key = std::move(got->bronze_key);
  out.bytes = std::move(got->raw);
  return out;
}

// Whether the source answers a listing of `key`: asked after a read of `key` failed with an error
// the store client gave up retrying (5xx, network, integrity; never throttling, always an
// outage), it tells the object's own fault (the store works) from an outage (it fails too).
bool source_lists(store::ObjectStore& source, std::string_view key) {
  try {
    source.list(key, {}, 1);
    return true;
  } catch (const store::StoreError&) {
    return false;
  }
}

std::vector<FetchedObject> fetch_and_archive(store::ObjectStore& source, store::ObjectStore& lake,
                                             const BatchPlan& plan, const CommitOptions& options) {
  std::vector<FetchedObject> out(plan.objects.size());
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr error;  // fails the whole batch
  // Reads that failed other than with not-found: the objects' own fault or an outage, decided
  // once every object has been tried.
  struct Refusal {
    std::size_t index;
    std::exception_ptr error;
    store::StoreErrorCode code;
    std::string why;
  };
  std::vector<Refusal> refused;
  auto work = [&] {
    for (std::size_t i = next++; i < out.size(); i = next++) {
      const ClaimedObject& o = plan.objects[i];
      try {
        if (options.replay_source != nullptr) {
          out[i] = fetch_from_bronze(*options.replay_source, lake, o, options.write_archive);
          continue;
        }
        // A raw object is held whole in memory, so one larger than the decompressed size any object
        // may reach is not read at all: memory stays bounded by the configuration, whatever lands
        // in the bucket. (Its gzip form could not inflate within the limit either.)
        if (o.size > options.decode.max_object_bytes) {
          out[i].read = FetchedObject::Read::kTooLarge;
          out[i].why = "object_too_large: " + std::to_string(o.size) +
                       " bytes, more than decode.max_object_bytes (" +
                       std::to_string(options.decode.max_object_bytes) + "); not read";
          continue;
        }
        store::GetResult got;
        try {
          got = source.get(o.key);
        } catch (const store::StoreError& e) {
          if (e.code() == store::StoreErrorCode::kNotFound) {
            out[i].read = FetchedObject::Read::kVanished;
            out[i].why = "deleted before it could be read";
          } else {
            const std::lock_guard lock(error_mutex);
            refused.push_back({i, std::current_exception(), e.code(), util::redact(e.what())});
          }
          continue;
        }
        if (!o.etag.empty() && got.info.etag != o.etag) {
          // Overwritten since it was listed: the new content is a new ledger row (new ETag).
          out[i].read = FetchedObject::Read::kVanished;
          out[i].why = "replaced by a newer version (ETag " + got.info.etag + ")";
          continue;
        }
        const BronzeCopy copy = bronze_copy(plan.stream, plan.ingest_date, o.key, o.etag, got.body);
        if (options.write_archive) lake.put(copy.key, copy.bytes);
        out[i].sha256 = sha256_hex(got.body);
        out[i].bronze_key = copy.key;
        out[i].bytes = std::move(got.body);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        next = out.size();
        return;
      }
    }
  };
  const std::size_t threads = std::clamp<std::size_t>(options.fetch_concurrency, 1, out.size());
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  if (refused.empty()) return out;
  // An object the store refuses while it answers counts a refusal against that object alone;
  // the rest of the batch goes on. Throttling is the store asking every client to slow down, never
  // one object's fault. After any other error the store client gave up retrying, one listing, once
  // every read was tried, tells whether the store still answers (a refusal such as access denied
  // is itself an answer).
  const auto first = [&](auto&& pred) {
    return std::find_if(refused.begin(), refused.end(),
                        [&](const Refusal& r) { return pred(r.code); });
  };
  if (const auto throttled =
          first([](store::StoreErrorCode c) { return c == store::StoreErrorCode::kThrottled; });
      throttled != refused.end()) {
    std::rethrow_exception(throttled->error);
  }
  if (const auto retryable = first(store::is_retryable);
      retryable != refused.end() && !source_lists(source, plan.objects[retryable->index].key)) {
    std::rethrow_exception(retryable->error);
  }
  for (const Refusal& r : refused) {
    out[r.index].read = FetchedObject::Read::kUnreadable;
    out[r.index].why = r.why;
  }
  return out;
}

using KeySet = std::unordered_set<event::EventKey, event::EventKeyHash>;

// `text` as an event key; the state database holds only keys tributary wrote, so anything else
// there is damage, not input.
event::EventKey stored_key(std::string_view text) {
  const std::optional<event::EventKey> key = event::EventKey::from_hex(text);
  if (!key) {
    throw std::runtime_error("the state database holds a malformed event key \"" +
                             std::string(text) + "\"");
  }
  return *key;
}

// Inserts the batch's event keys; returns the ones that were not there yet (the new events).
// The keys are stored as 16 bytes (migration 0011) and travel as hex text both ways.
KeySet insert_event_keys(warehouse::SqlConnection& db, const event::EventBatch& batch) {
  KeySet fresh;
  if (batch.empty()) return fresh;
  fresh.reserve(batch.size());
  for (const event::EventKey& key : batch.keys()) fresh.insert(key);
  const bool postgres = db.dialect() == warehouse::Dialect::kPostgres;
  // One statement for the whole batch: a uuid array (PostgreSQL) or a JSON array (SQLite) of
  // the distinct hex keys, bound as one parameter.
  std::string keys = postgres ? "{" : "[";
  keys.reserve(fresh.size() * 35 + 2);
  for (const event::EventKey& key : fresh) {
    if (keys.size() > 1) keys.push_back(',');
    if (!postgres) keys.push_back('"');
    keys += key.hex();
    if (!postgres) keys.push_back('"');
  }
  keys += postgres ? "}" : "]";
  const SqlValue params[] = {keys};
  // Sorted: two workers whose batches share keys (a replayed loop) then lock them in the same
  // order and one waits for the other instead of both deadlocking. Tried plainly first: every key
  // is new unless the batch repeats events committed before, and then the insert that skips
  // stored keys and returns the new ones runs instead.
  warehouse::insert_else(
      db,
      postgres ? "INSERT INTO ingest_event_key (event_key)"
                 " SELECT k FROM unnest($1::uuid[]) AS k ORDER BY k"
               : "INSERT INTO ingest_event_key (event_key)"
                 " SELECT unhex(value) FROM json_each($1) WHERE true ORDER BY 1",
      params, [&] {
        const std::vector<SqlRow> rows = db.query(
            postgres ? "INSERT INTO ingest_event_key (event_key)"
                       " SELECT k FROM unnest($1::uuid[]) AS k ORDER BY k"
                       " ON CONFLICT (event_key) DO NOTHING"
                       " RETURNING replace(event_key::text, '-', '')"
                     : "INSERT INTO ingest_event_key (event_key)"
                       " SELECT unhex(value) FROM json_each($1) WHERE true ORDER BY 1"
                       " ON CONFLICT (event_key) DO NOTHING RETURNING lower(hex(event_key))",
            params);
        fresh.clear();
        for (const SqlRow& row : rows) fresh.insert(stored_key(*row[0]));
        return static_cast<std::int64_t>(rows.size());
      });
  return fresh;
}

// The keys of `fresh` concatenated, as ingest_batch.new_event_keys holds them until the batch
// is published (republish_pending reads them back).
std::string concatenated_keys(const event::EventBatch& fresh) {
  std::string out;
  out.reserve(fresh.size() * 32);
  for (const event::EventKey& key : fresh.keys()) out += key.hex();
  return out;
}

// The inverse of concatenated_keys.
KeySet split_keys(std::string_view keys) {
  if (keys.size() % 32 != 0) {
    throw std::runtime_error("the state database holds a batch's new event keys cut short (" +
                             std::to_string(keys.size()) + " hex digits)");
  }
  KeySet out;
  out.reserve(keys.size() / 32);
  for (std::size_t at = 0; at < keys.size(); at += 32) out.insert(stored_key(keys.substr(at, 32)));
  return out;
}

// The first occurrence of every row of `batch` whose key is in `fresh`, in batch order.
event::EventBatch select_new(const event::EventBatch& batch, KeySet fresh) {
  event::EventBatch out(batch.stream());
  for (std::size_t row = 0; row < batch.size() && !fresh.empty(); ++row) {
    if (fresh.erase(batch.keys()[row]) > 0) out.append_row(batch, row);
  }
  return out;
}

std::int64_t max_ts(const event::EventBatch& batch) {
  const auto& ts = batch.column(event::Field::kTs).i64;
  return ts.empty() ? 0 : *std::max_element(ts.begin(), ts.end());
}

// Stages the silver files of `fresh` and the quarantine file; returns the lake_file rows.
std::vector<lake::ManifestEntry> stage_files(StagedWrites& staged, const BatchPlan& plan,
                                             const event::EventBatch& fresh,
                                             const std::vector<event::QuarantineRecord>& rejects,
                                             const lake::SilverWriteOptions& options) {
  std::vector<lake::ManifestEntry> files;
  if (!fresh.empty()) files = lake::SilverTableWriter(staged, options).write(fresh, plan.batch_id);
  if (!rejects.empty()) {
    const std::string key = quarantine_key(plan.stream, plan.ingest_date, plan.batch_id);
    const std::string body = quarantine_jsonl(rejects);
    staged.put(key, body);
    lake::ManifestEntry q;
    q.table = std::string(event::stream_name(plan.stream));
    q.partition = "ingest_date=" + plan.ingest_date;
    q.key = key;
    q.rows = rejects.size();
    q.bytes = body.size();
    q.batch_id = plan.batch_id;
    files.push_back(std::move(q));
  }
  return files;
}

}  // namespace

BatchCommitter::BatchCommitter(store::ObjectStore& source, store::ObjectStore& lake,
                               warehouse::Warehouse& state, CommitOptions options)
    : source_(source), lake_(lake), state_(state), options_(std::move(options)) {}

DecodedBatch BatchCommitter::fetch_and_decode(const BatchPlan& plan) {
  DecodedBatch p{plan, {}, event::EventBatch(plan.stream), {}, {}, {}};
  BatchOutcome& outcome = p.outcome;
  p.fetched = fetch_and_archive(source_, lake_, plan, options_);

  event::ObjectDecoder decoder(plan.stream, options_.decode);
  p.stats.resize(plan.objects.size());
  for (std::size_t i = 0; i < plan.objects.size(); ++i) {
    if (p.fetched[i].read != FetchedObject::Read::kOk) continue;
    p.stats[i] = decoder.decode(plan.objects[i].key, p.fetched[i].bytes, p.batch, p.rejects);
    outcome.bytes += p.fetched[i].bytes.size();
    p.fetched[i].bytes = std::string();  // keep memory to one copy: the decoded batch
    outcome.events += p.stats[i].events;
    outcome.quarantined += p.stats[i].quarantined;
    for (const auto& [reason, n] : p.stats[i].reasons) outcome.reasons[reason] += n;
  }
  for (const event::QuarantineRecord& r : p.rejects) {
    outcome.samples[r.reason] = {r.source_key + ":" + std::to_string(r.line_number),
                                 r.line.substr(0, BatchOutcome::kQuarantineSampleBytes)};
  }
  return p;
}

BatchOutcome BatchCommitter::process(const BatchPlan& plan) {
  return commit(fetch_and_decode(plan));
}

BatchOutcome BatchCommitter::commit(DecodedBatch decoded) {
  const BatchPlan& plan = decoded.plan;
  const event::EventBatch& batch = decoded.batch;
  const std::vector<event::QuarantineRecord>& rejects = decoded.rejects;
  const std::vector<FetchedObject>& fetched = decoded.fetched;
  const std::vector<event::DecodeStats>& stats = decoded.stats;
  BatchOutcome outcome = std::move(decoded.outcome);
  StagedWrites staged(lake_);
  const auto txn_started = std::chrono::steady_clock::now();
  warehouse::WarehouseTransaction txn(state_);
  warehouse::SqlConnection& db = txn.connection();
  const event::EventBatch fresh = select_new(batch, insert_event_keys(db, batch));
  outcome.new_events = fresh.size();
  outcome.duplicates = outcome.events - outcome.new_events;
  outcome.max_event_ts_ms = max_ts(fresh);
  const std::vector<lake::ManifestEntry> files =
      stage_files(staged, plan, fresh, rejects, options_.silver);
  outcome.files = files.size();
  for (const lake::ManifestEntry& f : files) outcome.bytes_written += f.bytes;
  if (options_.load_warehouse && !fresh.empty()) {
    const auto load_started = std::chrono::steady_clock::now();
    txn.load(fresh);
    outcome.warehouse_load_seconds = seconds_since(load_started);
  }
  record_lake_files(db, files);

  const std::int64_t now = util::unix_time_ms();
  for (std::size_t i = 0; i < plan.objects.size(); ++i) {
    const ClaimedObject& o = plan.objects[i];
    const FetchedObject& f = fetched[i];
    std::int64_t changed = 0;
    if (f.read == FetchedObject::Read::kUnreadable) {
      outcome.unreadable.push_back({o.key, f.why});
      util::log_error("object.unreadable", {{"key", o.key}, {"error", f.why}});
      changed = Ledger::release_claimed(db, plan.batch_id, &o, f.why, Ledger::Cause::kRefused,
                                        options_.max_refusals, now);
    } else if (f.read != FetchedObject::Read::kOk) {
      // Neither is retried: a vanished object is gone, and another attempt at one too large
      // would refuse it again (after raising the limit, an operator gives it back:
      // docs/operations.md, poison object).
      const bool too_large = f.read == FetchedObject::Read::kTooLarge;
      if (too_large) {
        ++outcome.too_large;
        util::log_error("object.too_large", {{"key", o.key}, {"error", f.why}});
      } else {
        ++outcome.vanished;
      }
      const SqlValue params[] = {
          std::string(too_large ? "failed" : "vanished"), f.why, now, o.key, o.etag, plan.batch_id};
      changed = db.execute(
          "UPDATE ingest_object SET status = $1, last_error = $2, updated_ms = $3,"
          " lease_until_ms = NULL WHERE object_key = $4 AND etag = $5 AND batch_id = $6"
          " AND status = 'claimed'",
          params);
    } else {
      ++outcome.objects;
      const SqlValue params[] = {static_cast<std::int64_t>(stats[i].events),
                                 static_cast<std::int64_t>(stats[i].quarantined),
                                 f.bronze_key,
                                 f.sha256,
                                 now,
                                 o.key,
                                 o.etag,
                                 plan.batch_id};
      changed = db.execute(
          "UPDATE ingest_object SET status = 'committed', events = $1, quarantined = $2,"
          " bronze_key = $3, sha256 = $4, updated_ms = $5, lease_until_ms = NULL,"
          " last_error = NULL WHERE object_key = $6 AND etag = $7 AND batch_id = $8"
          " AND status = 'claimed'",
          params);
    }
    if (changed != 1) throw LeaseLost("batch " + plan.batch_id + " lost its claim on " + o.key);
  }
  const SqlValue batch_params[] = {now,
                                   static_cast<std::int64_t>(outcome.events),
                                   static_cast<std::int64_t>(outcome.new_events),
                                   static_cast<std::int64_t>(outcome.quarantined),
                                   outcome.max_event_ts_ms,
                                   concatenated_keys(fresh),
                                   plan.batch_id};
  if (db.execute("UPDATE ingest_batch SET status = 'committed', committed_ms = $1, events = $2,"
                 " new_events = $3, quarantined = $4, max_event_ts_ms = $5, new_event_keys = $6"
                 " WHERE batch_id = $7 AND status = 'claimed'",
                 batch_params) != 1) {
    throw LeaseLost("batch " + plan.batch_id + " is no longer claimed");
  }
  txn.commit();
  outcome.commit_seconds = seconds_since(txn_started);

  try {
    staged.publish();
    if (!files.empty()) SqlLakeManifest(state_.connection()).publish_copy(lake_);
    const SqlValue published[] = {util::unix_time_ms(), plan.batch_id};
    state_.connection().execute(
        "UPDATE ingest_batch SET status = 'published', published_ms = $1, new_event_keys = NULL"
        " WHERE batch_id = $2",
        published);
  } catch (const std::exception&) {
    // Committed: the batch is done whatever happens next, so this is no batch failure; what is
    // left is to make its files visible, which republish_pending() redoes from bronze.
    outcome.publish_error = std::current_exception();
  }
  return outcome;
}

std::size_t BatchCommitter::republish_pending(std::int64_t committed_before_ms,
                                              const std::string& own_worker) {
  std::size_t republished = 0;
  const SqlValue before[] = {committed_before_ms, own_worker};
  for (const SqlRow& batch_row : state_.connection().query(
           "SELECT batch_id, stream, ingest_date, new_event_keys FROM ingest_batch"
           " WHERE status = 'committed' AND (committed_ms < $1 OR worker = $2)"
           " ORDER BY created_ms",
           before)) {
    BatchPlan plan{*batch_row[0], *event::stream_from_name(*batch_row[1]), *batch_row[2], {}};
    const SqlValue id[] = {plan.batch_id};
    // The batch as it committed: its objects in plan order, read back from bronze.
    event::ObjectDecoder decoder(plan.stream, options_.decode);
    event::EventBatch batch(plan.stream);
    std::vector<event::QuarantineRecord> rejects;
    // In the order the batch was committed in: by key, then ETag, compared bytewise as
    // Ledger::claim sorts them (not by the database's collation).
    std::vector<SqlRow> objects = state_.connection().query(
        "SELECT object_key, etag, bronze_key FROM ingest_object"
        " WHERE batch_id = $1 AND status = 'committed'",
        id);
    std::sort(objects.begin(), objects.end(), [](const SqlRow& a, const SqlRow& b) {
      return std::tie(*a[0], *a[1]) < std::tie(*b[0], *b[1]);
    });
    for (const SqlRow& o : objects) decoder.decode(*o[0], lake_.get(*o[2]).body, batch, rejects);
    const KeySet fresh = split_keys(batch_row[3].value_or(""));
    StagedWrites staged(lake_);
    stage_files(staged, plan, select_new(batch, fresh), rejects, options_.silver);
    staged.publish();
    SqlLakeManifest(state_.connection()).publish_copy(lake_);
    const SqlValue published[] = {util::unix_time_ms(), plan.batch_id};
    state_.connection().execute(
        "UPDATE ingest_batch SET status = 'published', published_ms = $1, new_event_keys = NULL"
        " WHERE batch_id = $2",
        published);
    util::log_info("batch.republished", {{"batch", plan.batch_id}});
    ++republished;
  }
  return republished;
}

}  // namespace tributary::ingest
