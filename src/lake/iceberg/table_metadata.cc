#include "lake/iceberg/table_metadata.h"

#include <simdjson.h>

#include <stdexcept>

#include "lake/iceberg/table_schema.h"
#include "util/json_writer.h"

namespace tributary::lake::iceberg {
namespace {

[[noreturn]] void unsupported(const std::string& what) {
  throw std::runtime_error("iceberg: table metadata: " + what);
}

std::int64_t get_int(simdjson::dom::element e, std::string_view key) {
  std::int64_t v = 0;
  if (e[key].get(v) != simdjson::SUCCESS)
    unsupported("missing integer \"" + std::string(key) + "\"");
  return v;
}

std::string get_string(simdjson::dom::element e, std::string_view key) {
  std::string_view v;
  if (e[key].get(v) != simdjson::SUCCESS)
    unsupported("missing string \"" + std::string(key) + "\"");
  return std::string(v);
}

simdjson::dom::array get_array(simdjson::dom::element e, std::string_view key) {
  simdjson::dom::array a;
  if (e[key].get(a) != simdjson::SUCCESS) unsupported("missing list \"" + std::string(key) + "\"");
  return a;
}

}  // namespace

const std::string* Snapshot::find_summary(std::string_view key) const {
  for (const auto& [k, v] : summary) {
    if (k == key) return &v;
  }
  return nullptr;
}

const Snapshot* TableMetadata::find_snapshot(std::int64_t id) const {
  for (const Snapshot& s : snapshots) {
    if (s.snapshot_id == id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::current_snapshot() const {
  return current_snapshot_id ? find_snapshot(*current_snapshot_id) : nullptr;
}

std::string table_metadata_json(const TableMetadata& m) {
  std::string out;
  util::JsonWriter w(out);
  w.begin_object();
  w.key("format-version").value(2);
  w.key("table-uuid").value(m.table_uuid);
  w.key("location").value(m.location);
  w.key("last-sequence-number").value(m.last_sequence_number);
  w.key("last-updated-ms").value(m.last_updated_ms);
  w.key("last-column-id").value(static_cast<std::int64_t>(m.last_column_id));
  w.key("current-schema-id").value(0);
  w.key("schemas").begin_array().raw(m.schema_json).end_array();
  w.key("default-spec-id").value(0);
  w.key("partition-specs").begin_array().begin_object();
  w.key("spec-id").value(0);
  w.key("fields").raw(partition_fields_json(m.ts_column_id));
  w.end_object().end_array();
  w.key("last-partition-id").value(static_cast<std::int64_t>(kPartitionFieldId));
  w.key("default-sort-order-id").value(0);
  w.key("sort-orders").begin_array().begin_object();
  w.key("order-id").value(0);
  w.key("fields").begin_array().end_array();
  w.end_object().end_array();
  w.key("properties").begin_object();
  for (const auto& [k, v] : m.properties) w.key(k).value(v);
  w.end_object();
  if (m.current_snapshot_id) w.key("current-snapshot-id").value(*m.current_snapshot_id);
  w.key("refs").begin_object();
  if (m.current_snapshot_id) {
    w.key("main").begin_object();
    w.key("snapshot-id").value(*m.current_snapshot_id);
    w.key("type").value("branch");
    w.end_object();
  }
  w.end_object();
  w.key("snapshots").begin_array();
  for (const Snapshot& s : m.snapshots) {
    w.begin_object();
    w.key("snapshot-id").value(s.snapshot_id);
    if (s.parent_snapshot_id) w.key("parent-snapshot-id").value(*s.parent_snapshot_id);
    w.key("sequence-number").value(s.sequence_number);
    w.key("timestamp-ms").value(s.timestamp_ms);
    w.key("manifest-list").value(s.manifest_list);
    w.key("summary").begin_object();
    for (const auto& [k, v] : s.summary) w.key(k).value(v);
    w.end_object();
    w.key("schema-id").value(0);
    w.end_object();
  }
  w.end_array();
  w.key("snapshot-log").begin_array();
  for (const SnapshotLogEntry& e : m.snapshot_log) {
    w.begin_object();
    w.key("timestamp-ms").value(e.timestamp_ms);
    w.key("snapshot-id").value(e.snapshot_id);
    w.end_object();
  }
  w.end_array();
  w.key("metadata-log").begin_array();
  for (const MetadataLogEntry& e : m.metadata_log) {
    w.begin_object();
    w.key("timestamp-ms").value(e.timestamp_ms);
    w.key("metadata-file").value(e.metadata_file);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

TableMetadata parse_table_metadata(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) {
    unsupported("not JSON");
  }
  if (get_int(doc, "format-version") != 2) unsupported("format-version is not 2");
  TableMetadata m;
  m.table_uuid = get_string(doc, "table-uuid");
  m.location = get_string(doc, "location");
  m.last_sequence_number = get_int(doc, "last-sequence-number");
  m.last_updated_ms = get_int(doc, "last-updated-ms");
  m.last_column_id = static_cast<std::int32_t>(get_int(doc, "last-column-id"));

  simdjson::dom::array schemas = get_array(doc, "schemas");
  if (schemas.size() != 1 || get_int(doc, "current-schema-id") != 0 ||
      get_int(schemas.at(0), "schema-id") != 0) {
    unsupported("only one schema, id 0, is supported (no schema evolution)");
  }
  m.schema_json = simdjson::minify(schemas.at(0).value());

  simdjson::dom::array specs = get_array(doc, "partition-specs");
  if (specs.size() != 1 || get_int(doc, "default-spec-id") != 0 ||
      get_int(specs.at(0), "spec-id") != 0) {
    unsupported("only one partition spec, id 0, is supported");
  }
  simdjson::dom::array fields = get_array(specs.at(0).value(), "fields");
  if (fields.size() != 1 || get_string(fields.at(0), "transform") != "day" ||
      get_int(fields.at(0), "field-id") != kPartitionFieldId ||
      get_string(fields.at(0), "name") != kPartitionFieldName) {
    unsupported("the partition spec is not day(ts) as ts_day with field id 1000");
  }
  m.ts_column_id = static_cast<std::int32_t>(get_int(fields.at(0), "source-id"));
  for (simdjson::dom::element order : get_array(doc, "sort-orders")) {
    if (get_array(order, "fields").size() != 0) unsupported("sort orders are not supported");
  }

  simdjson::dom::object properties;
  if (doc["properties"].get(properties) == simdjson::SUCCESS) {
    for (auto [k, v] : properties) {
      std::string_view s;
      if (v.get(s) != simdjson::SUCCESS) unsupported("a property is not a string");
      m.properties.emplace_back(std::string(k), std::string(s));
    }
  }
  std::int64_t current = 0;
  if (doc["current-snapshot-id"].get(current) == simdjson::SUCCESS && current != -1) {
    m.current_snapshot_id = current;
  }
  simdjson::dom::array snapshots;
  if (doc["snapshots"].get(snapshots) == simdjson::SUCCESS) {
    for (simdjson::dom::element e : snapshots) {
      Snapshot s;
      s.snapshot_id = get_int(e, "snapshot-id");
      std::int64_t parent = 0;
      if (e["parent-snapshot-id"].get(parent) == simdjson::SUCCESS) s.parent_snapshot_id = parent;
      s.sequence_number = get_int(e, "sequence-number");
      s.timestamp_ms = get_int(e, "timestamp-ms");
      s.manifest_list = get_string(e, "manifest-list");
      simdjson::dom::object summary;
      if (e["summary"].get(summary) != simdjson::SUCCESS) unsupported("a snapshot has no summary");
      for (auto [k, v] : summary) {
        std::string_view sv;
        if (v.get(sv) != simdjson::SUCCESS) unsupported("a summary value is not a string");
        s.summary.emplace_back(std::string(k), std::string(sv));
      }
      m.snapshots.push_back(std::move(s));
    }
  }
  simdjson::dom::array log;
  if (doc["snapshot-log"].get(log) == simdjson::SUCCESS) {
    for (simdjson::dom::element e : log) {
      m.snapshot_log.push_back({get_int(e, "timestamp-ms"), get_int(e, "snapshot-id")});
    }
  }
  if (doc["metadata-log"].get(log) == simdjson::SUCCESS) {
    for (simdjson::dom::element e : log) {
      m.metadata_log.push_back({get_int(e, "timestamp-ms"), get_string(e, "metadata-file")});
    }
  }
  if (m.current_snapshot_id && m.current_snapshot() == nullptr) {
    unsupported("current-snapshot-id names no snapshot");
  }
  return m;
}

}  // namespace tributary::lake::iceberg
