// FluentdChunkWriter: ships one stream's lines to an object store the way fluentd's S3 output
// (fluent-plugin-s3 with a time-keyed buffer) does in the reference setup.
//
//  - Lines are buffered into a chunk; a chunk is shipped as one object when the next lines would
//    make it larger than `chunk_bytes` (fluentd's chunk_limit_size, counted before compression),
//    when `flush_interval_ms` has passed since its first line arrived, when the arrival hour
//    changes (fluentd's timekey), and by flush().
//  - Keys: `<prefix><stream>/<time_slice>_<index>.<ext>`, time_slice = %Y%m%d%H (UTC) of the
//    chunk's arrival, index counting from 0 within a slice, ext "json" or, with gzip, "gz". As
//    fluentd's check_object does, an index whose key already exists is skipped (the put uses
//    if-none-match), so reruns add objects and never overwrite one.
//  - Objects hold whole lines, each ending in '\n'. A single line longer than chunk_bytes is
//    shipped alone rather than split.
//  - Shipping (gzip, index choice, put) runs on a ShippingQueue's thread, in the order chunks
//    were closed; the writer's own methods are called from one thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "event/schema.h"
#include "gen/shipping_queue.h"
#include "store/object_store.h"

namespace tributary::gen {

struct ChunkOptions {
  std::string prefix = "Raw/";
  std::size_t chunk_bytes = 3 << 20;        // fluentd's "3m"
  std::int64_t flush_interval_ms = 60'000;  // > 0
  bool gzip = false;
};

struct ShippedTotals {
  std::uint64_t lines = 0;
  std::uint64_t objects = 0;
  std::uint64_t bytes = 0;  // as stored (compressed when gzip)
};

// "2023061719": the UTC hour of `epoch_ms`, as fluentd's %Y%m%d%H time slice.
std::string time_slice(std::int64_t epoch_ms);

// gzip-compresses `plain` into one member (zlib, fastest level: see docs/generator.md).
std::string gzip_member(std::string_view plain);

class FluentdChunkWriter {
 public:
  // Throws std::invalid_argument when chunk_bytes or flush_interval_ms is not positive. `queue`
  // must be drained before the writer is destroyed.
  FluentdChunkWriter(store::ObjectStore& store, event::Stream stream, ChunkOptions options,
                     ShippingQueue& queue);

  // Adds complete lines ('\n'-terminated) arriving at `now_ms` (the caller reads the clock once
  // for all streams), shipping the current chunk first when needed.
  void append(std::string_view lines, std::size_t line_count, std::int64_t now_ms);
  // Ships the chunk if its flush interval is up at `now_ms`. Returns when the buffered chunk
  // falls due (INT64_MAX when nothing is buffered).
  std::int64_t flush_if_due(std::int64_t now_ms);
  // Ships whatever is buffered.
  void flush();

  // Complete once the queue has been drained.
  const ShippedTotals& totals() const { return totals_; }

 private:
  void ship();
  // On the queue's thread: compresses and puts one chunk under the next free index.
  void put_chunk(const std::string& plain, std::int64_t opened_ms);

  store::ObjectStore& store_;
  event::Stream stream_;
  ChunkOptions options_;
  ShippingQueue& queue_;
  std::string buffer_;
  std::uint64_t buffered_lines_ = 0;
  std::int64_t opened_ms_ = 0;    // arrival of the chunk's first line
  std::int64_t last_hour_ = -1;   // hour (since the epoch) of the last shipped object
  std::uint64_t next_index_ = 0;  // next index to try in that hour
  ShippedTotals totals_;
};

}  // namespace tributary::gen
