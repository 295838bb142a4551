// Quarantine records: every line the decoder rejects, with where it came from and why. Nothing is
// dropped silently: for every object, lines == events + quarantined (blank lines are not lines).
//
// Reason codes (a fixed set; `<field>` is the field's JSON name as eventsim writes it):
//   invalid_json            not parseable as JSON, or trailing content after the object
//   not_an_object           valid JSON, but not an object
//   nesting_too_deep        JSON nested deeper than the parser's limit (1024)
//   invalid_utf8            invalid UTF-8 bytes, or an escape that is not a Unicode scalar value
//                           (\ud800 without its low half, a lone \udc00)
//   line_too_long           longer than DecodeOptions::max_line_bytes; not parsed
//   missing_field:<field>   a required field is absent or null
//   wrong_type:<field>      a field has the wrong JSON type (e.g. a string where a number belongs)
//   out_of_range:<field>    a value outside its rule (see ValueRule in schema.h), or a well-formed
//                           number beyond 64-bit integers or doubles (1e400), also in unknown
//                           fields
//   duplicate_field:<field> the same key twice in one object (which value is meant is unknowable)
//   nul_character:<field>   a string field holds U+0000 ("\u0000"), which PostgreSQL text cannot
//                           store (unknown fields keep it, escaped, in `extra`)
//   corrupt_gzip            the object's gzip stream is damaged. Every line the damaged member
//                           inflated to gets this reason (its bytes may be wrong yet parse), and
//                           one more record holds the partial line after them; lines of earlier,
//                           checksum-verified members survive
//   truncated_gzip          the object's gzip stream ends early; complete lines before it survive
//                           and one record holds the partial line
//   decompressed_too_large  the object inflates past DecodeOptions::max_object_bytes (gzip bomb);
//                           complete lines before the limit survive, one record holds the rest's
//                           first bytes
//   corrupt_zstd, truncated_zstd  the same for zstd frames (bronze copies of plain objects)
#pragma once

#include <cstdint>
#include <string>

#include "event/schema.h"

namespace tributary::event {

struct QuarantineRecord {
  Stream stream;
  std::string source_key;     // object key (or file path) the line came from
  std::uint64_t line_number;  // 1-based, counting every physical line of the decompressed object
  std::uint64_t byte_offset;  // offset of the line's first byte in the decompressed object
  std::string reason;         // one of the codes above
  std::string line;           // the original bytes, at most DecodeOptions::quarantine_line_cap
  std::uint64_t line_bytes;   // the original line's full length
};

}  // namespace tributary::event
