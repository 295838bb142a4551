// Structured logging: one line per event worth logging, as JSON (default) or logfmt, on stderr.
//
//   log_info("object.committed", {{"key", key}, {"events", n}});
//   ->
//   {"ts":"2026-11-24T08:50:00.123Z","level":"info","event":"object.committed","key":"...","events":866}
//
// Invariants:
//  - Every line is complete and written atomically (spdlog's thread-safe sink), so lines from
//    concurrent threads never interleave.
//  - No registered secret (log_redact) ever appears in a line: every occurrence is replaced by
//    "***" after formatting, whichever field or message carried it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace tributary::util {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kJson, kLogfmt };

struct LogField {
  using Value = std::variant<std::string_view, std::int64_t, std::uint64_t, double, bool>;

  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, std::int64_t v) : key(k), value(v) {}
  LogField(std::string_view k, int v) : key(k), value(static_cast<std::int64_t>(v)) {}
  LogField(std::string_view k, std::uint64_t v) : key(k), value(v) {}
  LogField(std::string_view k, double v) : key(k), value(v) {}
  LogField(std::string_view k, bool v) : key(k), value(v) {}

  std::string_view key;
  Value value;
};

// Sets the output format and the minimum level written. Defaults: JSON, info.
void log_configure(LogFormat format, LogLevel min_level);
// Parses "json"/"logfmt" and "debug"/"info"/"warn"/"error"; throws std::invalid_argument.
LogFormat parse_log_format(std::string_view name);
LogLevel parse_log_level(std::string_view name);

// Registers a secret (an access key, a password) that must never be written, in its own spelling,
// percent-encoded and JSON-escaped. Empty strings and strings shorter than 4 bytes are ignored:
// they would redact ordinary words.
void log_redact(std::string secret);

// Formats one log line without writing it (what log() writes, minus the newline).
std::string format_log_line(LogLevel level, std::string_view event,
                            std::initializer_list<LogField> fields);

void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});
inline void log_debug(std::string_view event, std::initializer_list<LogField> fields = {}) {
  log(LogLevel::kDebug, event, fields);
}
inline void log_info(std::string_view event, std::initializer_list<LogField> fields = {}) {
  log(LogLevel::kInfo, event, fields);
}
inline void log_warn(std::string_view event, std::initializer_list<LogField> fields = {}) {
  log(LogLevel::kWarn, event, fields);
}
inline void log_error(std::string_view event, std::initializer_list<LogField> fields = {}) {
  log(LogLevel::kError, event, fields);
}

// Replaces every registered secret in `text` by "***". For error messages that leave the process
// by other paths than log() (exit messages, HTTP responses).
std::string redact(std::string text);

// `uri` with its user info (`user:password@`) replaced by `***@`, for messages that echo a URI
// the program refuses, whose password was never registered. Everything up to the last '@' before
// the query is treated as user info, so a password with an unencoded '/' or '@' is hidden too.
std::string redact_userinfo(std::string_view uri);

}  // namespace tributary::util
