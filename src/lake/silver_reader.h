// read_silver_file: a silver Parquet file back into an EventBatch (for compaction). The file's
// schema must be exactly silver_columns(stream): same names, types and nullability.
#pragma once

#include <string_view>

#include "event/batch.h"

namespace tributary::lake {

// Throws std::runtime_error when the bytes are not a readable silver file of `stream` (a
// different schema, a malformed event_key, or any Parquet decoding error).
event::EventBatch read_silver_file(std::string_view bytes, event::Stream stream);

}  // namespace tributary::lake
