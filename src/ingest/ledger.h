// Ledger: what tributary knows about every raw object, kept in the state database (the warehouse,
// or a local SQLite file without one) in the ingest_object and ingest_batch tables.
//
// This module is the only code that reads or writes those two tables: every transition is one
// named method here (the commit's, inside the commit's transaction, on BatchCommitLedger), and
// `status`, the demo, replay and the status page read them through Ledger's read model.
//
// Object lifecycle (one row per key and ETag; a key rewritten with new content is a new object):
//   seen -> claimed -> committed          the normal path
//   claimed -> seen                       a batch failed; retried (attempts counts them, except
//                                         failures caused by an outage of the store or database)
//   claimed -> failed                     after max_attempts failures, or at once for an object
//                                         over decode.max_object_bytes; needs an operator
//                                         (an object the source refuses while it answers
//                                         leaves its batch alone, counting refusals, not
//                                         attempts, and fails after max_refusals)
//   seen|claimed -> vanished              deleted (or overwritten) before it could be read
//   ignored                               an extension the configuration does not ingest
// A claim is a lease: a claimed object whose lease expired (its worker died or stalled) is
// claimable again, so a batch composition is recorded before work starts and survives crashes.
// A claim also names its owner's session, and the claims of a worker known to be dead pass to
// the next claim at once, without waiting for the lease:
//   PostgreSQL: the claiming connection holds a session-level advisory lock (class kOwnerLockClass,
//               key derived from the worker id) for as long as its session lives; a claim whose
//               lock no session holds is dead (the server ends a killed worker's session).
//   SQLite:     the state is local to one host; a claim whose process no longer runs there is
//               dead.
// Fencing still decides every commit (BatchCommitLedger): a worker that lost its session and
// its claims with it, then reconnects, commits nothing (LeaseLost), so a claim taken over early
// is never committed twice.
//
// Claims use `FOR UPDATE SKIP LOCKED` on PostgreSQL, so concurrent workers never claim the same
// object; SQLite has one writer at a time (BEGIN IMMEDIATE).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "event/schema.h"
#include "ingest/listing_poller.h"
#include "warehouse/warehouse.h"

namespace tributary::ingest {

struct ClaimedObject {
  std::string key;
  std::string etag;
  std::uint64_t size = 0;
};

// A batch: objects of one stream processed and committed together.
struct BatchPlan {
  std::string batch_id;
  event::Stream stream;
  std::string ingest_date;  // YYYY-MM-DD (UTC) when the batch was planned: the bronze partition
  std::vector<ClaimedObject> objects;  // ordered by key: the order events are decoded in
};

struct ClaimLimits {
  std::size_t max_objects = 128;
  // Raw bytes per batch, a compressed object counted at kCompressedWeight times its size: a batch
  // is held in memory decompressed and decoded, twice over while the next one is prepared.
  std::uint64_t max_bytes = 32ull << 20;
  // eventsim's JSON inflates about 7x from gzip; an object named *.gz or *.zst (fluentd's
  // store_as gzip) counts as this many times its stored size against max_bytes.
  static constexpr std::uint64_t kCompressedWeight = 8;
  std::int64_t lease_ms = 120'000;
};

struct FailedObject {
  std::string key;
  std::string error;  // its last_error
};

struct LedgerCounts {
  std::uint64_t seen = 0, claimed = 0, committed = 0, vanished = 0, failed = 0, ignored = 0;
};

struct BatchCounts {
  std::uint64_t claimed = 0, committed = 0, published = 0;
};

// Thrown when the batch's claim was taken over (its lease expired) before it could commit.
struct LeaseLost : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An object of an unpublished batch, with where its bronze copy is.
struct ArchivedObject {
  ClaimedObject object;
  std::string bronze_key;
};

// A batch committed but not published: what republishing needs to rebuild its files.
struct UnpublishedBatch {
  BatchPlan plan;                        // objects: the committed ones, in plan order
  std::vector<std::string> bronze_keys;  // of plan.objects, index for index
  std::string new_event_keys;            // the keys the batch inserted, as hex digits
};

// The ledger as `status`, the demo and the status page show it.
struct LedgerSummary {
  LedgerCounts objects;
  BatchCounts batches;
  std::optional<std::int64_t> newest_committed_event_ms;  // of committed or published batches
  // Events of committed or published batches: decoded, new (not duplicates), quarantined lines.
  std::uint64_t decoded_events = 0, new_events = 0, quarantined = 0;
  struct Error {
    std::string key, status, message;
    std::int64_t attempts = 0;
  };
  std::vector<Error> recent_errors;  // the newest first, at most 10; ignored objects left out
};

// The transitions of one batch's commit, made inside the commit's transaction on `db`. Each
// changes only rows this batch still holds as claimed, and throws LeaseLost when there is none:
// a worker whose claim was taken over (its lease expired) commits nothing.
class BatchCommitLedger {
 public:
  BatchCommitLedger(warehouse::SqlConnection& db, std::string batch_id, std::int64_t now_ms);

  // claimed -> committed, with what the object held and where its bronze copy is.
  struct Committed {
    std::uint64_t events = 0, quarantined = 0;
    std::string bronze_key, sha256;
  };
  void object_committed(const ClaimedObject& object, const Committed& what);
  // claimed -> vanished: deleted or overwritten before it could be read.
  void object_vanished(const ClaimedObject& object, const std::string& why);
  // claimed -> failed at once (an object over decode.max_object_bytes).
  void object_failed(const ClaimedObject& object, const std::string& why);
  // The source refused the object: claimed -> seen, counting a refusal (failed at max_refusals).
  void object_refused(const ClaimedObject& object, const std::string& why, int max_refusals);

