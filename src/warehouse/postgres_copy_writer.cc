#include "warehouse/postgres_copy_writer.h"

#include <bit>
#include <stdexcept>

namespace tributary::warehouse {
namespace {

constexpr std::string_view kHeader("PGCOPY\n\377\r\n\0", 11);

}  // namespace

PostgresCopyWriter::PostgresCopyWriter() {
  buf_.append(kHeader);
  put_u32(0);  // flags: no OIDs
  put_u32(0);  // header extension length
}

void PostgresCopyWriter::put_u16(std::uint16_t v) {
  buf_.push_back(static_cast<char>(v >> 8));
  buf_.push_back(static_cast<char>(v & 0xff));
}

void PostgresCopyWriter::put_u32(std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    buf_.push_back(static_cast<char>((v >> shift) & 0xff));
}

void PostgresCopyWriter::put_u64(std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    buf_.push_back(static_cast<char>((v >> shift) & 0xff));
}

void PostgresCopyWriter::begin_row(std::uint16_t fields) {
  put_u16(fields);
}

void PostgresCopyWriter::add_null() {
  put_u32(0xffffffffu);
}

void PostgresCopyWriter::add_int32(std::int32_t v) {
  put_u32(4);
  put_u32(static_cast<std::uint32_t>(v));
}

void PostgresCopyWriter::add_int64(std::int64_t v) {
  put_u32(8);
  put_u64(static_cast<std::uint64_t>(v));
}

void PostgresCopyWriter::add_double(double v) {
  put_u32(8);
  put_u64(std::bit_cast<std::uint64_t>(v));
}

void PostgresCopyWriter::add_bool(bool v) {
  put_u32(1);
  buf_.push_back(v ? 1 : 0);
}

void PostgresCopyWriter::add_text(std::string_view v) {
  if (v.size() > 0x7fffffffu) throw std::length_error("COPY field longer than 2 GiB");
  put_u32(static_cast<std::uint32_t>(v.size()));
  buf_.append(v);
}

void PostgresCopyWriter::add_uuid(const unsigned char (&bytes)[16]) {
  put_u32(16);
  buf_.append(reinterpret_cast<const char*>(bytes), 16);
}

void PostgresCopyWriter::add_timestamptz_ms(std::int64_t ms_since_1970) {
  // 2000-01-01T00:00:00Z, PostgreSQL's epoch, in milliseconds since 1970.
  constexpr std::int64_t kPostgresEpochMs = 946'684'800'000;
  add_int64((ms_since_1970 - kPostgresEpochMs) * 1000);
}

std::string PostgresCopyWriter::finish() {
  put_u16(0xffff);
  std::string out = std::move(buf_);
  buf_.clear();
  buf_.append(kHeader);
  put_u32(0);
  put_u32(0);
  return out;
}

}  // namespace tributary::warehouse
