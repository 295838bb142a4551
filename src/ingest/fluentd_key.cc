#include "ingest/fluentd_key.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>

namespace tributary::ingest {

std::optional<FluentdKey> parse_fluentd_key(std::string_view key, std::string_view raw_prefix) {
  if (!key.starts_with(raw_prefix)) return std::nullopt;
  key.remove_prefix(raw_prefix.size());
  const auto slash = key.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto stream = event::stream_from_name(key.substr(0, slash));
  if (!stream) return std::nullopt;
  const std::string_view file = key.substr(slash + 1);
  if (file.empty() || file.find('/') != std::string_view::npos) return std::nullopt;

  FluentdKey out{*stream, {}, -1, {}};
  const auto dot = file.rfind('.');
  std::string_view stem = file;
  if (dot != std::string_view::npos) {
    out.extension = std::string(file.substr(dot + 1));
    stem = file.substr(0, dot);
  }
  const auto underscore = stem.find('_');
  if (underscore == 10) {
    const std::string_view slice = stem.substr(0, 10);
    const std::string_view index = stem.substr(11);
    std::int64_t value = -1;
    const bool digits = std::all_of(slice.begin(), slice.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
    auto [end, ec] = std::from_chars(index.data(), index.data() + index.size(), value);
    if (digits && ec == std::errc() && end == index.data() + index.size() && !index.empty()) {
      out.time_slice = std::string(slice);
      out.index = value;
    }
  }
  return out;
}

std::string time_slice_of(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y%m%d%H", &tm);
  return buf;
}

std::string stream_prefix(std::string_view raw_prefix, event::Stream stream) {
  return std::string(raw_prefix) + std::string(event::stream_name(stream)) + "/";
}

}  // namespace tributary::ingest
