#include "lake/iceberg/manifest_files.h"

#include <stdexcept>

#include "lake/avro/container_reader.h"
#include "lake/avro/container_writer.h"
#include "lake/avro/value.h"
#include "lake/iceberg/table_schema.h"

namespace tributary::lake::iceberg {
namespace {

using avro::AvroField;
using avro::AvroSchemaPtr;
using avro::AvroValue;

AvroField required(std::string name, AvroSchemaPtr type, std::int32_t id) {
  return {std::move(name), std::move(type), id, false, {}};
}

AvroField optional(std::string name, AvroSchemaPtr type, std::int32_t id) {
  return {std::move(name), avro::optional_schema(std::move(type)), id, true, {}};
}

AvroSchemaPtr int_map(std::int32_t key_id, AvroSchemaPtr value, std::int32_t value_id) {
  return avro::iceberg_map_schema("k" + std::to_string(key_id) + "_v" + std::to_string(value_id),
                                  avro::int_schema(), key_id, std::move(value), value_id);
}

AvroSchemaPtr build_manifest_entry_schema() {
  using namespace avro;
  const AvroSchemaPtr partition =
      record_schema("r102", {optional(std::string(kPartitionFieldName),
                                      logical_schema(int_schema(), "date"), kPartitionFieldId)});
  const AvroSchemaPtr data_file =
      record_schema("r2", {
                              required("content", int_schema(), 134),
                              required("file_path", string_schema(), 100),
                              required("file_format", string_schema(), 101),
                              required("partition", partition, 102),
                              required("record_count", long_schema(), 103),
                              required("file_size_in_bytes", long_schema(), 104),
                              optional("column_sizes", int_map(117, long_schema(), 118), 108),
                              optional("value_counts", int_map(119, long_schema(), 120), 109),
                              optional("null_value_counts", int_map(121, long_schema(), 122), 110),
                              optional("lower_bounds", int_map(126, bytes_schema(), 127), 125),
                              optional("upper_bounds", int_map(129, bytes_schema(), 130), 128),
                              optional("split_offsets", array_schema(long_schema(), 133), 132),
                          });
  return record_schema("manifest_entry", {
                                             required("status", int_schema(), 0),
                                             optional("snapshot_id", long_schema(), 1),
                                             optional("sequence_number", long_schema(), 3),
                                             optional("file_sequence_number", long_schema(), 4),
                                             required("data_file", data_file, 2),
                                         });
}

AvroSchemaPtr build_manifest_file_schema() {
  using namespace avro;
  const AvroSchemaPtr summary =
      record_schema("r508", {
                                required("contains_null", boolean_schema(), 509),
                                optional("contains_nan", boolean_schema(), 518),
                                optional("lower_bound", bytes_schema(), 510),
                                optional("upper_bound", bytes_schema(), 511),
                            });
  return record_schema("manifest_file", {
                                            required("manifest_path", string_schema(), 500),
                                            required("manifest_length", long_schema(), 501),
                                            required("partition_spec_id", int_schema(), 502),
                                            required("content", int_schema(), 517),
                                            required("sequence_number", long_schema(), 515),
                                            required("min_sequence_number", long_schema(), 516),
                                            required("added_snapshot_id", long_schema(), 503),
                                            required("added_files_count", int_schema(), 504),
                                            required("existing_files_count", int_schema(), 505),
                                            required("deleted_files_count", int_schema(), 506),
                                            required("added_rows_count", long_schema(), 512),
                                            required("existing_rows_count", long_schema(), 513),
                                            required("deleted_rows_count", long_schema(), 514),
                                            optional("partitions", array_schema(summary, 508), 507),
                                        });
}

AvroValue optional_long(const std::optional<std::int64_t>& v) {
  return v ? AvroValue(*v) : AvroValue();
}

AvroValue optional_bytes(const std::optional<std::string>& v) {
  return v ? AvroValue(*v) : AvroValue();
}

// The metrics map `pick` selects, as [key, value] records; null when no column has a value.
template <typename Pick>
AvroValue metrics_map(const DataFile& f, Pick pick) {
  AvroValue::List entries;
  for (const ColumnStats& c : f.columns) {
    std::optional<AvroValue> v = pick(c);
    if (v) entries.push_back(AvroValue::List{c.id, std::move(*v)});
  }
  return entries.empty() ? AvroValue() : AvroValue(std::move(entries));
}

AvroValue data_file_value(const DataFile& f) {
  AvroValue::List offsets;
  for (std::int64_t o : f.split_offsets) offsets.emplace_back(o);
  return AvroValue::List{
      0,
      f.path,
      "PARQUET",
      AvroValue::List{f.ts_day ? AvroValue(*f.ts_day) : AvroValue()},
      f.record_count,
      f.file_size_in_bytes,
      metrics_map(f, [](const ColumnStats& c) { return std::optional<AvroValue>(c.size); }),
      metrics_map(f, [](const ColumnStats& c) { return std::optional<AvroValue>(c.values); }),
      metrics_map(f, [](const ColumnStats& c) { return std::optional<AvroValue>(c.nulls); }),
      metrics_map(f,
                  [](const ColumnStats& c) {
                    return c.lower ? std::optional<AvroValue>(*c.lower) : std::nullopt;
                  }),
      metrics_map(f,
                  [](const ColumnStats& c) {
                    return c.upper ? std::optional<AvroValue>(*c.upper) : std::nullopt;
                  }),
      offsets.empty() ? AvroValue() : AvroValue(std::move(offsets)),
  };
}

// Accessors for decoded values, whose shape the schema check in read_avro_file guarantees.
const AvroValue::List& list(const AvroValue& v) {
  return std::get<AvroValue::List>(v.v);
}
std::int64_t integer(const AvroValue& v) {
  return std::get<std::int64_t>(v.v);
}
const std::string& bytes(const AvroValue& v) {
  return std::get<std::string>(v.v);
}
std::optional<std::int64_t> optional_integer(const AvroValue& v) {
  return v.is_null() ? std::nullopt : std::optional<std::int64_t>(integer(v));
}
std::optional<std::string> optional_string(const AvroValue& v) {
  return v.is_null() ? std::nullopt : std::optional<std::string>(bytes(v));
}

ColumnStats& stats_for(DataFile& f, std::int64_t id) {
  for (ColumnStats& c : f.columns) {
    if (c.id == id) return c;
  }
  f.columns.push_back({});
  f.columns.back().id = static_cast<std::int32_t>(id);
  return f.columns.back();
}

template <typename Set>
void read_metrics_map(DataFile& f, const AvroValue& map, Set set) {
  if (map.is_null()) return;
  for (const AvroValue& kv : list(map)) set(stats_for(f, integer(list(kv)[0])), list(kv)[1]);
}

DataFile data_file_from(const AvroValue& v) {
  const AvroValue::List& r = list(v);
  if (integer(r[0]) != 0) throw std::runtime_error("iceberg: a manifest entry is not a data file");
  if (bytes(r[2]) != "PARQUET") {
    throw std::runtime_error("iceberg: data file format " + bytes(r[2]) + " is not PARQUET");
  }
  DataFile f;
  f.path = bytes(r[1]);
  const std::optional<std::int64_t> day = optional_integer(list(r[3])[0]);
  if (day) f.ts_day = static_cast<std::int32_t>(*day);
  f.record_count = integer(r[4]);
  f.file_size_in_bytes = integer(r[5]);
  read_metrics_map(f, r[6], [](ColumnStats& c, const AvroValue& x) { c.size = integer(x); });
  read_metrics_map(f, r[7], [](ColumnStats& c, const AvroValue& x) { c.values = integer(x); });
  read_metrics_map(f, r[8], [](ColumnStats& c, const AvroValue& x) { c.nulls = integer(x); });
  read_metrics_map(f, r[9], [](ColumnStats& c, const AvroValue& x) { c.lower = bytes(x); });
  read_metrics_map(f, r[10], [](ColumnStats& c, const AvroValue& x) { c.upper = bytes(x); });
  if (!r[11].is_null()) {
    for (const AvroValue& o : list(r[11])) f.split_offsets.push_back(integer(o));
  }
  return f;
}

std::string le32(std::int32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i)
    s[i] = static_cast<char>((static_cast<std::uint32_t>(v) >> (8 * i)) & 0xFF);
  return s;
}

}  // namespace

