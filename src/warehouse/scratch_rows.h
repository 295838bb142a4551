// ScratchRows: rows the loader computed itself (dim_user versions, user profiles), written into
// one of its temporary tables in one go: SQLite by a prepared insert per row, PostgreSQL by one
// binary COPY (Warehouse::write_scratch).
//
// Invariant: values holds columns.size() values per row, in column order; each non-NULL value
// has the SqlValue alternative its column's type names (std::int64_t for kBigint, kTimestampMs
// and kBoolean, std::string for kText); std::monostate is NULL.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "warehouse/sql_connection.h"

namespace tributary::warehouse {

// A time is integer milliseconds since 1970 on SQLite and a timestamptz on PostgreSQL; a
// boolean is 0/1 on SQLite.
enum class ScratchType : std::uint8_t { kBigint, kTimestampMs, kText, kBoolean };

struct ScratchColumn {
  std::string_view name;
  ScratchType type;
};

struct ScratchRows {
  std::string_view table;
  std::span<const ScratchColumn> columns;
  std::vector<SqlValue> values;

  std::size_t rows() const { return columns.empty() ? 0 : values.size() / columns.size(); }
};

}  // namespace tributary::warehouse
