#include "event/event_key.h"

#include <xxhash.h>

#include <array>
#include <cstring>

#include "util/hex.h"

namespace tributary::event {
namespace {

// Longest stream name (20) + 0x00 + three int64 + flag + int64.
constexpr std::size_t kMaxEncoded = 32 + 1 + 3 * 8 + 1 + 8;

char* put_le64(char* p, std::int64_t v) {
  auto u = static_cast<std::uint64_t>(v);
  for (int i = 0; i < 8; ++i) {
    *p++ = static_cast<char>(u & 0xff);
    u >>= 8;
  }
  return p;
}

}  // namespace

void EventKey::write_hex(char* out) const {
  util::write_hex_u64(hi, out);
  util::write_hex_u64(lo, out + 16);
}

void EventKey::write_bytes(unsigned char* out) const {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<unsigned char>(hi >> (56 - 8 * i));
  for (int i = 0; i < 8; ++i) out[8 + i] = static_cast<unsigned char>(lo >> (56 - 8 * i));
}

std::string EventKey::hex() const {
  std::string out(32, '0');
  write_hex(out.data());
  return out;
}

std::optional<EventKey> EventKey::from_hex(std::string_view text) {
  if (text.size() != 32) return std::nullopt;
  const std::optional<std::uint64_t> hi = util::parse_hex_u64(text.substr(0, 16));
  const std::optional<std::uint64_t> lo = util::parse_hex_u64(text.substr(16));
  if (!hi || !lo) return std::nullopt;
  return EventKey{*hi, *lo};
}

EventKey compute_event_key(Stream stream, std::int64_t ts, std::int64_t session_id,
                           std::int64_t item_in_session, std::optional<std::int64_t> user_id) {
  std::array<char, kMaxEncoded> buf;
  const std::string_view name = stream_name(stream);
  char* p = buf.data();
  std::memcpy(p, name.data(), name.size());
  p += name.size();
  *p++ = '\0';
  p = put_le64(p, ts);
  p = put_le64(p, session_id);
  p = put_le64(p, item_in_session);
  if (user_id) {
    *p++ = '\x01';
    p = put_le64(p, *user_id);
  } else {
    *p++ = '\0';
  }
  const XXH128_hash_t h = XXH3_128bits(buf.data(), static_cast<std::size_t>(p - buf.data()));
  return EventKey{h.high64, h.low64};
}

}  // namespace tributary::event
