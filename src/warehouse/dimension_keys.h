// DimensionKeys: the surrogate keys of the dimension rows a batch refers to (location, artist and
// song, level, auth state, page, method, user agent), found in the loader's memory and inserted
// into the database only when new. A load then stages the keys with its rows, and the facts and
// marts are inserted from the staging table without joining it to a dimension: those joins, and
// the statements that searched a batch's rows for unseen values, were a third of a load's time
// although a batch brings few new values, most often none.
//
// Invariants:
//   - a cached key names a row of the dimension visible to the current transaction: the cache
//     is filled from committed rows (the whole dimension, at a session's first load) and from
//     the rows the current transaction inserts; it is emptied when a transaction that inserted
//     rows rolls back (they are gone) and when the session ends.
//   - loads take turns (Warehouse::serialize_loads), so a value missing from the cache and from
//     the database cannot be inserted by another loader before this one commits; another
//     loader's committed rows are found by the lookup that precedes each insert.
//   - natural keys compare as the dimension's UNIQUE constraint does: text byte for byte,
//     doubles by value.
#pragma once

#include <cstdint>
#include <vector>

#include "event/batch.h"
#include "warehouse/sql_connection.h"

namespace tributary::warehouse {

// The keys staged with each row, in this order (staging.h names their columns).
enum class DimensionKey : std::uint8_t {
  kLocation,
  kSong,
  kLevel,
  kAuth,
  kPage,
  kMethod,
  kUserAgent,
};
inline constexpr std::size_t kDimensionKeyCount = 7;

// Per row of a batch, kDimensionKeyCount keys; 0 where the row has none (a stream without the
// attribute, a page view without a song). Surrogate keys start at 1.
struct BatchKeys {
  std::vector<std::int64_t> keys;

  std::int64_t at(std::size_t row, DimensionKey k) const {
    return keys[row * kDimensionKeyCount + static_cast<std::size_t>(k)];
  }
};

class DimensionKeys {
 public:
  DimensionKeys();
  ~DimensionKeys();
  DimensionKeys(const DimensionKeys&) = delete;
  DimensionKeys& operator=(const DimensionKeys&) = delete;

  // Keys of every row of `batch`, inserting the dimension rows not stored yet. Within the load's
  // transaction, after serialize_loads().
  BatchKeys resolve(SqlConnection& db, const event::EventBatch& batch);
  // Whether the last resolve() inserted user agents (the loader then parses them).
  bool added_user_agents() const { return added_user_agents_; }
  // The transaction resolve() ran in committed: every cached key names a committed row.
  void committed() { inserted_ = false; }
  // It rolled back: the keys of the rows it inserted name nothing now, so every key is forgotten
  // if it inserted any (most transactions that roll back, such as a claim that found nothing,
  // inserted none, and keep the cache).
  void rolled_back() {
    if (inserted_) forget();
  }
  // Forgets every key (a new session).
  void forget();

 private:
  class Cache;
  std::vector<Cache> caches_;  // one per dimension table, see dimension_keys.cc
  bool added_user_agents_ = false;
  bool inserted_ = false;  // resolve() inserted rows since the last commit
};

}  // namespace tributary::warehouse
