// The set-based SQL that moves one stream's staging table into the star schema. The same text
// runs on SQLite and PostgreSQL (both accept INSERT ... SELECT ... ON CONFLICT DO NOTHING, row
// comparisons and window functions); only staging and partitions differ per dialect.
//
// Order within a load (see docs/data-model.md):
//   1. dimensions: insert unseen locations, artists and songs (natural keys are unique);
//   2. facts: insert staged rows whose event_key is new; the change count is the new-row count;
//   3. observations: record (user, ts, level) points; if any is new, rebuild the versions of the
//      batch's users in dim_user;
//   4. marts: recompute every (date_key, key) row the batch touches from the facts.
// Steps 3 and 4 are skipped when step 2 inserted nothing: the facts and observations are then
// unchanged, so everything derived from them is too.
#pragma once

#include <string>
#include <vector>

#include "event/schema.h"
#include "warehouse/sql_connection.h"

namespace tributary::warehouse {

struct StreamLoadSql {
  std::vector<std::string> dimensions;
  std::string facts;
  std::string observations;
  std::vector<std::string> marts;
};

const StreamLoadSql& load_sql(event::Stream stream);

// Temporary tables holding the keys a load touched (affected users and mart rows); created once
// per connection, emptied by the statements that fill them.
std::vector<std::string> scratch_ddl(Dialect dialect);

// Rebuilds dim_user for the users staged from `stream` (requires scratch_ddl).
std::vector<std::string> rebuild_dim_user_sql(event::Stream stream);

}  // namespace tributary::warehouse
