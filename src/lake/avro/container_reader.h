// Reads back Avro object container files whose schema the caller knows: tributary's own
// manifests and manifest lists, which a commit must read to build the next snapshot.
//
// The file's header schema must be exactly schema_json(expected): a file written with any other
// schema (e.g. by another engine) is refused with std::runtime_error naming the difference,
// rather than misread. Codecs "null" and "deflate" are read; every other codec, a bad magic, a
// truncated or overlong block, a block whose records do not fill it exactly, a sync marker that
// differs from the header's, or a value the schema does not allow (a union index out of range, a
// negative length, a boolean byte other than 0 or 1, more empty items (nulls, empty records) than
// 2^20 in a block) throws std::runtime_error.
//
// Values come back in AvroValue's shape (value.h); Avro maps as lists of [key, value].
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lake/avro/schema.h"
#include "lake/avro/value.h"

namespace tributary::lake::avro {

struct AvroFileContents {
  std::vector<std::pair<std::string, std::string>> metadata;  // every header key, avro.* too
  std::vector<AvroValue> records;

  // The value of metadata key `key`, or nullptr.
  const std::string* find_metadata(std::string_view key) const;
};

AvroFileContents read_avro_file(std::string_view file, const AvroSchema& expected);

// Decodes one value of `schema` from the front of `data`, advancing it.
AvroValue decode_value(const AvroSchema& schema, std::string_view& data);

}  // namespace tributary::lake::avro
