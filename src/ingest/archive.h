// The bronze archive and the quarantine files: the lake's exact copy of every raw object, and
// every rejected line with where it came from and why.
//
// Keys are lake/layout.h's.
//
//   bronze/<stream>/ingest_date=YYYY-MM-DD/<batch_id>.tar
//     one POSIX tar (pax) archive per batch (lake/tar_archive.h), written once before the batch
//     commits: one file and one PUT per batch rather than per raw object, which on a bucket of
//     fluentd's small chunks is most of a run's file creations and of its S3 request cost
//     (docs/decisions/0013-bronze-archive-per-batch.md). Its members are the batch's objects in
//     plan order: path = the raw key (".zst" appended when wrapped, see below); pax records
//     TRIBUTARY.etag, TRIBUTARY.sha256 (of the raw bytes) and TRIBUTARY.encoding ("zstd" when the
//     archive wrapped a plain object in a zstd frame, "as-is" otherwise). gzip and zstd objects
//     are stored as they are, plain ones as a zstd frame, so `tar -x` and decompressing give back
//     each raw object byte for byte, under its key.
//   bronze/<stream>/ingest_date=YYYY-MM-DD/<file stem>-<etag>.<ext>
//     one raw object per file, as lakes written before the per-batch archives hold them
//     (replay_source.h still reads them).
//   quarantine/<stream>/ingest_date=YYYY-MM-DD/<batch_id>.jsonl
//     one JSON object per rejected line: source_key, line_number, byte_offset, reason,
//     line_bytes, line (the kept bytes as text; invalid UTF-8 replaced by U+FFFD) and, when the
//     line is not valid UTF-8, line_base64 with its exact bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "event/quarantine.h"
#include "event/schema.h"
#include "lake/tar_archive.h"

namespace tributary::ingest {

// A raw object as a bronze archive stores it.
struct BronzeMemberData {
  std::string stored;         // the raw bytes, or their zstd frame when zstd_wrapped
  bool zstd_wrapped = false;  // a plain object, compressed by the archive
  std::string sha256;         // of the raw bytes
};
BronzeMemberData bronze_member(std::string_view raw);

// Appends the raw object `source_key` (ETag `etag`) to a batch's archive.
void add_bronze_member(lake::TarWriter& archive, std::string_view source_key, std::string_view etag,
                       const BronzeMemberData& member);

// A member of a bronze archive, as read back.
struct BronzeEntry {
  std::string source_key, etag, sha256;
  bool zstd_wrapped = false;
  std::uint64_t offset = 0, size = 0;  // of the stored bytes in the archive
};
// The members of the bronze archive `archive`; std::runtime_error when it is damaged or a member
// lacks the records above.
std::vector<BronzeEntry> read_bronze_archive(std::string_view archive);
// The raw bytes of a member from its stored bytes; std::runtime_error naming `where` when a
// wrapped member is not a valid zstd frame.
std::string raw_from_bronze(std::string stored, bool zstd_wrapped, std::string_view where);

// Lowercase hex SHA-256 of `bytes`: the checksum recorded for every archived object.
std::string sha256_hex(std::string_view bytes);

// The quarantine file's content for `records` (one JSON line each).
std::string quarantine_jsonl(std::span<const event::QuarantineRecord> records);

}  // namespace tributary::ingest
