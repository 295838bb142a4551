// CommittedKeys: the key of every event ever committed, kept in the state database so that
// deduplication is against the whole history, survives restarts and is shared by every worker.
// A batch's commit adds its events' keys, inside its own transaction, and learns which are new.
//
// Layout (migration 0017): one row per stream and kSlotMs of event time in ingest_key_group
// (stream, slot = floor(ts / kSlotMs), keys = the slot's event keys, sorted, 16 bytes each, hi
// then lo, big-endian, concatenated). eventsim and fluentd ship events in time order, so a batch
// touches a few slots: the cost of a batch is one read and one write of each slot it touches,
// whatever the size of the history, and checking a key is a merge in memory. (Keys in a B-tree
// of random 128-bit hashes made every batch touch pages across the whole index: the cost of each
// key grew with the history and dominated the run.)
//
// Invariants:
//  - A key is in at most one slot: ts is part of an event's identity (event_key.h), so two
//    lines of one event fall in the same slot.
//  - Concurrent workers: PostgreSQL locks the touched slots (created first if missing, then
//    SELECT ... FOR UPDATE) in slot order, so two batches with shared keys take turns, the second
//    sees the first's keys, and no two batches lock in opposite orders. SQLite has one writer.
//  - Keys committed before migration 0017 stay in ingest_event_key_legacy (bare keys without
//    their ts); while it holds any row, a key new to its slot is also looked up there.
//  - Memory: the slots a batch touches, held while the batch commits.
//  - Keys are written as bytes (SqlBlob), never as text: a slot is rewritten whole by each batch
//    that adds to it, so its encoding is on the commit's critical path.
#pragma once

#include <cstdint>
#include <vector>

#include "event/batch.h"
#include "event/event_key.h"
#include "warehouse/sql_connection.h"

namespace tributary::ingest {

// The rows of a batch that bring new events: row i is new when no earlier row of the batch has
// its key and the key was not committed before.
struct NewRows {
  std::vector<std::uint8_t> is_new;  // one per row, 1 = new
  std::size_t count = 0;             // rows with is_new 1
};

class CommittedKeys {
 public:
  // 15 minutes: a slot of eventsim's busiest stream (page views, ~60 events/s for 10,000 users)
  // holds ~54,000 keys, under 1 MB.
  static constexpr std::int64_t kSlotMs = 15 * 60 * 1000;

  explicit CommittedKeys(warehouse::SqlConnection& db) : db_(db) {}

  // Adds the keys of `batch` inside the caller's transaction; returns the rows whose keys were
  // not committed before (each key's first row only, however often the batch repeats it).
  NewRows add(const event::EventBatch& batch);

 private:
  warehouse::SqlConnection& db_;
};

}  // namespace tributary::ingest
