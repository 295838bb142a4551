#include "gen/fluentd_chunk_writer.h"

#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <limits>
#include <memory>
#include <stdexcept>

#include "util/gzip.h"

namespace tributary::gen {

std::string time_slice(std::int64_t epoch_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(epoch_ms)};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const auto hour = duration_cast<hours>(t - day).count();
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hour));
  return buf;
}

std::string gzip_member(std::string_view plain) {
  return util::gzip_compress(plain, Z_BEST_SPEED);
}

namespace {

constexpr std::int64_t kHourMs = 3'600'000;
// Chunk buffers are allocated once at full size, up to this much.
constexpr std::size_t kMaxReserve = 8 << 20;

std::int64_t hour_of(std::int64_t epoch_ms) {
  return epoch_ms / kHourMs - (epoch_ms % kHourMs < 0 ? 1 : 0);
}

}  // namespace

FluentdChunkWriter::FluentdChunkWriter(store::ObjectStore& store, event::Stream stream,
                                       ChunkOptions options, ShippingQueue& queue)
    : store_(store), stream_(stream), options_(std::move(options)), queue_(queue) {
  if (options_.chunk_bytes == 0) throw std::invalid_argument("chunk size must be positive");
  if (options_.flush_interval_ms <= 0)
    throw std::invalid_argument("flush interval must be positive");
}

void FluentdChunkWriter::append(std::string_view lines, std::size_t line_count,
                                std::int64_t now_ms) {
  if (lines.empty()) return;
  if (!buffer_.empty()) {
    const bool too_big = buffer_.size() + lines.size() > options_.chunk_bytes;
    const bool overdue = now_ms - opened_ms_ >= options_.flush_interval_ms;
    if (too_big || overdue || hour_of(now_ms) != hour_of(opened_ms_)) ship();
  }
  if (buffer_.empty()) opened_ms_ = now_ms;
  buffer_.append(lines);
  buffered_lines_ += line_count;
}

std::int64_t FluentdChunkWriter::flush_if_due(std::int64_t now_ms) {
  if (buffer_.empty()) return std::numeric_limits<std::int64_t>::max();
  const std::int64_t due = opened_ms_ + options_.flush_interval_ms;
  if (now_ms < due) return due;
  ship();
  return std::numeric_limits<std::int64_t>::max();
}

void FluentdChunkWriter::flush() {
  if (!buffer_.empty()) ship();
}

void FluentdChunkWriter::ship() {
  auto chunk = std::make_shared<const std::string>(std::move(buffer_));
  buffer_ = std::string();
  buffer_.reserve(std::min<std::size_t>(options_.chunk_bytes, kMaxReserve));
  totals_.objects += 1;
  totals_.lines += buffered_lines_;
  buffered_lines_ = 0;
  queue_.submit([this, chunk, opened = opened_ms_] { put_chunk(*chunk, opened); });
}

void FluentdChunkWriter::put_chunk(const std::string& plain, std::int64_t opened_ms) {
  if (hour_of(opened_ms) != last_hour_) {
    last_hour_ = hour_of(opened_ms);
    next_index_ = 0;
  }
  const std::string body = options_.gzip ? gzip_member(plain) : std::string();
  const std::string_view bytes = options_.gzip ? std::string_view(body) : std::string_view(plain);
  store::PutOptions put;
  put.if_none_match = true;
  put.content_type = options_.gzip ? "application/x-gzip" : "application/json";
  const std::string base = options_.prefix + std::string(event::stream_name(stream_)) + "/" +
                           time_slice(opened_ms) + "_";
  const char* ext = options_.gzip ? ".gz" : ".json";
  for (;; ++next_index_) {
    try {
      store_.put(base + std::to_string(next_index_) + ext, bytes, put);
      break;
    } catch (const store::StoreError& e) {
      if (e.code() != store::StoreErrorCode::kPreconditionFailed) throw;
    }
  }
  ++next_index_;
  totals_.bytes += bytes.size();
}

}  // namespace tributary::gen