AvroSchemaPtr manifest_entry_schema() {
  static const AvroSchemaPtr schema = build_manifest_entry_schema();
  return schema;
}

AvroSchemaPtr manifest_file_schema() {
  static const AvroSchemaPtr schema = build_manifest_file_schema();
  return schema;
}

std::string write_manifest(const std::vector<FileEntry>& entries, const ManifestContext& context,
                           std::string_view sync_seed) {
  avro::AvroContainerWriter w(
      manifest_entry_schema(),
      {{"schema", context.schema_json},
       {"schema-id", "0"},
       {"partition-spec", context.partition_fields_json},
       {"partition-spec-id", "0"},
       {"format-version", "2"},
       {"content", "data"}},
      {avro::AvroCodec::kDeflate, 64 * 1024, avro::sync_marker_for(sync_seed)});
  for (const FileEntry& e : entries) {
    w.append(AvroValue::List{static_cast<std::int32_t>(e.status), optional_long(e.snapshot_id),
                             optional_long(e.sequence_number),
                             optional_long(e.file_sequence_number), data_file_value(e.file)});
  }
  return w.finish();
}

std::vector<FileEntry> read_manifest(std::string_view file) {
  const avro::AvroFileContents contents = avro::read_avro_file(file, *manifest_entry_schema());
  std::vector<FileEntry> out;
  for (const AvroValue& v : contents.records) {
    const AvroValue::List& r = list(v);
    FileEntry e;
    const std::int64_t status = integer(r[0]);
    if (status < 0 || status > 2) {
      throw std::runtime_error("iceberg: manifest entry status " + std::to_string(status));
    }
    e.status = static_cast<EntryStatus>(status);
    e.snapshot_id = optional_integer(r[1]);
    e.sequence_number = optional_integer(r[2]);
    e.file_sequence_number = optional_integer(r[3]);
    e.file = data_file_from(r[4]);
    out.push_back(std::move(e));
  }
  return out;
}

