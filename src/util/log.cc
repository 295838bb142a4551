#include "util/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "util/hex.h"
#include "util/json_writer.h"

namespace tributary::util {
namespace {

struct LogState {
  std::atomic<LogFormat> format{LogFormat::kJson};
  std::atomic<LogLevel> min_level{LogLevel::kInfo};
  std::mutex secrets_mutex;
  std::vector<std::string> secrets;
  std::shared_ptr<spdlog::logger> logger;

  LogState() {
    logger = std::make_shared<spdlog::logger>("tributary",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_pattern("%v");  // the line is fully formatted here
    logger->set_level(spdlog::level::trace);
  }
};

LogState& state() {
  static LogState s;
  return s;
}

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  const std::time_t secs = static_cast<std::time_t>(ms.count() / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];  // generous: the compiler cannot bound tm's fields
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms.count() % 1000));
  return buf;
}

// logfmt values are bare when they contain no space, quote or '=', quoted otherwise.
void append_logfmt_value(std::string& out, std::string_view v) {
  if (!v.empty() && v.find_first_of(" \"=\\\t\n\r") == std::string_view::npos) {
    out.append(v);
  } else {
    append_json_string(out, v);
  }
}

void append_logfmt(std::string& out, std::string_view key, const LogField::Value& value) {
  out.push_back(' ');
  out.append(key);
  out.push_back('=');
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          append_logfmt_value(out, v);
        } else if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else {
          std::string tmp;
          JsonWriter(tmp).value(v);
          out += tmp;
        }
      },
      value);
}

// RFC 3986 percent-encoding of everything but the unreserved characters, as URI builders write
// a password.
std::string percent_encode(std::string_view s) {
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      append_hex_byte(out, c, HexCase::kUpper);
    }
  }
  return out;
}

}  // namespace

LogFormat parse_log_format(std::string_view name) {
  if (name == "json") return LogFormat::kJson;
  if (name == "logfmt") return LogFormat::kLogfmt;
  throw std::invalid_argument("unknown log format '" + std::string(name) +
                              "' (expected json or logfmt)");
}

LogLevel parse_log_level(std::string_view name) {
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (level_name(l) == name) return l;
  }
  throw std::invalid_argument("unknown log level '" + std::string(name) +
                              "' (expected debug, info, warn or error)");
}

void log_configure(LogFormat format, LogLevel min_level) {
  state().format = format;
  state().min_level = min_level;
}

void log_redact(std::string secret) {
  if (secret.size() < 4) return;
  // A secret can reach an output in other spellings than its own: percent-encoded inside a URI
  // (a password in a connection string), JSON-escaped inside a formatted log line (redaction
  // runs on the finished line). Each spelling is a secret of its own.
  std::string json;
  append_json_string(json, secret);
  json = json.substr(1, json.size() - 2);
  std::string encoded = percent_encode(secret);
  LogState& s = state();
  std::lock_guard lock(s.secrets_mutex);
  for (std::string* form : {&secret, &json, &encoded}) {
    if (std::find(s.secrets.begin(), s.secrets.end(), *form) == s.secrets.end()) {
      s.secrets.push_back(std::move(*form));
    }
  }
}

std::string redact_userinfo(std::string_view uri) {
  // Without a scheme ("user:pw@host", a mistyped endpoint) the user info starts the string.
  const std::size_t scheme = uri.find("://");
  const std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  // libpq and RFC 3986 both end the user info at the last '@' before the path; a password with
  // an unencoded '/' moves that boundary, so every '@' up to the query counts.
  const std::size_t at = uri.substr(0, uri.find_first_of("?#", start)).rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(uri);
  return std::string(uri.substr(0, start)) + "***" + std::string(uri.substr(at));
}

std::string redact(std::string text) {
  LogState& s = state();
  std::lock_guard lock(s.secrets_mutex);
  for (const std::string& secret : s.secrets) {
    for (std::size_t at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

std::string format_log_line(LogLevel level, std::string_view event,
                            std::initializer_list<LogField> fields) {
  std::string line;
  if (state().format == LogFormat::kJson) {
    JsonWriter w(line);
    w.begin_object().key("ts").value(utc_now()).key("level").value(level_name(level));
    w.key("event").value(event);
    for (const LogField& f : fields) {
      w.key(f.key);
      std::visit([&](const auto& v) { w.value(v); }, f.value);
    }
    w.end_object();
  } else {
    line = "ts=" + utc_now() + " level=" + std::string(level_name(level)) + " event=";
    append_logfmt_value(line, event);
    for (const LogField& f : fields) append_logfmt(line, f.key, f.value);
  }
  return redact(std::move(line));
}

void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  if (level < state().min_level.load()) return;
  state().logger->log(spdlog::level::info, "{}", format_log_line(level, event, fields));
}

}  // namespace tributary::util
