#include "ingest/ingest_config.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include "lake/parquet/format.h"
#include "util/log.h"
#include "warehouse/warehouse_uri.h"

namespace tributary::ingest {
namespace {

// Reads `node[key]` into `out` when present, with a message naming the key when it is not a T.
template <typename T>
void read(const YAML::Node& node, const char* key, T& out, const std::string& where) {
  const YAML::Node v = node[key];
  if (!v) return;
  try {
    out = v.as<T>();
  } catch (const YAML::Exception&) {
    throw std::runtime_error(where + ": '" + key + "' has a value of the wrong type");
  }
}

void check_keys(const YAML::Node& node, std::set<std::string> allowed, const std::string& where) {
  if (!node) return;
  if (!node.IsMap()) throw std::runtime_error(where + " must be a mapping");
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (!allowed.contains(key)) throw std::runtime_error(where + ": unknown key '" + key + "'");
  }
}

void env_string(const char* name, std::string& out) {
  if (const char* v = std::getenv(name); v != nullptr && *v != '\0') out = v;
}

void env_milliseconds(const char* name, std::chrono::milliseconds& out) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return;
  std::int64_t ms = 0;
  const std::string_view text(v);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw std::invalid_argument(std::string(name) +
                                ": not a whole number of milliseconds: " + std::string(text));
  }
  out = std::chrono::milliseconds(ms);
}

}  // namespace

void load_config_file(const std::string& path, IngestConfig& c) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error("config " + path + ": " + e.what());
  }
  if (root.IsNull()) return;
  const std::string where = "config " + path;
  check_keys(
      root,
      {"source", "lake", "warehouse", "state", "ingest", "decode", "silver", "glue", "http", "log"},
      where);
  read(root, "source", c.source, where);
  read(root, "lake", c.lake, where);
  read(root, "warehouse", c.warehouse, where);
  read(root, "state", c.state, where);

  const YAML::Node in = root["ingest"];
  check_keys(in,
             {"raw_prefix", "streams", "extensions", "poll_interval_ms", "lookback_hours",
              "full_sweep_interval_s", "batch_max_objects", "batch_max_bytes", "lease_ms",
              "max_attempts", "max_refusals", "fetch_concurrency", "worker_id", "sqs_queue_url"},
             where + " ingest");
  if (in) {
    read(in, "raw_prefix", c.raw_prefix, where);
    if (in["streams"]) {
      c.streams.clear();
      for (const auto& s : in["streams"]) {
        const auto stream = event::stream_from_name(s.as<std::string>());
        if (!stream) {
          throw std::runtime_error(where + ": unknown stream '" + s.as<std::string>() + "'");
        }
        c.streams.push_back(*stream);
      }
    }
    read(in, "extensions", c.extensions, where);
    std::int64_t ms = c.poll_interval.count();
    read(in, "poll_interval_ms", ms, where);
    c.poll_interval = std::chrono::milliseconds(ms);
    std::int64_t hours = c.lookback.count();
    read(in, "lookback_hours", hours, where);
    c.lookback = std::chrono::hours(hours);
    std::int64_t sweep = c.full_sweep_interval.count();
    read(in, "full_sweep_interval_s", sweep, where);
    c.full_sweep_interval = std::chrono::seconds(sweep);
    read(in, "batch_max_objects", c.batch.max_objects, where);
    read(in, "batch_max_bytes", c.batch.max_bytes, where);
    read(in, "lease_ms", c.batch.lease_ms, where);
    read(in, "max_attempts", c.max_attempts, where);
    read(in, "max_refusals", c.max_refusals, where);
    read(in, "fetch_concurrency", c.fetch_concurrency, where);
    read(in, "worker_id", c.worker_id, where);
    read(in, "sqs_queue_url", c.sqs_queue_url, where);
  }
  const YAML::Node dec = root["decode"];
  check_keys(dec, {"max_line_bytes", "quarantine_line_cap", "max_object_bytes"}, where + " decode");
  if (dec) {
    read(dec, "max_line_bytes", c.decode.max_line_bytes, where);
    read(dec, "quarantine_line_cap", c.decode.quarantine_line_cap, where);
    read(dec, "max_object_bytes", c.decode.max_object_bytes, where);
  }
  const YAML::Node silver = root["silver"];
  check_keys(silver, {"codec", "target_file_bytes", "row_group_rows", "snapshot_retention_hours"},
             where + " silver");
  if (silver) {
    if (silver["codec"]) {
      const auto codec = lake::parquet::codec_from_name(silver["codec"].as<std::string>());
      if (!codec) throw std::runtime_error(where + ": silver.codec must be zstd, snappy or none");
      c.silver.parquet.codec = *codec;
    }
    read(silver, "target_file_bytes", c.silver.target_file_bytes, where);
    read(silver, "row_group_rows", c.silver.parquet.row_group_rows, where);
    std::int64_t retention = c.snapshot_retention.count();
    read(silver, "snapshot_retention_hours", retention, where);
    c.snapshot_retention = std::chrono::hours(retention);
  }
  const YAML::Node glue = root["glue"];
  check_keys(glue, {"database", "catalog_id", "region", "endpoint"}, where + " glue");
  if (glue) {
    read(glue, "database", c.glue.database, where);
    read(glue, "catalog_id", c.glue.catalog_id, where);
    read(glue, "region", c.glue.region, where);
    read(glue, "endpoint", c.glue.endpoint, where);
  }
  const YAML::Node http = root["http"];
  check_keys(http, {"enabled", "listen", "webhook_token", "status_token"}, where + " http");
  if (http) {
    read(http, "enabled", c.http_enabled, where);
    read(http, "listen", c.listen, where);
    read(http, "webhook_token", c.webhook_token, where);
    read(http, "status_token", c.status_token, where);
  }
  const YAML::Node log = root["log"];
  check_keys(log, {"format", "level"}, where + " log");
  if (log) {
    read(log, "format", c.log_format, where);
    read(log, "level", c.log_level, where);
  }
}

