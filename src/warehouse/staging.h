// Staging tables: one temporary table per stream, holding a batch as the load's statements read
// it. Its columns, in order:
//   event_key (its 16 bytes: a uuid on PostgreSQL, a BLOB on SQLite), date_key;
//   the dimension keys the loader resolved (dimension_keys.h), in DimensionKey order, NULL where
//   the row has none;
//   the stream's staged fields (staged_fields()), in schema order: the measures and identifiers
//   facts and marts take as they are (times are timestamptz on PostgreSQL, integer milliseconds
//   on SQLite, as in the facts).
// The dimensions' attributes are not staged (their keys are) and neither are the user's names
// (the loader computes profiles itself, user_history.h). Built from the schema table; never
// listed by hand.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "event/schema.h"
#include "warehouse/dimension_keys.h"
#include "warehouse/sql_connection.h"

namespace tributary::warehouse {

// event_key, date_key and the dimension keys: the columns before the staged fields.
inline constexpr std::size_t kStagingDerivedColumns = 2 + kDimensionKeyCount;

// "stage_listen_events", ...
std::string staging_table(event::Stream stream);

// The schema fields of `stream` staged as they are, in schema order.
std::vector<event::StreamField> staged_fields(event::Stream stream);

// CREATE TEMP TABLE IF NOT EXISTS for the stream's staging table in `dialect`.
std::string staging_ddl(event::Stream stream, Dialect dialect);

// The comma-separated column list of the staging table, in order.
std::string staging_columns(event::Stream stream);

}  // namespace tributary::warehouse
