#include "lake/compaction.h"

#include <xxhash.h>

#include <cstdio>
#include <map>
#include <stdexcept>

#include "event/schema.h"
#include "lake/layout.h"
#include "lake/silver_reader.h"

namespace tributary::lake {
namespace {

std::string group_batch_id(const std::vector<const ManifestEntry*>& group) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  for (const ManifestEntry* e : group) XXH3_64bits_update(state, e->key.data(), e->key.size() + 1);
  const std::uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  char buf[32];
  std::snprintf(buf, sizeof buf, "compact-%016llx", static_cast<unsigned long long>(h));
  return buf;
}

void compact_group(store::ObjectStore& lake, LakeManifest& manifest, event::Stream stream,
                   const std::vector<const ManifestEntry*>& group, const CompactionOptions& options,
                   CompactionReport& report) {
  event::EventBatch merged(stream);
  for (const ManifestEntry* e : group) {
    const event::EventBatch part = read_silver_file(lake.get(e->key).body, stream);
    for (std::size_t r = 0; r < part.size(); ++r) merged.append_row(part, r);
  }
  ManifestChange change;
  SilverWriteOptions write = options.write;
  write.on_file = [&](const ManifestEntry& e, const parquet::FileMetrics& m) {
    change.add_metrics.insert_or_assign(e.key, m);
  };
  const std::vector<ManifestEntry> added =
      SilverTableWriter(lake, write).write(merged, group_batch_id(group));
  change.add = added;
  for (const ManifestEntry* e : group) change.remove.push_back(e->key);
  manifest.commit(change);
  if (!options.keep_replaced_files) {
    for (const std::string& key : change.remove) lake.remove(key);
  }
  report.added.insert(report.added.end(), added.begin(), added.end());
  report.removed.insert(report.removed.end(), change.remove.begin(), change.remove.end());
}

}  // namespace

CompactionReport compact(store::ObjectStore& lake, LakeManifest& manifest,
                         const std::optional<std::string>& table,
                         const std::optional<std::string>& partition,
                         const CompactionOptions& options) {
  if (table && !event::stream_from_name(*table)) {
    throw std::invalid_argument("unknown table " + *table +
                                " (expected a stream name such as listen_events)");
  }
  std::optional<std::string> wanted_partition;
  if (partition) {
    wanted_partition = partition->starts_with(layout::kEventDatePartition)
                           ? *partition
                           : std::string(layout::kEventDatePartition) + *partition;
  }
  const std::vector<ManifestEntry> entries = manifest.entries();
  std::map<std::pair<std::string, std::string>, std::vector<const ManifestEntry*>> partitions;
  for (const ManifestEntry& e : entries) {
    if (table && e.table != *table) continue;
    if (wanted_partition && e.partition != *wanted_partition) continue;
    partitions[{e.table, e.partition}].push_back(&e);
  }
  CompactionReport report;
  for (const auto& [id, files] : partitions) {
    ++report.partitions;
    const auto stream = event::stream_from_name(id.first);
    if (!stream) throw std::runtime_error("manifest names an unknown table " + id.first);
    std::vector<const ManifestEntry*> group;
    std::uint64_t group_bytes = 0;
    auto flush = [&] {
      if (group.size() >= 2) compact_group(lake, manifest, *stream, group, options, report);
      group.clear();
      group_bytes = 0;
    };
    for (const ManifestEntry* e : files) {  // manifest order: by key
      if (e->bytes >= options.small_file_bytes) continue;
      group.push_back(e);
      group_bytes += e->bytes;
      if (group_bytes >= options.write.target_file_bytes) flush();
    }
    flush();
  }
  return report;
}

}  // namespace tributary::lake
