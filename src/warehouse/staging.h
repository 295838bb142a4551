// Staging tables: one temporary table per stream, with the columns the loader derives (event_key
// as its 16 bytes: a uuid on PostgreSQL, a BLOB on SQLite; date_key) followed by the
// stream's schema columns in schema order, so a batch is copied into it column for column (times
// are timestamptz on PostgreSQL, integer milliseconds on SQLite, as in the facts). Built from the
// schema table; never listed by hand.
#pragma once

#include <cstddef>
#include <string>

#include "event/schema.h"
#include "warehouse/sql_connection.h"

namespace tributary::warehouse {

// event_key, date_key: the columns before the schema columns.
inline constexpr std::size_t kStagingDerivedColumns = 2;

// "stage_listen_events", ...
std::string staging_table(event::Stream stream);

// CREATE TEMP TABLE IF NOT EXISTS for the stream's staging table in `dialect`.
std::string staging_ddl(event::Stream stream, Dialect dialect);

// The comma-separated column list of the staging table, in order.
std::string staging_columns(event::Stream stream);

}  // namespace tributary::warehouse
