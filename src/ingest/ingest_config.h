// IngestConfig: every setting of `tributary run`, with its default. Sources, in increasing
// precedence: the defaults here, the YAML file (--config / TRIBUTARY_CONFIG), environment
// variables, command-line flags. docs/operations.md lists them all; config/tributary.example.yaml
// is a complete, commented file.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "event/decoder.h"
#include "event/schema.h"
#include "ingest/ledger.h"
#include "lake/iceberg/external_catalog.h"
#include "lake/silver_table_writer.h"
#include "store/store_config.h"

namespace tributary::ingest {

// The state database's file, in the working directory, when neither a warehouse nor a state
// database is given (`run` and `status` alike).
inline constexpr std::string_view kDefaultStateFile = "tributary-state.db";

struct IngestConfig {
  std::string source;     // raw bucket URI                        env TRIBUTARY_SOURCE
  std::string lake;       // lake URI                              env TRIBUTARY_LAKE
  std::string warehouse;  // warehouse URI; empty: lake only       env TRIBUTARY_WAREHOUSE
  // State database when there is no warehouse (ledger, manifest, event keys); empty:
  // tributary-state.db in the working directory, resolved by finalize_config (not when the
  // struct is built, so that commands which never need it do not read the working directory).
  std::string state;  // env TRIBUTARY_STATE

  std::string raw_prefix = "Raw/";
  std::vector<event::Stream> streams{event::kAllStreams.begin(), event::kAllStreams.end()};
  std::vector<std::string> extensions{"json", "gz"};
  std::chrono::milliseconds poll_interval{1000};  // env TRIBUTARY_POLL_INTERVAL_MS
  std::chrono::hours lookback{3};
  std::chrono::seconds full_sweep_interval{300};
  ClaimLimits batch;
  int max_attempts = 5;
  // Reads of one object the source refused while it answered otherwise, before it is failed.
  int max_refusals = 5;
  std::size_t fetch_concurrency = 4;
  std::string worker_id;  // default: <hostname>-<pid>
  // Amazon SQS queue receiving the raw bucket's S3 event notifications (sqs_consumer.h); empty:
  // none.                                                        env TRIBUTARY_SQS_QUEUE_URL
  std::string sqs_queue_url;
  // AWS Glue Data Catalog whose tables follow the silver tables' Iceberg metadata
  // (lake/iceberg/glue_catalog.h); an empty database: none.
  struct Glue {
    std::string database;    // env TRIBUTARY_GLUE_DATABASE
    std::string catalog_id;  // the catalog's AWS account id; empty: the caller's
    std::string region;      // empty: the store's
    std::string endpoint;    // empty: AWS_ENDPOINT_URL_GLUE, else Glue's of the region
  } glue;
  // Told after each silver table's new metadata is published (CommitOptions::external_catalog).
  // Not configuration (no file or env setting): `run` sets it from `glue`. Must outlive the
  // ingester; null for none.
  lake::iceberg::ExternalCatalog* external_catalog = nullptr;

  event::DecodeOptions decode;
  lake::SilverWriteOptions silver;
  // silver.snapshot_retention_hours: `compact` expires the silver tables' Iceberg snapshots older
  // than this (never a table's current one) and deletes the files only they list.
  std::chrono::hours snapshot_retention{168};
  store::StoreConfig store;

  bool http_enabled = true;
  std::string listen = "127.0.0.1:8080";  // env TRIBUTARY_LISTEN
  std::string webhook_token;              // env TRIBUTARY_WEBHOOK_TOKEN (a secret)
  std::string status_token;               // env TRIBUTARY_STATUS_TOKEN (a secret)
  std::string log_format = "json";        // env TRIBUTARY_LOG_FORMAT
  std::string log_level = "info";         // env TRIBUTARY_LOG_LEVEL
};

// Reads a YAML config file into `config` (keys absent from the file keep their values). Throws
// std::runtime_error naming the file and the offending key on unknown keys or bad values.
void load_config_file(const std::string& path, IngestConfig& config);

// Applies the TRIBUTARY_* environment variables listed above.
void apply_environment(IngestConfig& config);

// Fills derived defaults (worker_id) and checks the whole config; throws std::invalid_argument.
void finalize_config(IngestConfig& config);

// Registers every secret the config carries or the process environment holds (webhook token,
// AWS secret key and session token, warehouse and state database passwords) with util::log_redact,
// so no log line or printed error can show them.
void register_secrets(const IngestConfig& config);

// Registers the secrets of the process environment alone: AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN, PGPASSWORD, TRIBUTARY_WEBHOOK_TOKEN and the passwords in TRIBUTARY_WAREHOUSE
// and TRIBUTARY_STATE. Every command needs this, not only those that read an IngestConfig.
void register_environment_secrets();

// Registers the passwords of `text` when it is a PostgreSQL URI (user info or ?password=); does
// nothing for anything else, including a malformed URI (whose refusal never echoes it).
void register_uri_secrets(std::string_view text);

}  // namespace tributary::ingest
