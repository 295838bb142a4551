// The lake's layout: every key tributary writes under a lake root, built and parsed here and
// nowhere else (as LevelDB's db/filename.h does for a database's files).
//
//   bronze/<stream>/ingest_date=YYYY-MM-DD/<batch id>.tar           a batch's raw objects
//   bronze/<stream>/ingest_date=YYYY-MM-DD/<stem>-<etag><ext>[.zst] one raw object (older lakes)
//   silver/<stream>/event_date=YYYY-MM-DD/part-<batch id>-<n>.parquet
//   quarantine/<stream>/ingest_date=YYYY-MM-DD/<batch id>.jsonl
//
// ingest_date is the UTC day a batch was planned (arrival); event_date the UTC day of the events'
// ts (ADR 0002). A batch id is at most 64 characters of [A-Za-z0-9_.-] (check_batch_id), so the
// keys built from one are plain ASCII.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "event/schema.h"

namespace tributary::lake::layout {

inline constexpr std::string_view kBronzeRoot = "bronze/";
inline constexpr std::string_view kSilverRoot = "silver/";
inline constexpr std::string_view kQuarantineRoot = "quarantine/";
// The Hive-style partition keys: event_date (silver) and ingest_date (bronze, quarantine).
inline constexpr std::string_view kEventDatePartition = "event_date=";
inline constexpr std::string_view kIngestDatePartition = "ingest_date=";

// "<root><stream>/": everything of one stream under a root.
std::string bronze_prefix(event::Stream stream);
std::string silver_prefix(event::Stream stream);
std::string quarantine_prefix(event::Stream stream);

// A batch's bronze archive.
std::string bronze_archive_key(event::Stream stream, std::string_view ingest_date,
                               std::string_view batch_id);
struct BronzeArchiveName {
  event::Stream stream;
  std::string ingest_date;
  std::string batch_id;
};
std::optional<BronzeArchiveName> parse_bronze_archive_key(std::string_view key);

// A one-object bronze file of an older lake: the raw object's file name and ETag, and whether
// the archive appended ".zst" to a plain object it compressed.
struct BronzeFileName {
  event::Stream stream;
  std::string ingest_date;
  std::string raw_file;  // "<file stem><ext>" as in the raw key
  std::string etag;
  bool zstd_appended = false;
};
std::optional<BronzeFileName> parse_bronze_file_key(std::string_view key);

// "event_date=YYYY-MM-DD" of a day number (event_date.h) and the silver partition's prefix.
std::string silver_partition(std::int64_t day);
std::string silver_partition_prefix(event::Stream stream, std::int64_t day);
std::string silver_file_key(event::Stream stream, std::int64_t day, std::string_view batch_id,
                            std::size_t n);

// "ingest_date=YYYY-MM-DD" and a batch's quarantine file.
std::string quarantine_partition(std::string_view ingest_date);
std::string quarantine_key(event::Stream stream, std::string_view ingest_date,
                           std::string_view batch_id);
bool is_quarantine_key(std::string_view key);

// Whether `key` is in a silver table's Iceberg metadata directory, silver/<table>/metadata/.
bool is_table_metadata_key(std::string_view key);

}  // namespace tributary::lake::layout
