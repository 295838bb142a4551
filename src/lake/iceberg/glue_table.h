// How a silver Iceberg table is registered in the AWS Glue Data Catalog (which Athena reads): the
// TableInput of Glue's CreateTable and UpdateTable, as Iceberg's own Glue catalog writes it.
//
//   Name               the stream (listen_events, ...)
//   TableType          EXTERNAL_TABLE
//   Parameters         table_type=ICEBERG, metadata_location=<current metadata file>,
//                      previous_metadata_location=<the one it replaced> (absent on creation)
//   StorageDescriptor  Location=<table location>, Columns=the silver columns with Glue types
//                      (engines take the schema from the metadata file; Glue's copy is for
//                      browsing and for Athena's column list)
// No PartitionKeys: Iceberg partitions are hidden (day(ts)), not Hive partitions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "event/schema.h"
#include "lake/parquet/column_writer.h"

namespace tributary::lake::iceberg {

// The Glue (Hive) type of a silver column: boolean, int, bigint, double, string, timestamp.
std::string glue_column_type(const parquet::ColumnSpec& column);

// The TableInput JSON object for CreateTable of `stream`'s table. `table_location` has no
// trailing slash.
std::string glue_table_input(event::Stream stream, std::string_view table_location,
                             std::string_view metadata_location);

// A metadata file location of the layout iceberg_table.h writes,
// "<table location>/metadata/v<N>.metadata.json", taken apart; nullopt for anything else.
struct MetadataFile {
  std::string table_location;
  std::int64_t version = 0;
};
std::optional<MetadataFile> parse_metadata_location(std::string_view location);

}  // namespace tributary::lake::iceberg
