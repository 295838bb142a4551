#include "ingest/ledger.h"

#include <signal.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <set>
#include <tuple>

#include "util/log.h"

namespace tributary::ingest {
namespace {

using warehouse::SqlBlob;
using warehouse::SqlRow;
using warehouse::SqlValue;

std::string utc_date(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// This host's name, which claims record beside their process id (SQLite owners); asked once.
const std::string& this_host() {
  static const std::string host = [] {
    char name[256] = {};
    return gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string();
  }();
  return host;
}

}  // namespace

std::string make_batch_id(std::int64_t now_ms, const std::string& worker_id) {
  static std::atomic<std::uint64_t> sequence{0};
  char buf[64];
  std::snprintf(buf, sizeof buf, "b%lld-%08x-%llu", static_cast<long long>(now_ms),
                static_cast<unsigned>(XXH32(worker_id.data(), worker_id.size(), 0)),
                static_cast<unsigned long long>(sequence.fetch_add(1)));
  return buf;
}

Ledger::Ledger(warehouse::Warehouse& state, std::string worker_id)
    : state_(state), worker_id_(std::move(worker_id)) {}

std::int64_t Ledger::hold_owner_session(warehouse::SqlConnection& db) {
  if (db.dialect() != warehouse::Dialect::kPostgres) return static_cast<std::int64_t>(getpid());
  // Positive, so that it reads the same as pg_locks.objid (an oid).
  const std::int64_t key = XXH32(worker_id_.data(), worker_id_.size(), 1) & 0x7fffffff;
  const SqlValue params[] = {std::int64_t{kOwnerLockClass}, key};
  // pg_try_: two live workers configured with one worker id must not block each other; the
  // second simply holds no lock, and its claims wait for their lease if it dies.
  db.query(
      "SELECT pg_try_advisory_lock($1::int, $2::int) WHERE NOT EXISTS (SELECT 1 FROM pg_locks"
      " WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = $1::int::oid"
      " AND objid = $2::int::oid AND objsubid = 2)",
      params);
  return key;
}

void Ledger::expire_dead_claims(warehouse::SqlConnection& db, const std::string& stream) {
  const SqlValue stream_param[] = {stream};
  std::vector<std::string> dead;
  if (db.dialect() == warehouse::Dialect::kPostgres) {
    const SqlValue params[] = {stream, std::int64_t{kOwnerLockClass}};
    for (const SqlRow& row :
         db.query("SELECT batch_id FROM ingest_batch b WHERE stream = $1 AND status = 'claimed'"
                  " AND owner_session IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_locks l"
                  " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $2::int::oid"
                  " AND l.objid = b.owner_session::int::oid AND l.objsubid = 2)",
                  params)) {
      dead.push_back(*row[0]);
    }
  } else {
    for (const SqlRow& row :
         db.query("SELECT batch_id, owner_session, owner_host FROM ingest_batch"
                  " WHERE stream = $1 AND status = 'claimed' AND owner_session IS NOT NULL",
                  stream_param)) {
      const auto pid = static_cast<pid_t>(warehouse::sql_int(row[1]));
      if (row[2] == this_host() && pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) {
        dead.push_back(*row[0]);
      }
    }
  }
  for (const std::string& batch_id : dead) {
    const SqlValue params[] = {batch_id};
    db.execute(
        "UPDATE ingest_object SET lease_until_ms = 0 WHERE batch_id = $1 AND status = 'claimed'",
        params);
    util::log_info("claim.owner_gone", {{"batch", batch_id}});
  }
}

std::size_t Ledger::record_listing(std::span<const ListedObject> objects,
                                   std::span<const std::string> extensions, std::int64_t now_ms) {
  if (objects.empty()) return 0;
  std::size_t added = 0;
  warehouse::WarehouseTransaction txn(state_);
  for (const ListedObject& o : objects) {
    std::string extension;
    const auto slash = o.info.key.rfind('/');
    const std::string file = o.info.key.substr(slash == std::string::npos ? 0 : slash + 1);
    if (const auto dot = file.rfind('.'); dot != std::string::npos)
      extension = file.substr(dot + 1);
    const bool wanted =
        std::find(extensions.begin(), extensions.end(), extension) != extensions.end();
    // $8: the stores give 0 when a listing or HEAD had no readable LastModified: unknown (NULL).
    const SqlValue params[] = {
        o.info.key,
        o.info.etag,
        std::string(event::stream_name(o.stream)),
        static_cast<std::int64_t>(o.info.size),
        std::string(wanted ? "seen" : "ignored"),
        wanted ? SqlValue{} : SqlValue{std::string("extension not in ingest.extensions")},
        now_ms,
        o.info.last_modified_ms > 0 ? SqlValue{o.info.last_modified_ms} : SqlValue{}};
    added += static_cast<std::size_t>(txn.connection().execute(
        "INSERT INTO ingest_object (object_key, etag, stream, size_bytes, status, last_error,"
        " first_seen_ms, updated_ms, last_modified_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)"
        " ON CONFLICT (object_key, etag) DO NOTHING",
        params));
  }
  txn.commit();
  return added;
}

std::optional<BatchPlan> Ledger::claim(event::Stream stream, const ClaimLimits& limits,
                                       std::int64_t now_ms) {
  warehouse::WarehouseTransaction txn(state_);
  warehouse::SqlConnection& db = txn.connection();
  const bool postgres = db.dialect() == warehouse::Dialect::kPostgres;
  const std::string name(event::stream_name(stream));
  const std::int64_t owner_session = hold_owner_session(db);
  expire_dead_claims(db, name);
  const SqlValue pick_params[] = {name, now_ms, static_cast<std::int64_t>(limits.max_objects)};
  // `status IN (...)` is implied by the OR after it, but written out: it is the pending index's
  // own predicate, and SQLite uses a partial index only when the query states its predicate as
  // a term of its own. Without it, SQLite scanned the whole ledger for every claim (0.13 s
  // against 0.01 s at a million committed rows).
  const std::vector<SqlRow> picked =
      db.query(std::string("SELECT object_key, etag, size_bytes, batch_id FROM ingest_object"
                           " WHERE stream = $1 AND status IN ('seen', 'claimed') AND"
                           " (status = 'seen' OR (status = 'claimed' AND lease_until_ms < $2))"
                           " ORDER BY first_seen_ms, object_key LIMIT $3") +
                   (postgres ? " FOR UPDATE SKIP LOCKED" : ""),
               pick_params);
  if (picked.empty()) return std::nullopt;

  BatchPlan plan{make_batch_id(now_ms, worker_id_), stream, utc_date(now_ms), {}};
  std::uint64_t bytes = 0;
  std::set<std::string> taken_over;  // batches whose expired claims this claim takes over
  for (const SqlRow& row : picked) {
    const auto size = static_cast<std::uint64_t>(warehouse::sql_int(row[2]));
    const std::string_view key = *row[0];
    const bool compressed = key.ends_with(".gz") || key.ends_with(".zst");
    const std::uint64_t weight = compressed ? size * ClaimLimits::kCompressedWeight : size;
    if (!plan.objects.empty() && bytes + weight > limits.max_bytes) break;
    bytes += weight;
    plan.objects.push_back(ClaimedObject{*row[0], *row[1], size});
    if (row[3]) taken_over.insert(*row[3]);
  }
  // A batch whose lease expired is abandoned (its worker died or stalled): its row goes, so no
  // batch stays 'claimed' forever, and the old worker, if it is still alive, finds its batch gone
  // at commit time and commits nothing (LeaseLost). Its objects not taken over here stay claimed
  // under the old id until a later claim takes them.
  for (const std::string& old_batch : taken_over) {
    const SqlValue params[] = {old_batch};
    db.execute("DELETE FROM ingest_batch WHERE batch_id = $1 AND status = 'claimed'", params);
  }
  const SqlValue batch_params[] = {plan.batch_id, name,          worker_id_, plan.ingest_date,
                                   now_ms,        owner_session, this_host()};
  db.execute(
      "INSERT INTO ingest_batch (batch_id, stream, worker, status, ingest_date, created_ms,"
      " owner_session, owner_host) VALUES ($1, $2, $3, 'claimed', $4, $5, $6, $7)",
      batch_params);
  for (const ClaimedObject& o : plan.objects) {
    const SqlValue params[] = {plan.batch_id, now_ms + limits.lease_ms, now_ms, o.key, o.etag};
    db.execute(
        "UPDATE ingest_object SET status = 'claimed', batch_id = $1, lease_until_ms = $2,"
        " attempts = attempts + 1, updated_ms = $3 WHERE object_key = $4 AND etag = $5",
        params);
  }
  // By key, then ETag: two versions of one key in one batch are decoded in an order that does not
  // depend on the query plan, the same order republish_pending() decodes them in (the first
  // version holding an event is the one whose row the batch keeps).
  std::sort(plan.objects.begin(), plan.objects.end(),
            [](const ClaimedObject& a, const ClaimedObject& b) {
              return std::tie(a.key, a.etag) < std::tie(b.key, b.etag);
            });
  txn.commit();
  return plan;
}

void Ledger::release(const BatchPlan& plan, const std::string& error, Cause cause, int max_attempts,
                     std::int64_t now_ms) {
  warehouse::WarehouseTransaction txn(state_);
  release_claimed(txn.connection(), plan.batch_id, nullptr, error, cause, max_attempts, now_ms);
  const SqlValue batch[] = {plan.batch_id};
  txn.connection().execute("DELETE FROM ingest_batch WHERE batch_id = $1 AND status = 'claimed'",
                           batch);
  txn.commit();
}

std::int64_t Ledger::release_claimed(warehouse::SqlConnection& db, std::string_view batch_id,
                                     const ClaimedObject* object, const std::string& error,
                                     Cause cause, int limit, std::int64_t now_ms) {
  // claim() counted this attempt (attempts >= 1 while claimed); an outage or a refusal takes it
  // back. Only the count that `cause` raises can fail the object.
  const bool attempt = cause == Cause::kObjects;
  const bool refusal = cause == Cause::kRefused;
  const SqlValue params[] = {error,
                             static_cast<std::int64_t>(attempt ? limit : 0),
                             now_ms,
                             std::string(batch_id),
                             std::int64_t{attempt ? 0 : 1},
                             std::int64_t{object != nullptr ? 1 : 0},
                             object != nullptr ? object->key : std::string(),
                             object != nullptr ? object->etag : std::string(),
                             std::int64_t{refusal ? 1 : 0},
                             static_cast<std::int64_t>(refusal ? limit : 0)};
  return db.execute(
      "UPDATE ingest_object SET status = CASE WHEN ($2 > 0 AND attempts >= $2)"
      " OR ($10 > 0 AND refusals + $9 >= $10) THEN 'failed' ELSE 'seen' END,"
      " attempts = attempts - $5, refusals = refusals + $9, last_error = $1, batch_id = NULL,"
      " lease_until_ms = NULL, updated_ms = $3 WHERE batch_id = $4 AND status = 'claimed'"
      " AND ($6 = 0 OR (object_key = $7 AND etag = $8))",
      params);
}

Ledger::Backlog Ledger::backlog() {
  // One pass over the pending index, which carries both times (migration 0015).
  const SqlRow row = state_.connection().query(
      "SELECT count(*), min(coalesce(last_modified_ms, first_seen_ms)) FROM ingest_object"
      " WHERE status IN ('seen', 'claimed')")[0];
  return Backlog{static_cast<std::uint64_t>(warehouse::sql_int(row[0])),
                 warehouse::sql_int(row[1])};
}

double Ledger::Backlog::lag_seconds(std::int64_t now_ms) const {
  if (objects == 0) return 0.0;
  // LastModified is stamped by the store's clock, now_ms by ours: with the store's clock ahead,
  // an object that just landed seems to have landed in the future. Its negative age reads 0 (no
  // lag) rather than a negative lag, which no alarm threshold could make sense of. A store clock
  // behind ours adds its skew to the lag instead; only synchronised clocks (NTP) remove either.
  return static_cast<double>(std::max<std::int64_t>(0, now_ms - oldest_landed_ms)) / 1000.0;
}

LedgerCounts Ledger::counts() {
  LedgerCounts c;
  for (const SqlRow& row :
       state_.connection().query("SELECT status, count(*) FROM ingest_object GROUP BY status")) {
    const std::string& status = *row[0];
    const auto n = static_cast<std::uint64_t>(warehouse::sql_int(row[1]));
    if (status == "seen") c.seen = n;
    if (status == "claimed") c.claimed = n;
    if (status == "committed") c.committed = n;
    if (status == "vanished") c.vanished = n;
    if (status == "failed") c.failed = n;
    if (status == "ignored") c.ignored = n;
  }
  return c;
}

std::uint64_t Ledger::claimed(std::span<const event::Stream> streams) {
  std::uint64_t n = 0;
  for (const SqlRow& row : state_.connection().query(
           "SELECT stream, count(*) FROM ingest_object WHERE status = 'claimed' GROUP BY stream")) {
    const std::optional<event::Stream> stream = event::stream_from_name(*row[0]);
    if (stream && std::find(streams.begin(), streams.end(), *stream) != streams.end()) {
      n += static_cast<std::uint64_t>(warehouse::sql_int(row[1]));
    }
  }
  return n;
}

BatchCommitLedger::BatchCommitLedger(warehouse::SqlConnection& db, std::string batch_id,
                                     std::int64_t now_ms)
    : db_(db), batch_id_(std::move(batch_id)), now_ms_(now_ms) {}

namespace {

void expect_one(std::int64_t changed, const std::string& batch_id, const ClaimedObject& o) {
  if (changed != 1) throw LeaseLost("batch " + batch_id + " lost its claim on " + o.key);
}

}  // namespace

void BatchCommitLedger::object_committed(const ClaimedObject& o, const Committed& what) {
  const SqlValue params[] = {static_cast<std::int64_t>(what.events),
                             static_cast<std::int64_t>(what.quarantined),
                             what.bronze_key,
                             what.sha256,
                             now_ms_,
                             o.key,
                             o.etag,
                             batch_id_};
  expect_one(db_.execute("UPDATE ingest_object SET status = 'committed', events = $1,"
                         " quarantined = $2, bronze_key = $3, sha256 = $4, updated_ms = $5,"
                         " lease_until_ms = NULL, last_error = NULL WHERE object_key = $6"
                         " AND etag = $7 AND batch_id = $8 AND status = 'claimed'",
                         params),
             batch_id_, o);
}

namespace {

std::int64_t end_claim(warehouse::SqlConnection& db, const char* status, const ClaimedObject& o,
                       const std::string& why, std::int64_t now_ms, const std::string& batch_id) {
  const SqlValue params[] = {std::string(status), why, now_ms, o.key, o.etag, batch_id};
  return db.execute(
      "UPDATE ingest_object SET status = $1, last_error = $2, updated_ms = $3,"
      " lease_until_ms = NULL WHERE object_key = $4 AND etag = $5 AND batch_id = $6"
      " AND status = 'claimed'",
      params);
}

}  // namespace

void BatchCommitLedger::object_vanished(const ClaimedObject& o, const std::string& why) {
  expect_one(end_claim(db_, "vanished", o, why, now_ms_, batch_id_), batch_id_, o);
}

void BatchCommitLedger::object_failed(const ClaimedObject& o, const std::string& why) {
  expect_one(end_claim(db_, "failed", o, why, now_ms_, batch_id_), batch_id_, o);
}

void BatchCommitLedger::object_refused(const ClaimedObject& o, const std::string& why,
                                       int max_refusals) {
  expect_one(Ledger::release_claimed(db_, batch_id_, &o, why, Ledger::Cause::kRefused, max_refusals,
                                     now_ms_),
             batch_id_, o);
}

void BatchCommitLedger::batch_committed(const Totals& totals, std::string new_event_keys) {
  const SqlValue params[] = {now_ms_,
                             static_cast<std::int64_t>(totals.events),
                             static_cast<std::int64_t>(totals.new_events),
                             static_cast<std::int64_t>(totals.quarantined),
                             totals.max_event_ts_ms,
                             SqlBlob{std::move(new_event_keys)},
                             batch_id_};
  if (db_.execute("UPDATE ingest_batch SET status = 'committed', committed_ms = $1, events = $2,"
                  " new_events = $3, quarantined = $4, max_event_ts_ms = $5, new_event_keys = $6"
                  " WHERE batch_id = $7 AND status = 'claimed'",
                  params) != 1) {
    throw LeaseLost("batch " + batch_id_ + " is no longer claimed");
  }
}

void Ledger::batch_published(const std::string& batch_id, std::int64_t now_ms) {
  const SqlValue params[] = {now_ms, batch_id};
  state_.connection().execute(
      "UPDATE ingest_batch SET status = 'published', published_ms = $1, new_event_keys = NULL"
      " WHERE batch_id = $2",
      params);
}

std::vector<UnpublishedBatch> Ledger::unpublished(std::int64_t committed_before_ms,
                                                  const std::string& own_worker) {
  std::vector<UnpublishedBatch> out;
  warehouse::SqlConnection& db = state_.connection();
  const SqlValue before[] = {committed_before_ms, own_worker};
  for (const SqlRow& row :
       db.query(db.dialect() == warehouse::Dialect::kPostgres
                    ? "SELECT batch_id, stream, ingest_date, encode(new_event_keys, 'hex')"
                      " FROM ingest_batch WHERE status = 'committed'"
                      " AND (committed_ms < $1 OR worker = $2) ORDER BY created_ms"
                    : "SELECT batch_id, stream, ingest_date, lower(hex(new_event_keys))"
                      " FROM ingest_batch WHERE status = 'committed'"
                      " AND (committed_ms < $1 OR worker = $2) ORDER BY created_ms",
                before)) {
    UnpublishedBatch b;
    b.plan = BatchPlan{*row[0], *event::stream_from_name(*row[1]), *row[2], {}};
    b.new_event_keys = row[3].value_or("");
    const SqlValue id[] = {b.plan.batch_id};
    std::vector<SqlRow> objects = db.query(
        "SELECT object_key, etag, size_bytes, bronze_key FROM ingest_object"
        " WHERE batch_id = $1 AND status = 'committed'",
        id);
    // In the order the batch was committed in: by key, then ETag, compared bytewise as claim()
    // sorts them (not by the database's collation).
    std::sort(objects.begin(), objects.end(), [](const SqlRow& a, const SqlRow& c) {
      return std::tie(*a[0], *a[1]) < std::tie(*c[0], *c[1]);
    });
    for (const SqlRow& o : objects) {
      b.plan.objects.push_back(
          ClaimedObject{*o[0], *o[1], static_cast<std::uint64_t>(warehouse::sql_int(o[2]))});
      b.bronze_keys.push_back(o[3].value_or(""));
    }
    out.push_back(std::move(b));
  }
  return out;
}

LedgerSummary Ledger::summary() {
  warehouse::SqlConnection& db = state_.connection();
  LedgerSummary s;
  s.objects = counts();
  for (const SqlRow& row : db.query("SELECT status, count(*) FROM ingest_batch GROUP BY status")) {
    const auto n = static_cast<std::uint64_t>(warehouse::sql_int(row[1]));
    if (*row[0] == "claimed") s.batches.claimed = n;
    if (*row[0] == "committed") s.batches.committed = n;
    if (*row[0] == "published") s.batches.published = n;
  }
  const SqlRow totals = db.query(
      "SELECT coalesce(sum(events), 0), coalesce(sum(new_events), 0),"
      " coalesce(sum(quarantined), 0), max(max_event_ts_ms) FROM ingest_batch"
      " WHERE status IN ('committed', 'published')")[0];
  s.decoded_events = static_cast<std::uint64_t>(warehouse::sql_int(totals[0]));
  s.new_events = static_cast<std::uint64_t>(warehouse::sql_int(totals[1]));
  s.quarantined = static_cast<std::uint64_t>(warehouse::sql_int(totals[2]));
  if (totals[3]) s.newest_committed_event_ms = warehouse::sql_int(totals[3]);
  for (const SqlRow& row :
       db.query("SELECT object_key, status, attempts, last_error FROM ingest_object"
                " WHERE last_error IS NOT NULL AND status <> 'ignored'"
                " ORDER BY updated_ms DESC LIMIT 10")) {
    s.recent_errors.push_back({*row[0], *row[1], *row[3], warehouse::sql_int(row[2])});
  }
  return s;
}

std::optional<std::int64_t> Ledger::newest_committed_event_ms() {
  const auto rows = state_.connection().query(
      "SELECT max(max_event_ts_ms) FROM ingest_batch WHERE status IN ('committed', 'published')");
  if (rows.empty() || !rows[0][0]) return std::nullopt;
  return warehouse::sql_int(rows[0][0]);
}

std::optional<std::string> Ledger::status_of(const std::string& key, const std::string& etag) {
  const SqlValue params[] = {key, etag};
  const std::vector<SqlRow> rows = state_.connection().query(
      "SELECT status FROM ingest_object WHERE object_key = $1 AND etag = $2", params);
  if (rows.empty() || !rows[0][0]) return std::nullopt;
  return *rows[0][0];
}

std::map<std::string, std::string> Ledger::archived_raw_keys() {
  std::map<std::string, std::string> out;
  for (const SqlRow& row : state_.connection().query(
           "SELECT bronze_key, object_key FROM ingest_object WHERE bronze_key IS NOT NULL")) {
    out.emplace(*row[0], *row[1]);
  }
  return out;
}

std::vector<FailedObject> Ledger::failed_since(std::span<const event::Stream> streams,
                                               std::int64_t since_ms) {
  std::vector<FailedObject> out;
  // Stream by stream, so that the pending index (stream, status, ...) finds the rows.
  for (const event::Stream stream : streams) {
    const SqlValue params[] = {std::string(event::stream_name(stream)), since_ms};
    for (const SqlRow& row : state_.connection().query(
             "SELECT object_key, last_error FROM ingest_object WHERE stream = $1"
             " AND status = 'failed' AND updated_ms >= $2 ORDER BY object_key",
             params)) {
      out.push_back({*row[0], row[1].value_or("")});
    }
  }
  return out;
}

std::uint64_t Ledger::unpublished_batches() {
  return static_cast<std::uint64_t>(warehouse::sql_int(state_.connection().query(
      "SELECT count(*) FROM ingest_batch WHERE status = 'committed'")[0][0]));
}

void Ledger::reclaim_space() {
  if (state_.connection().dialect() != warehouse::Dialect::kPostgres) return;
  state_.connection().execute_script("VACUUM ingest_batch, ingest_object");
}

}  // namespace tributary::ingest
