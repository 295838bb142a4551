#include "lake/iceberg/silver_tables.h"

#include "lake/event_date.h"
#include "lake/layout.h"
#include "lake/silver_schema.h"

namespace tributary::lake::iceberg {

IcebergTable silver_table(std::string_view lake_uri, event::Stream stream) {
  std::string location = std::string(lake_uri) + "/" + layout::silver_prefix(stream);
  location.pop_back();  // the prefix's trailing '/': a table location has none
  return IcebergTable(
      {location,
       table_uuid_for(location),
       silver_columns(stream),
       {{"write.format.default", "parquet"}, {"write.parquet.compression-codec", "zstd"}}});
}

DataFile silver_data_file(std::string_view lake_uri, const ManifestEntry& entry,
                          event::Stream stream, const parquet::FileMetrics& metrics) {
  return make_data_file(
      std::string(lake_uri) + "/" + entry.key, static_cast<std::int64_t>(entry.rows),
      static_cast<std::int64_t>(entry.bytes), static_cast<std::int32_t>(utc_day(entry.min_ts_ms)),
      silver_columns(stream), metrics);
}

}  // namespace tributary::lake::iceberg
