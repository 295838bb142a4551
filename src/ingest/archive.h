// The bronze archive and the quarantine files: the lake's exact copy of every raw object, and
// every rejected line with where it came from and why.
//
//   bronze/<stream>/ingest_date=YYYY-MM-DD/<file stem>-<etag>.<ext>
//     the raw bytes; gzip and zstd objects as they are, plain objects as a zstd frame (".zst"
//     appended), so decompressing gives back the exact raw bytes. The ETag in the name keeps
//     versions of one key apart; the key is deterministic, so archiving twice is harmless.
//   quarantine/<stream>/ingest_date=YYYY-MM-DD/<batch_id>.jsonl
//     one JSON object per rejected line: source_key, line_number, byte_offset, reason,
//     line_bytes, line (the kept bytes as text; invalid UTF-8 replaced by U+FFFD) and, when the
//     line is not valid UTF-8, line_base64 with its exact bytes.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "event/quarantine.h"
#include "event/schema.h"

namespace tributary::ingest {

struct BronzeCopy {
  std::string key;
  std::string bytes;  // what to store
};

// The bronze copy of the raw object `source_key` (with ETag `etag` and content `raw`).
BronzeCopy bronze_copy(event::Stream stream, std::string_view ingest_date,
                       std::string_view source_key, std::string_view etag, std::string_view raw);

// Lowercase hex SHA-256 of `bytes`: the checksum recorded for every archived object.
std::string sha256_hex(std::string_view bytes);

std::string quarantine_key(event::Stream stream, std::string_view ingest_date,
                           std::string_view batch_id);

// The quarantine file's content for `records` (one JSON line each).
std::string quarantine_jsonl(std::span<const event::QuarantineRecord> records);

}  // namespace tributary::ingest