std::string write_manifest_list(const std::vector<ManifestFile>& manifests,
                                std::int64_t snapshot_id,
                                std::optional<std::int64_t> parent_snapshot_id,
                                std::int64_t sequence_number, std::string_view sync_seed) {
  std::vector<std::pair<std::string, std::string>> metadata = {
      {"snapshot-id", std::to_string(snapshot_id)}};
  if (parent_snapshot_id) {
    metadata.emplace_back("parent-snapshot-id", std::to_string(*parent_snapshot_id));
  }
  metadata.emplace_back("sequence-number", std::to_string(sequence_number));
  metadata.emplace_back("format-version", "2");
  avro::AvroContainerWriter w(
      manifest_file_schema(), std::move(metadata),
      {avro::AvroCodec::kDeflate, 64 * 1024, avro::sync_marker_for(sync_seed)});
  for (const ManifestFile& m : manifests) {
    AvroValue::List partitions;
    for (const PartitionSummary& p : m.partitions) {
      partitions.push_back(AvroValue::List{
          p.contains_null, p.contains_nan ? AvroValue(*p.contains_nan) : AvroValue(),
          optional_bytes(p.lower_bound), optional_bytes(p.upper_bound)});
    }
    w.append(AvroValue::List{m.path, m.length, m.partition_spec_id, m.content, m.sequence_number,
                             m.min_sequence_number, m.added_snapshot_id, m.added_files,
                             m.existing_files, m.deleted_files, m.added_rows, m.existing_rows,
                             m.deleted_rows, AvroValue(std::move(partitions))});
  }
  return w.finish();
}

std::vector<ManifestFile> read_manifest_list(std::string_view file) {
  const avro::AvroFileContents contents = avro::read_avro_file(file, *manifest_file_schema());
  std::vector<ManifestFile> out;
  for (const AvroValue& v : contents.records) {
    const AvroValue::List& r = list(v);
    ManifestFile m;
    m.path = bytes(r[0]);
    m.length = integer(r[1]);
    m.partition_spec_id = static_cast<std::int32_t>(integer(r[2]));
    m.content = static_cast<std::int32_t>(integer(r[3]));
    m.sequence_number = integer(r[4]);
    m.min_sequence_number = integer(r[5]);
    m.added_snapshot_id = integer(r[6]);
    m.added_files = static_cast<std::int32_t>(integer(r[7]));
    m.existing_files = static_cast<std::int32_t>(integer(r[8]));
    m.deleted_files = static_cast<std::int32_t>(integer(r[9]));
    m.added_rows = integer(r[10]);
    m.existing_rows = integer(r[11]);
    m.deleted_rows = integer(r[12]);
    if (!r[13].is_null()) {
      for (const AvroValue& s : list(r[13])) {
        const AvroValue::List& f = list(s);
        PartitionSummary p;
        p.contains_null = std::get<bool>(f[0].v);
        if (!f[1].is_null()) p.contains_nan = std::get<bool>(f[1].v);
        p.lower_bound = optional_string(f[2]);
        p.upper_bound = optional_string(f[3]);
        m.partitions.push_back(std::move(p));
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

PartitionSummary summarize_partitions(const std::vector<FileEntry>& entries) {
  PartitionSummary s;
  std::optional<std::int32_t> lo;
  std::optional<std::int32_t> hi;
  for (const FileEntry& e : entries) {
    if (e.status == EntryStatus::kDeleted) continue;
    if (!e.file.ts_day) {
      s.contains_null = true;
      continue;
    }
    lo = lo ? std::min(*lo, *e.file.ts_day) : *e.file.ts_day;
    hi = hi ? std::max(*hi, *e.file.ts_day) : *e.file.ts_day;
  }
  if (lo) {
    s.lower_bound = le32(*lo);
    s.upper_bound = le32(*hi);
  }
  return s;
}

}  // namespace tributary::lake::iceberg
