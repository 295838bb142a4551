// Compaction: merges a partition's small silver files into files near the target size and
// swaps them in the manifest in one commit.
//
// Per (table, partition): the committed files smaller than small_file_bytes, in key order, are
// grouped greedily until a group reaches target_file_bytes; each group of two or more files is
// read, rewritten by SilverTableWriter under the batch id "compact-<16 hex digits>" (a hash of
// the group's keys, so a retried compaction rewrites the same files), and committed as
// {add: new files with their column metrics, remove: the group}. The replaced files are then
// deleted (unless keep_replaced_files); a crash before that leaves them to collect_garbage(), as
// they are no longer in the manifest. A manifest in the state database records the change as an
// Iceberg replace snapshot in the same commit (ingest/sql_lake_manifest.h).
//
// Readers that list the directory instead of reading a manifest or the Iceberg table see, between
// the put of a new file and the delete of the files it replaces, both: every row of the group
// twice. docs/lake.md describes it.
//
// Memory: one group decoded at a time (about target_file_bytes of Parquet, decompressed).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lake/manifest.h"
#include "lake/silver_table_writer.h"
#include "store/object_store.h"

namespace tributary::lake {

struct CompactionOptions {
  SilverWriteOptions write;
  // Files at least this large are left alone.
  std::uint64_t small_file_bytes = 32u << 20;
  // Leave the replaced files in the lake: the manifest is also an Iceberg table whose previous
  // snapshots still list them (time travel); snapshot expiry and orphan removal delete them.
  bool keep_replaced_files = false;
};

struct CompactionReport {
  std::size_t partitions = 0;  // partitions examined
  std::vector<ManifestEntry> added;
  std::vector<std::string> removed;
};

// Compacts every partition of the lake, or only `table` (a stream name) and/or `partition`
// ("YYYY-MM-DD" or "event_date=YYYY-MM-DD"). Throws std::invalid_argument for an unknown table.
CompactionReport compact(store::ObjectStore& lake, LakeManifest& manifest,
                         const std::optional<std::string>& table,
                         const std::optional<std::string>& partition,
                         const CompactionOptions& options = {});

}  // namespace tributary::lake
