// event_key: the 128-bit identity of an event, used to deduplicate it everywhere (silver files and
// warehouse facts key on it, so the definition is frozen: changing it re-keys every stored event).
//
// Identity, from the brief: (stream, ts, sessionId, itemInSession, userId or null). The canonical
// byte encoding hashed is, in order:
//   1. the stream name in ASCII ("listen_events", ...), then one 0x00 byte;
//   2. ts, sessionId and itemInSession, each as a signed 64-bit little-endian integer;
//   3. 0x00 when userId is absent, or 0x01 followed by userId as a signed 64-bit little-endian
//      integer.
// The hash is XXH3-128 (xxHash 0.8, seed 0), whose output is specified independently of the
// platform. `hi` and `lo` are its high and low 64-bit halves; the text form is 32 lowercase hex
// digits, hi first.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "event/schema.h"

namespace tributary::event {

struct EventKey {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;

  friend auto operator<=>(const EventKey&, const EventKey&) = default;
  std::string hex() const;
  // Writes hex()'s 32 digits to out[0..32), for callers that format many keys into one buffer.
  void write_hex(char* out) const;
  // Writes the key's 16 bytes to out[0..16): hi then lo, big-endian, so that the bytes spell
  // hex() and sort as the keys do (the warehouse's uuid and BLOB keys, the dedup slots).
  void write_bytes(unsigned char* out) const;
  // The key whose hex() is `text` (either case); nullopt unless it is exactly 32 hex digits.
  static std::optional<EventKey> from_hex(std::string_view text);
};

EventKey compute_event_key(Stream stream, std::int64_t ts, std::int64_t session_id,
                           std::int64_t item_in_session, std::optional<std::int64_t> user_id);

struct EventKeyHash {
  std::size_t operator()(const EventKey& k) const { return static_cast<std::size_t>(k.lo ^ k.hi); }
};

}  // namespace tributary::event
