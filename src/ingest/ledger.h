// Ledger: what tributary knows about every raw object, kept in the state database (the warehouse,
// or a local SQLite file without one) in the ingest_object and ingest_batch tables.
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
// A claim is a lease: a claimed object whose lease expired (its worker died) is claimable again,
// so a batch composition is recorded before work starts and survives crashes.
//
// Claims use `FOR UPDATE SKIP LOCKED` on PostgreSQL, so concurrent workers never claim the same
// object; SQLite has one writer at a time (BEGIN IMMEDIATE).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
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
  std::size_t max_objects = 64;
  std::uint64_t max_bytes = 64ull << 20;
  std::int64_t lease_ms = 120'000;
};

struct FailedObject {
  std::string key;
  std::string error;  // its last_error
};

struct LedgerCounts {
  std::uint64_t seen = 0, claimed = 0, committed = 0, vanished = 0, failed = 0, ignored = 0;
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
  // release() on `db`, inside the caller's transaction, for the objects of `batch_id` still
  // claimed by it: all of them, or only `object` when given (a batch committing without one
  // object it could not read). `limit` is max_attempts, or max_refusals for kRefused. Returns how
  // many objects were given back or failed.
  static std::int64_t release_claimed(warehouse::SqlConnection& db, std::string_view batch_id,
                                      const ClaimedObject* object, const std::string& error,
                                      Cause cause, int limit, std::int64_t now_ms);

  // Counts of objects by status.
  LedgerCounts counts();
  // Objects of `streams` claimed, by any worker, whether their leases run or expired. A worker
  // waits only for claims of the streams it follows: no other claim will ever be its to finish.
  std::uint64_t claimed(std::span<const event::Stream> streams);
  // Objects of `streams` marked failed at or after `since_ms` (by any worker), by key.
  std::vector<FailedObject> failed_since(std::span<const event::Stream> streams,
                                         std::int64_t since_ms);
  // Batches committed but not yet published (their files are not all in the lake yet).
  std::uint64_t unpublished_batches();

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

 private:
  warehouse::Warehouse& state_;
  std::string worker_id_;
};

// A batch id unique across workers and time: b<ms>-<worker hash>-<sequence>, in the character set
// lake file names allow.
std::string make_batch_id(std::int64_t now_ms, const std::string& worker_id);

}  // namespace tributary::ingest
