#include "lake/silver_table_writer.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

#include "lake/event_date.h"
#include "lake/layout.h"
#include "lake/parquet/file_writer.h"
#include "lake/silver_schema.h"
#include "util/json_writer.h"

namespace tributary::lake {
namespace {

// Rows handed to the Parquet writer between checks of the file size.
constexpr std::size_t kRollCheckRows = 64 * 1024;

// One file's rows: a run of rows of each part.
using FileRows = std::vector<std::span<const std::uint32_t>>;

std::string sources_json(std::span<const event::EventBatch* const> parts, const FileRows& rows) {
  std::set<std::string_view> sources;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    for (std::uint32_t r : rows[p]) sources.insert(parts[p]->source_key(r));
  }
  std::string out;
  util::JsonWriter w(out);
  w.begin_array();
  for (std::string_view s : sources) w.value(s);
  w.end_array();
  return out;
}

}  // namespace

void check_batch_id(std::string_view batch_id) {
  const bool ok = !batch_id.empty() && batch_id.size() <= 64 &&
                  std::all_of(batch_id.begin(), batch_id.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
                  });
  if (!ok) {
    throw std::invalid_argument("batch id must be 1-64 characters of [A-Za-z0-9_.-], got \"" +
                                std::string(batch_id.substr(0, 80)) + "\"");
  }
}

SilverTableWriter::SilverTableWriter(store::ObjectStore& lake, SilverWriteOptions options)
    : lake_(lake), options_(options) {
  if (options_.target_file_bytes == 0 || options_.max_file_rows == 0) {
    throw std::invalid_argument("silver: file size and row limits must be positive");
  }
}

std::vector<ManifestEntry> SilverTableWriter::write_partition(
    std::span<const event::EventBatch* const> parts,
    const std::vector<std::unique_ptr<SilverColumnInputs>>& inputs, std::string_view batch_id,
    std::int64_t day, const Segments& segments) {
  const event::Stream stream = parts.front()->stream();
  std::vector<ManifestEntry> written;
  std::size_t part = 0;  // cursor over the partition's rows: segments[part][offset]
  std::size_t offset = 0;
  auto at_end = [&] {
    while (part < segments.size() && offset == segments[part].size()) {
      ++part;
      offset = 0;
    }
    return part == segments.size();
  };
  for (int n = 0; !at_end(); ++n) {
    parquet::ParquetFileWriter writer(silver_columns(stream), options_.parquet);
    FileRows file_rows(parts.size());
    // Every file takes at least one slice: an empty writer already counts its magic bytes, so a
    // target_file_bytes below that must not roll before any row (it looped, writing empty files).
    do {
      const std::size_t n_rows =
          std::min({segments[part].size() - offset, kRollCheckRows,
                    static_cast<std::size_t>(options_.max_file_rows - writer.rows_written())});
      const std::span<const std::uint32_t> slice(segments[part].data() + offset, n_rows);
      writer.write_rows(inputs[part]->inputs(), slice);
      // Slices of one part are adjacent, so the file's rows of a part stay one span.
      const std::uint32_t* first = file_rows[part].empty() ? slice.data() : file_rows[part].data();
      file_rows[part] = {first, file_rows[part].size() + n_rows};
      offset += n_rows;
    } while (!at_end() && writer.estimated_size() < options_.target_file_bytes &&
             writer.rows_written() < options_.max_file_rows);

    ManifestEntry e;
    e.table = std::string(event::stream_name(stream));
    e.partition = layout::silver_partition(day);
    e.key = layout::silver_file_key(stream, day, batch_id, n);
    e.batch_id = batch_id;
    bool first_row = true;
    for (std::size_t p = 0; p < parts.size(); ++p) {
      const std::vector<std::int64_t>& ts = parts[p]->column(event::Field::kTs).i64;
      for (std::uint32_t r : file_rows[p]) {
        e.min_ts_ms = first_row ? ts[r] : std::min(e.min_ts_ms, ts[r]);
        e.max_ts_ms = first_row ? ts[r] : std::max(e.max_ts_ms, ts[r]);
        first_row = false;
      }
      e.rows += file_rows[p].size();
    }
    const std::string body = writer.finish({{"tributary.writer", parquet::writer_version()},
                                            {"tributary.batch_id", std::string(batch_id)},
                                            {"tributary.sources", sources_json(parts, file_rows)}});
    e.bytes = body.size();
    store::PutOptions put_options;
    put_options.content_type = "application/vnd.apache.parquet";
    {
      const std::lock_guard lock(put_mutex_);
      lake_.put(e.key, body, put_options);
    }
    written.push_back(std::move(e));
  }
  return written;
}

std::vector<ManifestEntry> SilverTableWriter::write(const event::EventBatch& batch,
                                                    std::string_view batch_id) {
  const event::EventBatch* const parts[] = {&batch};
  return write(parts, batch_id);
}

std::vector<ManifestEntry> SilverTableWriter::write(std::span<const event::EventBatch* const> parts,
                                                    std::string_view batch_id) {
  check_batch_id(batch_id);
  if (parts.empty()) throw std::invalid_argument("silver: a batch needs at least one part");
  for (const event::EventBatch* p : parts) {
    if (p->stream() != parts.front()->stream()) {
      throw std::invalid_argument("silver: the parts of a batch must be of one stream");
    }
  }

  std::map<std::int64_t, Segments> by_day;  // rows of each part in batch order
  for (std::size_t p = 0; p < parts.size(); ++p) {
    const std::vector<std::int64_t>& ts = parts[p]->column(event::Field::kTs).i64;
    for (std::uint32_t r = 0; r < parts[p]->size(); ++r) {
      Segments& segments = by_day[utc_day(ts[r])];
      segments.resize(parts.size());
      segments[p].push_back(r);
    }
  }
  std::vector<const std::pair<const std::int64_t, Segments>*> partitions;
  for (const auto& day : by_day) partitions.push_back(&day);

  std::vector<std::unique_ptr<SilverColumnInputs>> inputs;
  for (const event::EventBatch* p : parts) {
    inputs.push_back(std::make_unique<SilverColumnInputs>(*p));
  }
  std::vector<std::vector<ManifestEntry>> results(partitions.size());
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto work = [&] {
    for (std::size_t i = next++; i < partitions.size(); i = next++) {
      try {
        results[i] =
            write_partition(parts, inputs, batch_id, partitions[i]->first, partitions[i]->second);
      } catch (...) {
        const std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        next = partitions.size();  // the others stop at their next partition
      }
    }
  };
  unsigned threads =
      options_.threads != 0 ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, partitions.size()));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);

  std::vector<ManifestEntry> written;
  for (auto& r : results) {
    for (ManifestEntry& e : r) written.push_back(std::move(e));
  }
  std::sort(written.begin(), written.end(),
            [](const ManifestEntry& a, const ManifestEntry& b) { return a.key < b.key; });
  return written;
}

}  // namespace tributary::lake
