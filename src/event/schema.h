// The event schema: the single table that says which fields each eventsim stream carries, their
// types, and which are required. Decoding, validation, the Parquet writer and the SQL loaders all
// iterate this table; no other file lists the fields.
//
// Facts encoded here (from eventsim's source and the samples in tests/data/):
//  - Guests and logged-out visitors have no userId, firstName, lastName, gender or registration.
//  - artist, song and duration are always on listen events, and on page views only for NextSong.
//  - `tag` appears on every stream when eventsim runs with --tag.
//  - status_change_events carry the fields of a listen event without artist, song and duration.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tributary::event {

enum class Stream : std::uint8_t { kListen, kPageView, kAuth, kStatusChange };
inline constexpr std::size_t kStreamCount = 4;
inline constexpr std::array<Stream, kStreamCount> kAllStreams = {
    Stream::kListen, Stream::kPageView, Stream::kAuth, Stream::kStatusChange};

// "listen_events", "page_view_events", ...: the names fluentd uses as key prefixes.
std::string_view stream_name(Stream stream);
std::optional<Stream> stream_from_name(std::string_view name);
// Finds the stream from an object key or path with a `<stream>/` segment, such as
// "Raw/listen_events/2023061719_20.json" (the last matching segment wins), or else from a file
// named after the stream, such as eventsim's own "listen_events.jsonl".
std::optional<Stream> stream_from_path(std::string_view path);

// Physical types. Timestamps are epoch milliseconds, UTC.
enum class FieldType : std::uint8_t { kString, kInt32, kInt64, kDouble, kBool, kTimestampMs };

// Value rules applied after the type check. A value that breaks its rule quarantines the line with
// `out_of_range:<json_name>`.
enum class ValueRule : std::uint8_t {
  kNone,
  kEventTime,    // 2000-01-01T00:00:00Z <= value < 2100-01-01T00:00:00Z
  kNonNegative,  // value >= 0
  kDuration,     // 0 <= seconds <= 86400
  kLatitude,     // -90 <= value <= 90
  kLongitude,    // -180 <= value <= 180
  kHttpStatus,   // 100 <= value <= 599
  kLevel,        // "free" or "paid": dim_user's type-2 history is keyed on it
};

// Every field any stream can carry, in one catalogue. The order here is the column order of the
// union; streams pick subsets in their own emission order.
enum class Field : std::uint8_t {
  kArtist,
  kSong,
  kDuration,
  kTs,
  kSessionId,
  kPage,
  kAuth,
  kMethod,
  kStatus,
  kLevel,
  kItemInSession,
  kCity,
  kZip,
  kState,
  kUserAgent,
  kLon,
  kLat,
  kUserId,
  kLastName,
  kFirstName,
  kGender,
  kRegistration,
  kSuccess,
  kTag,
};
inline constexpr std::size_t kFieldCount = 24;

struct FieldInfo {
  std::string_view json_name;    // camelCase, as eventsim writes it
  std::string_view column_name;  // snake_case, as silver and the warehouse name it
  FieldType type;
  ValueRule rule;
  // userAgent arrives wrapped in a second pair of literal double quotes; the clean value drops
  // them.
  bool strip_quotes = false;
  // artist and song arrive garbled in eventsim's own data (UTF-8 decoded as Latin-1, twice): the
  // clean value is util::repair_mojibake's (util/mojibake.h says the rule and its limits).
  bool repair_mojibake = false;
};

const FieldInfo& field_info(Field field);

enum class Presence : std::uint8_t { kRequired, kOptional };

// One column of a stream: a field and whether the stream requires it.
struct StreamField {
  Field field;
  Presence presence;

  const FieldInfo& info() const { return field_info(field); }
  bool required() const { return presence == Presence::kRequired; }
};

// A stream's columns, in the order eventsim emits them (the generator relies on this order).
std::span<const StreamField> stream_fields(Stream stream);

// Index of `field` within stream_fields(stream), or nullopt when the stream does not carry it.
std::optional<std::size_t> column_index(Stream stream, Field field);

// The identity fields of every stream (see event_key.h): ts, sessionId, itemInSession, userId.
inline constexpr std::array<Field, 4> kIdentityFields = {Field::kTs, Field::kSessionId,
                                                         Field::kItemInSession, Field::kUserId};

}  // namespace tributary::event