  // The batch row: claimed -> committed, with its totals and the keys of its new events (hex,
  // concatenated), which republishing needs until the batch is published.
  struct Totals {
    std::uint64_t events = 0, new_events = 0, quarantined = 0;
    std::int64_t max_event_ts_ms = 0;
  };
  // new_event_keys: the keys the batch inserted, 16 bytes each (EventKey::write_bytes).
  void batch_committed(const Totals& totals, std::string new_event_keys);

 private:
  warehouse::SqlConnection& db_;
  std::string batch_id_;
  std::int64_t now_ms_;
};

class Ledger {
 public:
  Ledger(warehouse::Warehouse& state, std::string worker_id);

  // Records listed objects the ledger does not know yet (by key and ETag), with their
  // LastModified when the store gave one; objects whose extension is not in `extensions` are
  // recorded as ignored. Returns how many rows were added.
  std::size_t record_listing(std::span<const ListedObject> objects,
                             std::span<const std::string> extensions, std::int64_t now_ms);

  // Claims claimable objects of `stream`, oldest first, within `limits` (always at least one if
  // any is claimable), as a new batch. nullopt when there is nothing to claim.
  std::optional<BatchPlan> claim(event::Stream stream, const ClaimLimits& limits,
                                 std::int64_t now_ms);

  // Gives a failed batch's objects back, recording the error; the batch row is deleted. Objects
  // already moved on by a newer claim are untouched. A failure of the objects themselves counts
  // the claim's attempt: at `max_attempts` they are marked failed. An outage (outage.h: the
  // store or the database out of reach) takes the claim's attempt back instead, so no outage,
  // however long, ever marks an object failed.
  enum class Cause : std::uint8_t {
    kObjects,
    kOutage,
    // The source refused to give the object while it answered otherwise: the claim's attempt is
    // taken back and a refusal counted instead; at `max_refusals` the object is failed.
    kRefused,
  };
  void release(const BatchPlan& plan, const std::string& error, Cause cause, int max_attempts,
               std::int64_t now_ms);

  // A committed batch's files are all in the lake: committed -> published.
  void batch_published(const std::string& batch_id, std::int64_t now_ms);
  // Batches committed but not published, oldest first: those committed before
  // `committed_before_ms`, and those of `own_worker`.
  std::vector<UnpublishedBatch> unpublished(std::int64_t committed_before_ms,
                                            const std::string& own_worker);

  // Counts of objects by status.
  LedgerCounts counts();
  LedgerSummary summary();
  // The ts of the newest event of any committed batch; nullopt before the first commit.
  std::optional<std::int64_t> newest_committed_event_ms();
  // The status of the ledger row (key, ETag); nullopt when there is none.
  std::optional<std::string> status_of(const std::string& key, const std::string& etag);
  // Bronze key -> raw key of every archived object (what replay needs of an original ingest).
  std::map<std::string, std::string> archived_raw_keys();
  // Objects of `streams` claimed, by any worker, whether their leases run or expired. A worker
  // waits only for claims of the streams it follows: no other claim will ever be its to finish.
  std::uint64_t claimed(std::span<const event::Stream> streams);
  // Objects of `streams` marked failed at or after `since_ms` (by any worker), by key.
  std::vector<FailedObject> failed_since(std::span<const event::Stream> streams,
                                         std::int64_t since_ms);
  // Batches committed but not yet published (their files are not all in the lake yet).
  std::uint64_t unpublished_batches();
  // Gives the database back the space of the row versions ingesting leaves behind: every object
  // row is updated twice, and a batch's republish keys (16 bytes an event) are dropped when it is
  // published. PostgreSQL: a VACUUM of those two tables, which autovacuum would run later (a
  // role that does not own them is skipped with a notice); SQLite reuses freed pages by itself.
  // Outside a transaction.
  void reclaim_space();

  // Objects waiting (seen or claimed), and when the oldest of them landed in the source.
  struct Backlog {
    std::uint64_t objects = 0;
    // The earliest LastModified among the waiting objects (epoch ms, the store's clock), an
    // object's first_seen_ms standing in for it where the ledger has none (rows recorded before
    // migration 0015, or a store that sent none). 0 when nothing waits.
    std::int64_t oldest_landed_ms = 0;

    // Seconds from oldest_landed_ms to `now_ms`, never negative; 0 when nothing waits.
    double lag_seconds(std::int64_t now_ms) const;
  };
  Backlog backlog();

  const std::string& worker_id() const { return worker_id_; }

  // The advisory lock class of the claim owners' session locks (PostgreSQL).
  static constexpr std::int32_t kOwnerLockClass = 0x74726962;  // "trib"

  // release() on `db`, inside the caller's transaction, for the objects of `batch_id` still
  // claimed by it: all of them, or only `object` when given (a batch committing without one
  // object it could not read). `limit` is max_attempts, or max_refusals for kRefused. Returns how
  // many objects were given back or failed.
  static std::int64_t release_claimed(warehouse::SqlConnection& db, std::string_view batch_id,
                                      const ClaimedObject* object, const std::string& error,
                                      Cause cause, int limit, std::int64_t now_ms);

 private:
  // This worker's owner session: PostgreSQL: takes the session's advisory lock if the current
  // session does not hold it yet (a new session after a reconnect) and returns its key; SQLite:
  // the process id.
  std::int64_t hold_owner_session(warehouse::SqlConnection& db);
  // Expires, inside the claim's transaction, the leases of `stream`'s claims whose owner is dead.
  void expire_dead_claims(warehouse::SqlConnection& db, const std::string& stream);

  warehouse::Warehouse& state_;
  std::string worker_id_;
};

// A batch id unique across workers and time: b<ms>-<worker hash>-<sequence>, in the character set
// lake file names allow.
std::string make_batch_id(std::int64_t now_ms, const std::string& worker_id);

}  // namespace tributary::ingest