void apply_environment(IngestConfig& c) {
  env_string("TRIBUTARY_SOURCE", c.source);
  env_string("TRIBUTARY_LAKE", c.lake);
  env_string("TRIBUTARY_WAREHOUSE", c.warehouse);
  env_string("TRIBUTARY_STATE", c.state);
  env_string("TRIBUTARY_LISTEN", c.listen);
  env_string("TRIBUTARY_SQS_QUEUE_URL", c.sqs_queue_url);
  env_string("TRIBUTARY_GLUE_DATABASE", c.glue.database);
  env_milliseconds("TRIBUTARY_POLL_INTERVAL_MS", c.poll_interval);
  env_string("TRIBUTARY_WEBHOOK_TOKEN", c.webhook_token);
  env_string("TRIBUTARY_STATUS_TOKEN", c.status_token);
  env_string("TRIBUTARY_LOG_FORMAT", c.log_format);
  env_string("TRIBUTARY_LOG_LEVEL", c.log_level);
}

void register_uri_secrets(std::string_view text) {
  if (!text.starts_with("postgres")) return;
  try {
    for (const std::string& secret : warehouse::parse_warehouse_uri(text).secrets) {
      util::log_redact(secret);
    }
  } catch (const std::invalid_argument&) {
    // Reported when the URI is opened; the parser never echoes a password.
  }
}

void register_environment_secrets() {
  for (const char* name : {"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "PGPASSWORD",
                           "TRIBUTARY_WEBHOOK_TOKEN", "TRIBUTARY_STATUS_TOKEN"}) {
    if (const char* v = std::getenv(name); v != nullptr) util::log_redact(v);
  }
  for (const char* name : {"TRIBUTARY_WAREHOUSE", "TRIBUTARY_STATE"}) {
    if (const char* v = std::getenv(name); v != nullptr) register_uri_secrets(v);
  }
}

void register_secrets(const IngestConfig& c) {
  util::log_redact(c.webhook_token);
  util::log_redact(c.status_token);
  util::log_redact(c.store.secret_access_key);
  util::log_redact(c.store.session_token);
  register_environment_secrets();
  register_uri_secrets(c.warehouse);
  register_uri_secrets(c.state);
}

void finalize_config(IngestConfig& c) {
  if (c.source.empty()) throw std::invalid_argument("no source: pass --source or TRIBUTARY_SOURCE");
  if (c.lake.empty()) throw std::invalid_argument("no lake: pass --lake or TRIBUTARY_LAKE");
  if (c.streams.empty()) throw std::invalid_argument("ingest.streams is empty");
  if (c.extensions.empty()) throw std::invalid_argument("ingest.extensions is empty");
  // Store keys never start with '/' (object_store.h): under such a prefix nothing is ever found.
  if (c.raw_prefix.starts_with('/')) {
    throw std::invalid_argument("ingest.raw_prefix '" + c.raw_prefix +
                                "' must not start with '/' (keys are relative to the source)");
  }
  // The poller lists from the slice `lookback` hours ago; a negative one names a future slice.
  if (c.lookback.count() < 0) throw std::invalid_argument("ingest.lookback_hours must be >= 0");
  if (c.snapshot_retention.count() < 0) {
    throw std::invalid_argument("silver.snapshot_retention_hours must be >= 0");
  }
  if (c.poll_interval.count() <= 0)
    throw std::invalid_argument("ingest.poll_interval_ms must be > 0");
  if (c.batch.max_objects == 0) throw std::invalid_argument("ingest.batch_max_objects must be > 0");
  if (c.batch.lease_ms <= 0) throw std::invalid_argument("ingest.lease_ms must be > 0");
  if (c.max_attempts < 1) throw std::invalid_argument("ingest.max_attempts must be >= 1");
  if (c.max_refusals < 1) throw std::invalid_argument("ingest.max_refusals must be >= 1");
  if (c.fetch_concurrency == 0) throw std::invalid_argument("ingest.fetch_concurrency must be > 0");
  if (c.warehouse.empty() && c.state.empty()) {
    c.state = warehouse::sqlite_uri_in_working_directory(kDefaultStateFile);
  }
  if (c.worker_id.empty()) {
    char host[256] = "host";
    gethostname(host, sizeof host - 1);
    c.worker_id = std::string(host) + "-" + std::to_string(getpid());
  }
}

}  // namespace tributary::ingest
