// SilverTableWriter: writes an EventBatch into its stream's silver table, one table per stream,
// Hive-style partitions by the UTC date of `ts`:
//
//   silver/<stream>/event_date=YYYY-MM-DD/part-<batch_id>-<n>.parquet
//
// Invariants:
//  - Deterministic: the same batch and batch id give the same keys and the same bytes, so a
//    retried batch overwrites its files instead of adding new ones. Rows keep the batch's order
//    within a partition; <n> counts files within one partition from 0 (a partition rolls to a new
//    file at target_file_bytes or max_file_rows).
//  - The writer only puts files. Making them visible is the caller's commit of the returned
//    entries to the LakeManifest (issue 6 does it in the warehouse transaction).
//  - Deduplication is not done here: rows are written as given.
//  - Every file's key-value metadata holds the writer version, the batch id and the sorted,
//    distinct raw objects its rows came from.
//
// Memory: one open file per encoding thread, each bounded by target_file_bytes plus one
// row-group check slice.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "event/batch.h"
#include "lake/manifest.h"
#include "lake/parquet/column_writer.h"
#include "lake/silver_schema.h"
#include "store/object_store.h"

namespace tributary::lake {

struct SilverWriteOptions {
  parquet::WriterOptions parquet;
  std::uint64_t target_file_bytes = 128u << 20;
  std::uint64_t max_file_rows = 4u << 20;
  // Partitions are encoded on up to this many threads (0: one per core). Puts to the store are
  // serialised, so the store need not be thread-safe.
  unsigned threads = 0;
};

// Throws std::invalid_argument unless `batch_id` is 1..64 characters of [A-Za-z0-9_.-] (it
// becomes part of object keys and SQL-visible file names).
void check_batch_id(std::string_view batch_id);

class SilverTableWriter {
 public:
  SilverTableWriter(store::ObjectStore& lake, SilverWriteOptions options = {});

  // Writes `batch`'s rows; returns one entry per file written, ordered by key.
  std::vector<ManifestEntry> write(const event::EventBatch& batch, std::string_view batch_id);

  // Writes the rows of `parts` as one batch: the parts are batches of one stream (e.g. decoded on
  // several threads), taken in order. Files are the same as for one batch holding those rows.
  // Throws std::invalid_argument when the parts are of different streams or `parts` is empty.
  std::vector<ManifestEntry> write(std::span<const event::EventBatch* const> parts,
                                   std::string_view batch_id);

 private:
  // Rows of one partition: segments[i] selects rows of parts[i].
  using Segments = std::vector<std::vector<std::uint32_t>>;

  // Writes one partition's rows as files <prefix>part-<batch_id>-<n>.parquet.
  std::vector<ManifestEntry> write_partition(
      std::span<const event::EventBatch* const> parts,
      const std::vector<std::unique_ptr<SilverColumnInputs>>& inputs, std::string_view batch_id,
      std::int64_t day, const Segments& segments);

  store::ObjectStore& lake_;
  SilverWriteOptions options_;
  std::mutex put_mutex_;
};

}  // namespace tributary::lake
