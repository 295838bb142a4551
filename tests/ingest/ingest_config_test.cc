#include "ingest/ingest_config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "store/temp_dir.h"
#include "util/log.h"

namespace tributary::ingest {
namespace {

std::string write(const tributary::testing::TempDir& dir, const std::string& yaml) {
  const std::string path = (dir.path() / "c.yaml").string();
  std::ofstream(path) << yaml;
  return path;
}

TEST(IngestConfig, TheExampleFileIsCompleteAndMatchesTheDefaults) {
  IngestConfig defaults;
  IngestConfig loaded;
  load_config_file(std::string(TRIBUTARY_REPO_ROOT) + "/config/tributary.example.yaml", loaded);
  EXPECT_EQ(loaded.source, "file:///var/lib/tributary/raw");
  EXPECT_EQ(loaded.raw_prefix, defaults.raw_prefix);
  EXPECT_EQ(loaded.streams, defaults.streams);
  EXPECT_EQ(loaded.extensions, defaults.extensions);
  EXPECT_EQ(loaded.poll_interval, defaults.poll_interval);
  EXPECT_EQ(loaded.lookback, defaults.lookback);
  EXPECT_EQ(loaded.full_sweep_interval, defaults.full_sweep_interval);
  EXPECT_EQ(loaded.batch.max_objects, defaults.batch.max_objects);
  EXPECT_EQ(loaded.batch.max_bytes, defaults.batch.max_bytes);
  EXPECT_EQ(loaded.batch.lease_ms, defaults.batch.lease_ms);
  EXPECT_EQ(loaded.max_attempts, defaults.max_attempts);
  EXPECT_EQ(loaded.max_refusals, defaults.max_refusals);
  EXPECT_EQ(loaded.fetch_concurrency, defaults.fetch_concurrency);
  EXPECT_EQ(loaded.decode.max_line_bytes, defaults.decode.max_line_bytes);
  EXPECT_EQ(loaded.decode.quarantine_line_cap, defaults.decode.quarantine_line_cap);
  EXPECT_EQ(loaded.decode.max_object_bytes, defaults.decode.max_object_bytes);
  EXPECT_EQ(loaded.silver.target_file_bytes, defaults.silver.target_file_bytes);
  EXPECT_EQ(loaded.silver.parquet.row_group_rows, defaults.silver.parquet.row_group_rows);
  EXPECT_EQ(loaded.snapshot_retention, defaults.snapshot_retention);
  EXPECT_EQ(loaded.listen, defaults.listen);
  EXPECT_EQ(loaded.log_format, defaults.log_format);
  EXPECT_EQ(loaded.glue.database, defaults.glue.database);
  EXPECT_EQ(loaded.glue.endpoint, defaults.glue.endpoint);
}

TEST(IngestConfig, FileOverridesDefaultsAndUnknownKeysAreErrors) {
  tributary::testing::TempDir dir;
  IngestConfig c;
  load_config_file(write(dir,
                         "ingest:\n  streams: [auth_events]\n  lease_ms: 500\n  max_refusals: 3\n"
                         "silver:\n  codec: snappy\n  snapshot_retention_hours: 24\n"
                         "glue:\n  database: lakehouse\n  region: eu-west-1\n  catalog_id: "
                         "'123456789012'\n  endpoint: http://127.0.0.1:4566\n"),
                   c);
  EXPECT_EQ(c.glue.database, "lakehouse");
  EXPECT_EQ(c.glue.region, "eu-west-1");
  EXPECT_EQ(c.glue.catalog_id, "123456789012");
  EXPECT_EQ(c.glue.endpoint, "http://127.0.0.1:4566");
  EXPECT_EQ(c.streams, std::vector<event::Stream>{event::Stream::kAuth});
  EXPECT_EQ(c.batch.lease_ms, 500);
  EXPECT_EQ(c.max_refusals, 3);
  EXPECT_EQ(c.silver.parquet.codec, lake::parquet::CompressionCodec::kSnappy);
  EXPECT_EQ(c.snapshot_retention, std::chrono::hours(24));

  IngestConfig bad;
  try {
    load_config_file(write(dir, "ingest:\n  lease: 5\n"), bad);
    FAIL() << "unknown key accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown key 'lease'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_config_file(write(dir, "ingest:\n  streams: [nope]\n"), bad),
               std::runtime_error);
  EXPECT_THROW(load_config_file(write(dir, "ingest:\n  lease_ms: soon\n"), bad),
               std::runtime_error);
  EXPECT_THROW(load_config_file(write(dir, "silver:\n  codec: lz4\n"), bad), std::runtime_error);
  EXPECT_THROW(load_config_file(write(dir, "[1, 2"), bad), std::runtime_error);
  EXPECT_THROW(load_config_file(write(dir, "glue:\n  table: x\n"), bad), std::runtime_error);
}

TEST(IngestConfig, FinalizeChecksRequiredSettings) {
  IngestConfig c;
  EXPECT_THROW(finalize_config(c), std::invalid_argument);
  c.source = "file:///raw";
  EXPECT_THROW(finalize_config(c), std::invalid_argument);
  c.lake = "file:///lake";
  finalize_config(c);
  EXPECT_FALSE(c.worker_id.empty());
  c.max_attempts = 0;
  EXPECT_THROW(finalize_config(c), std::invalid_argument);
  c.max_attempts = 1;
  c.max_refusals = 0;
  EXPECT_THROW(finalize_config(c), std::invalid_argument);
  c.max_refusals = 1;
  // No key starts with '/': such a prefix would find nothing, silently, for ever.
  c.raw_prefix = "/Raw/";
  EXPECT_THROW(finalize_config(c), std::invalid_argument);
  c.raw_prefix = "Raw/";
  // A negative lookback lists from a slice in the future: only the full sweeps would find objects.
  c.lookback = std::chrono::hours(-1);
  EXPECT_THROW(finalize_config(c), std::invalid_argument);
  c.lookback = std::chrono::hours(0);
  finalize_config(c);
  // A negative retention would expire snapshots newer than now: every one but the current.
  c.snapshot_retention = std::chrono::hours(-1);
  EXPECT_THROW(finalize_config(c), std::invalid_argument);
}

TEST(IngestConfig, RegisteredSecretsAreRedacted) {
  IngestConfig c;
  c.warehouse = "postgresql://loader:p%40ss-w0rd-xyz@127.0.0.1:5432/wh";
  c.webhook_token = "hook-token-123456";
  register_secrets(c);
  const std::string text = util::redact(
      "connect postgresql://loader:p%40ss-w0rd-xyz@127.0.0.1 (p@ss-w0rd-xyz) hook-token-123456");
  EXPECT_EQ(text.find("w0rd"), std::string::npos) << text;
  EXPECT_EQ(text.find("hook-token"), std::string::npos) << text;
  EXPECT_NE(text.find("connect postgresql://loader:***@127.0.0.1"), std::string::npos) << text;
}

TEST(IngestConfig, EnvironmentAndUriSecretsAreRegisteredForEveryCommand) {
  setenv("PGPASSWORD", "pg-env-Secret-41", 1);
  setenv("TRIBUTARY_STATE", "postgresql://h/db?password=state-Secret-42", 1);
  register_environment_secrets();
  unsetenv("PGPASSWORD");
  unsetenv("TRIBUTARY_STATE");
  register_uri_secrets("postgres://u:arg%2FSecret-43@h/db");
  register_uri_secrets("s3://bucket/not-a-secret");  // not a PostgreSQL URI: nothing registered
  const std::string text = util::redact(
      "pg-env-Secret-41 state-Secret-42 arg/Secret-43 arg%2FSecret-43 s3://bucket/not-a-secret");
  EXPECT_EQ(text, "*** *** *** *** s3://bucket/not-a-secret");
}

TEST(IngestConfig, ThePollIntervalComesFromTheEnvironmentAndIsChecked) {
  IngestConfig c;
  setenv("TRIBUTARY_POLL_INTERVAL_MS", "60000", 1);
  apply_environment(c);
  EXPECT_EQ(c.poll_interval, std::chrono::minutes(1));
  setenv("TRIBUTARY_POLL_INTERVAL_MS", "60s", 1);
  EXPECT_THROW(apply_environment(c), std::invalid_argument);
  unsetenv("TRIBUTARY_POLL_INTERVAL_MS");
}

}  // namespace
}  // namespace tributary::ingest
