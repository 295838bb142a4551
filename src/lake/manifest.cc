#include "lake/manifest.h"

#include <simdjson.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "lake/layout.h"
#include "store/listing_pager.h"
#include "util/json_writer.h"

namespace tributary::lake {

std::string manifest_to_json(const std::vector<ManifestEntry>& entries) {
  std::string out;
  util::JsonWriter w(out);
  w.begin_object().key("version").value(1).key("files").begin_array();
  for (const ManifestEntry& e : entries) {
    w.begin_object()
        .key("table")
        .value(e.table)
        .key("partition")
        .value(e.partition)
        .key("key")
        .value(e.key)
        .key("rows")
        .value(e.rows)
        .key("bytes")
        .value(e.bytes)
        .key("min_ts_ms")
        .value(e.min_ts_ms)
        .key("max_ts_ms")
        .value(e.max_ts_ms)
        .key("batch_id")
        .value(e.batch_id)
        .end_object();
  }
  w.end_array().end_object();
  out.push_back('\n');
  return out;
}

std::vector<ManifestEntry> manifest_from_json(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) {
    throw std::runtime_error("lake manifest is not valid JSON");
  }
  std::int64_t version = 0;
  if (doc["version"].get(version) != simdjson::SUCCESS || version != 1) {
    throw std::runtime_error("lake manifest has an unknown version (expected 1)");
  }
  simdjson::dom::array files;
  if (doc["files"].get(files) != simdjson::SUCCESS) {
    throw std::runtime_error("lake manifest has no \"files\" array");
  }
  std::vector<ManifestEntry> entries;
  for (simdjson::dom::element f : files) {
    ManifestEntry e;
    std::string_view table;
    std::string_view partition;
    std::string_view key;
    std::string_view batch;
    if (f["table"].get(table) || f["partition"].get(partition) || f["key"].get(key) ||
        f["rows"].get(e.rows) || f["bytes"].get(e.bytes) || f["min_ts_ms"].get(e.min_ts_ms) ||
        f["max_ts_ms"].get(e.max_ts_ms) || f["batch_id"].get(batch)) {
      throw std::runtime_error("lake manifest entry " + std::to_string(entries.size()) +
                               " lacks a field or has one of the wrong type");
    }
    e.table = table;
    e.partition = partition;
    e.key = key;
    e.batch_id = batch;
    entries.push_back(std::move(e));
  }
  return entries;
}

std::vector<ManifestEntry> StoreManifest::entries() {
  std::string body;
  try {
    body = lake_.get(kKey).body;
  } catch (const store::StoreError& e) {
    if (e.code() == store::StoreErrorCode::kNotFound ||
        e.code() == store::StoreErrorCode::kNoSuchBucket) {
      return {};
    }
    throw;
  }
  try {
    return manifest_from_json(body);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(lake_.uri() + "/" + std::string(kKey) + ": " + e.what());
  }
}

void StoreManifest::commit(const ManifestChange& change) {
  std::map<std::string, ManifestEntry> by_key;
  for (ManifestEntry& e : entries()) {
    std::string key = e.key;
    by_key.insert_or_assign(std::move(key), std::move(e));
  }
  for (const ManifestEntry& e : change.add) by_key.insert_or_assign(e.key, e);
  for (const std::string& k : change.remove) by_key.erase(k);
  std::vector<ManifestEntry> next;
  next.reserve(by_key.size());
  for (auto& [key, e] : by_key) next.push_back(std::move(e));
  store::PutOptions options;
  options.content_type = "application/json";
  lake_.put(kKey, manifest_to_json(next), options);
}

std::vector<std::string> collect_garbage(store::ObjectStore& lake,
                                         const std::vector<ManifestEntry>& committed,
                                         std::int64_t older_than_ms,
                                         const std::set<std::string>& referenced) {
  std::set<std::string, std::less<>> live(referenced.begin(), referenced.end());
  for (const ManifestEntry& e : committed) live.insert(e.key);
  std::vector<std::string> doomed;
  for (store::ListingPager pager(lake, std::string(layout::kSilverRoot)); !pager.done();) {
    const store::ListPage page = pager.next();
    for (const store::ObjectInfo& o : page.objects) {
      if (layout::is_table_metadata_key(o.key)) continue;
      if (!live.contains(o.key) && o.last_modified_ms < older_than_ms) doomed.push_back(o.key);
    }
  }
  for (const std::string& k : doomed) lake.remove(k);
  return doomed;
}

}  // namespace tributary::lake
