// The Iceberg view of tributary's silver tables: where each stream's table lives and what it
// records for a silver file, so the commit path needs no Iceberg knowledge beyond this header and
// iceberg_table.h.
#pragma once

#include <string>
#include <string_view>

#include "event/schema.h"
#include "lake/iceberg/data_file.h"
#include "lake/iceberg/iceberg_table.h"
#include "lake/manifest.h"
#include "lake/parquet/file_writer.h"

namespace tributary::lake::iceberg {

// The table of `stream` in the lake at `lake_uri` (e.g. "s3://my-lake", no trailing slash):
// location <lake_uri>/silver/<stream>, its uuid a hash of that location (so every worker
// derives the same one), the silver columns, and the table properties engines read.
IcebergTable silver_table(std::string_view lake_uri, event::Stream stream);

// The data file for a silver file SilverTableWriter wrote: `entry` as the writer returned it,
// `metrics` as its on_file callback reported them. The partition value is the UTC day of the
// file's events (all of one day, as silver partitions by event date).
DataFile silver_data_file(std::string_view lake_uri, const ManifestEntry& entry,
                          event::Stream stream, const parquet::FileMetrics& metrics);

}  // namespace tributary::lake::iceberg
