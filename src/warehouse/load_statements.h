// The set-based SQL that moves one stream's staging table into the star schema. Mostly the same
// text on SQLite and PostgreSQL (both accept INSERT ... SELECT ... ON CONFLICT and row
// comparisons); where PostgreSQL's planner could pick a plan whose cost grows with the tables
// rather than the batch, its text uses RETURNING instead (see add_fact_steps).
//
// Order within a load (see docs/data-model.md):
//   1. dimensions: the loader finds the keys of the batch's locations, artists, songs, levels,
//      auth states, pages, methods and user agents, inserting the unseen ones, and stages them
//      with the rows (dimension_keys.h); so no statement below joins a dimension;
//   2. facts: insert the staged rows' facts (the loader stages each event_key once); a plain
//      insert, which throws UniqueViolation when a key is stored already. Then the insert is
//      rolled back to a savepoint and the exact path runs instead: before_exact_facts,
//      exact_facts, after_exact_facts insert the new facts (the change count of exact_facts is
//      the new-row count) and leave exactly those in the staging table. Only re-loads take the
//      exact path: the ingester stages new events.
//   3. observations: record (user, ts, level) points not stored yet and the users' latest
//      profile (staged_profile, which the loader fills); if any point is new, rebuild the
//      versions of the batch's users in dim_user;
//   4. marts: add the staged rows' counts and sums to their (date_key, key) rows, and the users,
//      songs' listeners and sessions new to a day to its distinct counts (migration 0012).
// Steps 3 and 4 are skipped when step 2 inserted nothing: the facts and observations are then
// unchanged, so everything derived from them is too.
#pragma once

#include <string>
#include <vector>

#include "event/schema.h"
#include "warehouse/sql_connection.h"

namespace tributary::warehouse {

struct StreamLoadSql {
  std::string facts;
  std::vector<std::string> before_exact_facts;
  std::string exact_facts;
  std::vector<std::string> after_exact_facts;
  std::string observations;  // skips stored points; its change count is the new ones
  std::string profiles;      // upserts user_profile from staged_profile
  std::vector<std::string> marts;
};

const StreamLoadSql& load_sql(event::Stream stream, Dialect dialect);

// Temporary tables holding what a load touched (affected users, members new to the marts'
// distinct-count sets); created once per connection, emptied by the statements that fill them.
std::vector<std::string> scratch_ddl(Dialect dialect);

// Rebuilds dim_user for the users staged from `stream` (requires scratch_ddl), in three steps:
//   prepare: affected_user gets each staged user and the point its history is rebuilt after;
//   observations: reads those users' observations after that point, in (user_id, ts) order,
//     as user_id, ts (ms), level, level_before: the loader computes their versions
//     (user_history.h) and writes them to rebuilt_version;
//   apply: replaces the users' versions after that point with the rebuilt ones, writing only
//     those that differ, and carries each user's profile to every version.
struct DimUserRebuildSql {
  std::vector<std::string> prepare;
  std::string observations;
  std::vector<std::string> apply;
};
const DimUserRebuildSql& rebuild_dim_user_sql(event::Stream stream, Dialect dialect);

}  // namespace tributary::warehouse
