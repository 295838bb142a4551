// AvroContainerWriter: an Avro object container file (Avro 1.11 specification, "Object Container
// Files"), built in memory.
//
// Layout: "Obj" 0x01; the file metadata, an Avro map<bytes> holding "avro.schema" (the schema's
// JSON), "avro.codec" ("null" or "deflate") and the caller's entries, in that order; the 16-byte
// sync marker; then blocks, each a long record count, a long byte length, the records (encoded
// back to back, compressed as one unit for deflate: RFC 1951 raw deflate, no zlib header) and the
// sync marker again. A block closes once its encoded records pass `block_bytes`; an empty file
// has the header alone.
//
// Determinism: the same schema, metadata, options (sync marker included) and records give the
// same bytes. The spec asks for a randomly generated sync marker; sync_marker_for() derives one
// from a caller-chosen seed (e.g. the file's path), which is as good as random for finding block
// boundaries and keeps builders that name their files pure.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lake/avro/schema.h"
#include "lake/avro/value.h"

namespace tributary::lake::avro {

enum class AvroCodec : std::uint8_t { kNull, kDeflate };

using SyncMarker = std::array<std::uint8_t, 16>;

// A 128-bit hash of `seed`.
SyncMarker sync_marker_for(std::string_view seed);

struct ContainerOptions {
  AvroCodec codec = AvroCodec::kDeflate;
  std::size_t block_bytes = 64 * 1024;
  SyncMarker sync{};
};

class AvroContainerWriter {
 public:
  // Throws std::invalid_argument when the schema is not valid (schema_json()), or a metadata key
  // is empty, repeated, or starts with the reserved "avro.".
  AvroContainerWriter(AvroSchemaPtr schema,
                      std::vector<std::pair<std::string, std::string>> metadata,
                      ContainerOptions options);

  // Appends one record. Throws std::invalid_argument (encode_value()) when it does not fit the
  // schema; the file is then unchanged.
  void append(const AvroValue& record);

  std::uint64_t records() const { return records_; }

  // Closes the last block and returns the file. The writer must not be used afterwards.
  std::string finish();

 private:
  void flush_block();

  AvroSchemaPtr schema_;
  ContainerOptions options_;
  std::string file_;
  std::string block_;  // encoded records of the open block
  std::int64_t block_records_ = 0;
  std::uint64_t records_ = 0;
  std::string scratch_;
};

}  // namespace tributary::lake::avro
