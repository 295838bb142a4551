#include "lake/silver_table_writer.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

#include "lake/event_date.h"
#include "lake/parquet/file_writer.h"
#include "lake/silver_schema.h"
#include "util/json_writer.h"

namespace tributary::lake {
namespace {

// Rows handed to the Parquet writer between checks of the file size.
constexpr std::size_t kRollCheckRows = 64 * 1024;

std::string sources_json(const event::EventBatch& batch, std::span<const std::uint32_t> rows) {
  std::set<std::string_view> sources;
  for (std::uint32_t r : rows) sources.insert(batch.source_key(r));
  std::string out;
  util::JsonWriter w(out);
  w.begin_array();
  for (std::string_view s : sources) w.value(s);
  w.end_array();
  return out;
}

}  // namespace

std::string silver_partition_prefix(event::Stream stream, std::int64_t day) {
  return "silver/" + std::string(event::stream_name(stream)) + "/event_date=" + format_day(day) +
         "/";
}

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

std::vector<ManifestEntry> SilverTableWriter::write_partition(const event::EventBatch& batch,
                                                              const SilverColumnInputs& inputs,
                                                              std::string_view batch_id,
                                                              std::int64_t day,
                                                              std::span<const std::uint32_t> rows) {
  const std::vector<std::int64_t>& ts = batch.column(event::Field::kTs).i64;
  const std::string prefix = silver_partition_prefix(batch.stream(), day);
  std::vector<ManifestEntry> written;
  std::span<const std::uint32_t> pending = rows;
  for (int n = 0; !pending.empty(); ++n) {
    parquet::ParquetFileWriter writer(silver_columns(batch.stream()), options_.parquet);
    std::size_t taken = 0;
    while (taken < pending.size() && writer.estimated_size() < options_.target_file_bytes &&
           writer.rows_written() < options_.max_file_rows) {
      const std::size_t n_rows =
          std::min({pending.size() - taken, kRollCheckRows,
                    static_cast<std::size_t>(options_.max_file_rows - writer.rows_written())});
      writer.write_rows(inputs.inputs(), pending.subspan(taken, n_rows));
      taken += n_rows;
    }
    const auto file_rows = pending.first(taken);
    pending = pending.subspan(taken);

    ManifestEntry e;
    e.table = std::string(event::stream_name(batch.stream()));
    e.partition = "event_date=" + format_day(day);
    e.key = prefix + "part-" + std::string(batch_id) + "-" + std::to_string(n) + ".parquet";
    e.rows = file_rows.size();
    e.batch_id = batch_id;
    e.min_ts_ms = ts[file_rows.front()];
    e.max_ts_ms = e.min_ts_ms;
    for (std::uint32_t r : file_rows) {
      e.min_ts_ms = std::min(e.min_ts_ms, ts[r]);
      e.max_ts_ms = std::max(e.max_ts_ms, ts[r]);
    }
    const std::string body = writer.finish({{"tributary.writer", parquet::writer_version()},
                                            {"tributary.batch_id", std::string(batch_id)},
                                            {"tributary.sources", sources_json(batch, file_rows)}});
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
  check_batch_id(batch_id);
  if (batch.empty()) return {};

  const std::vector<std::int64_t>& ts = batch.column(event::Field::kTs).i64;
  std::map<std::int64_t, std::vector<std::uint32_t>> by_day;  // rows in batch order
  for (std::uint32_t r = 0; r < batch.size(); ++r) by_day[utc_day(ts[r])].push_back(r);
  const std::vector<std::pair<const std::int64_t, std::vector<std::uint32_t>>*> partitions = [&] {
    std::vector<std::pair<const std::int64_t, std::vector<std::uint32_t>>*> v;
    for (auto& p : by_day) v.push_back(&p);
    return v;
  }();

  const SilverColumnInputs inputs(batch);
  std::vector<std::vector<ManifestEntry>> results(partitions.size());
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto work = [&] {
    for (std::size_t i = next++; i < partitions.size(); i = next++) {
      try {
        results[i] =
            write_partition(batch, inputs, batch_id, partitions[i]->first, partitions[i]->second);
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
