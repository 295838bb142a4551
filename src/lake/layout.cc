#include "lake/layout.h"

#include <regex>

#include "lake/event_date.h"

namespace tributary::lake::layout {
namespace {

std::string under(std::string_view root, event::Stream stream) {
  return std::string(root) + std::string(event::stream_name(stream)) + "/";
}

bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

}  // namespace

std::string bronze_prefix(event::Stream stream) {
  return under(kBronzeRoot, stream);
}
std::string silver_prefix(event::Stream stream) {
  return under(kSilverRoot, stream);
}
std::string quarantine_prefix(event::Stream stream) {
  return under(kQuarantineRoot, stream);
}

std::string bronze_archive_key(event::Stream stream, std::string_view ingest_date,
                               std::string_view batch_id) {
  return bronze_prefix(stream) + std::string(kIngestDatePartition) + std::string(ingest_date) +
         "/" + std::string(batch_id) + ".tar";
}

std::optional<BronzeArchiveName> parse_bronze_archive_key(std::string_view key) {
  // bronze/<stream>/ingest_date=YYYY-MM-DD/<batch id>.tar
  if (!key.starts_with(kBronzeRoot) || !key.ends_with(".tar")) return std::nullopt;
  key.remove_prefix(kBronzeRoot.size());
  const auto slash = key.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto stream = event::stream_from_name(key.substr(0, slash));
  key.remove_prefix(slash + 1);
  if (!stream || !key.starts_with(kIngestDatePartition)) return std::nullopt;
  key.remove_prefix(kIngestDatePartition.size());
  if (key.size() < 11 || !is_date(key.substr(0, 10)) || key[10] != '/') return std::nullopt;
  const std::string_view file = key.substr(11);
  if (file.size() <= 4 || file.find('/') != std::string_view::npos) return std::nullopt;
  return BronzeArchiveName{*stream, std::string(key.substr(0, 10)),
                           std::string(file.substr(0, file.size() - 4))};
}

std::optional<BronzeFileName> parse_bronze_file_key(std::string_view key) {
  // bronze/<stream>/ingest_date=YYYY-MM-DD/<stem>-<etag>[<ext>][.zst]; the stem is greedy, so
  // the ETag is the last MD5-shaped token followed by an extension or the end.
  static const std::regex kKey(
      R"(bronze/([a-z_]+)/ingest_date=(\d{4}-\d{2}-\d{2})/(.+)-([0-9a-f]{32}(?:-[0-9]+)?)((?:\.[^./]*)*))");
  std::cmatch m;
  if (!std::regex_match(key.data(), key.data() + key.size(), m, kKey)) return std::nullopt;
  const auto stream = event::stream_from_name(m[1].str());
  if (!stream) return std::nullopt;
  BronzeFileName name{*stream, m[2].str(), m[3].str(), m[4].str(), false};
  std::string ext = m[5].str();
  // The raw name's last extension is kept, and ".zst" appended to plain objects;
  // "<stem>-<etag>.zst" alone is a raw ".zst" object kept as it was.
  if (ext.ends_with(".zst") && ext.size() > 4 && ext.find('.', 1) != std::string::npos) {
    ext.resize(ext.size() - 4);
    name.zstd_appended = true;
  }
  name.raw_file += ext;
  return name;
}

std::string silver_partition(std::int64_t day) {
  return std::string(kEventDatePartition) + format_day(day);
}

std::string silver_partition_prefix(event::Stream stream, std::int64_t day) {
  return silver_prefix(stream) + silver_partition(day) + "/";
}

std::string silver_file_key(event::Stream stream, std::int64_t day, std::string_view batch_id,
                            std::size_t n) {
  return silver_partition_prefix(stream, day) + "part-" + std::string(batch_id) + "-" +
         std::to_string(n) + ".parquet";
}

std::string quarantine_partition(std::string_view ingest_date) {
  return std::string(kIngestDatePartition) + std::string(ingest_date);
}

std::string quarantine_key(event::Stream stream, std::string_view ingest_date,
                           std::string_view batch_id) {
  return quarantine_prefix(stream) + quarantine_partition(ingest_date) + "/" +
         std::string(batch_id) + ".jsonl";
}

bool is_quarantine_key(std::string_view key) {
  return key.starts_with(kQuarantineRoot);
}

bool is_table_metadata_key(std::string_view key) {
  if (!key.starts_with(kSilverRoot)) return false;
  key.remove_prefix(kSilverRoot.size());
  const std::size_t slash = key.find('/');
  return slash != std::string_view::npos && slash > 0 &&
         key.substr(slash + 1).starts_with("metadata/");
}

}  // namespace tributary::lake::layout
