// Object keys as fluentd's S3 output names them: <prefix><stream>/<time_slice>_<index>.<ext>,
// e.g. "Raw/listen_events/2023061719_20.json". time_slice is the UTC hour of arrival (%Y%m%d%H);
// index counts from 0 within a slice, so keys do not sort by arrival ("_10" before "_2").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "event/schema.h"

namespace tributary::ingest {

struct FluentdKey {
  event::Stream stream;
  std::string time_slice;   // "2023061719"; empty when the file name does not follow fluentd's form
  std::int64_t index = -1;  // -1 when the file name does not follow fluentd's form
  std::string extension;    // "json", "gz", "" (what follows the last '.' of the file name)
};

// Parses `key` (relative to the store) under `raw_prefix`: the segment after the prefix must be a
// stream name and a file name must follow. nullopt for keys outside the prefix or of no stream.
std::optional<FluentdKey> parse_fluentd_key(std::string_view key, std::string_view raw_prefix);

// "%Y%m%d%H" of `t` in UTC: the time slice fluentd would give an object arriving at `t`.
std::string time_slice_of(std::chrono::system_clock::time_point t);

// "<raw_prefix><stream>/": where fluentd puts a stream's objects.
std::string stream_prefix(std::string_view raw_prefix, event::Stream stream);

}  // namespace tributary::ingest
