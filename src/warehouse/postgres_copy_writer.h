// PostgresCopyWriter: encodes rows in PostgreSQL's binary COPY format (the "PGCOPY" file format
// of the COPY documentation): a fixed header, then per row a 16-bit field count and per field a
// 32-bit length (-1 for NULL) and the value in the type's binary send format (big-endian
// integers and IEEE doubles, 1-byte booleans, raw UTF-8 text, a uuid's 16 bytes, a
// timestamptz's 64-bit microseconds since 2000-01-01 UTC), then a -1 trailer.
//
// Invariant: each row gets exactly the field count passed to begin_row(), in the staging table's
// column order and types; the server rejects the COPY otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tributary::warehouse {

class PostgresCopyWriter {
 public:
  PostgresCopyWriter();

  void begin_row(std::uint16_t fields);
  void add_null();
  void add_int32(std::int32_t v);
  void add_int64(std::int64_t v);
  void add_double(double v);
  void add_bool(bool v);
  void add_text(std::string_view v);
  // A uuid's binary form: its 16 bytes.
  void add_uuid(const unsigned char (&bytes)[16]);
  // A timestamptz's binary form: microseconds since 2000-01-01 00:00 UTC.
  void add_timestamptz_ms(std::int64_t ms_since_1970);

  // Appends the trailer and returns the whole stream; the writer is then empty again.
  std::string finish();

 private:
  void put_u16(std::uint16_t v);
  void put_u32(std::uint32_t v);
  void put_u64(std::uint64_t v);

  std::string buf_;
};

}  // namespace tributary::warehouse
