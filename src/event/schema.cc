#include "event/schema.h"

namespace tributary::event {
namespace {

using enum FieldType;
using enum ValueRule;

constexpr std::array<FieldInfo, kFieldCount> kFields = {{
    {"artist", "artist", kString, kNone, /*strip_quotes=*/false, /*repair_mojibake=*/true},
    {"song", "song", kString, kNone, /*strip_quotes=*/false, /*repair_mojibake=*/true},
    {"duration", "duration", kDouble, kDuration},
    {"ts", "ts", kTimestampMs, kEventTime},
    {"sessionId", "session_id", kInt64, kNonNegative},
    {"page", "page", kString, kNone},
    {"auth", "auth", kString, kNone},
    {"method", "method", kString, kNone},
    {"status", "status", kInt32, kHttpStatus},
    {"level", "level", kString, kLevel},
    {"itemInSession", "item_in_session", kInt32, kNonNegative},
    {"city", "city", kString, kNone},
    {"zip", "zip", kString, kNone},
    {"state", "state", kString, kNone},
    {"userAgent", "user_agent", kString, kNone, /*strip_quotes=*/true},
    {"lon", "lon", kDouble, kLongitude},
    {"lat", "lat", kDouble, kLatitude},
    {"userId", "user_id", kInt64, kNonNegative},
    {"lastName", "last_name", kString, kNone},
    {"firstName", "first_name", kString, kNone},
    {"gender", "gender", kString, kNone},
    {"registration", "registration", kTimestampMs, kEventTime},
    {"success", "success", kBool, kNone},
    {"tag", "tag", kString, kNone},
}};

constexpr Presence R = Presence::kRequired;
constexpr Presence O = Presence::kOptional;
using F = Field;

constexpr StreamField kListen[] = {
    {F::kArtist, R},    {F::kSong, R},   {F::kDuration, R},     {F::kTs, R},
    {F::kSessionId, R}, {F::kAuth, R},   {F::kLevel, R},        {F::kItemInSession, R},
    {F::kCity, R},      {F::kZip, R},    {F::kState, R},        {F::kUserAgent, R},
    {F::kLon, R},       {F::kLat, R},    {F::kUserId, O},       {F::kLastName, O},
    {F::kFirstName, O}, {F::kGender, O}, {F::kRegistration, O}, {F::kTag, O},
};

constexpr StreamField kPageView[] = {
    {F::kTs, R},        {F::kSessionId, R}, {F::kPage, R},         {F::kAuth, R},
    {F::kMethod, R},    {F::kStatus, R},    {F::kLevel, R},        {F::kItemInSession, R},
    {F::kCity, R},      {F::kZip, R},       {F::kState, R},        {F::kUserAgent, R},
    {F::kLon, R},       {F::kLat, R},       {F::kUserId, O},       {F::kLastName, O},
    {F::kFirstName, O}, {F::kGender, O},    {F::kRegistration, O}, {F::kArtist, O},
    {F::kSong, O},      {F::kDuration, O},  {F::kTag, O},
};

constexpr StreamField kAuthStream[] = {
    {F::kTs, R},        {F::kSessionId, R}, {F::kLevel, R},        {F::kItemInSession, R},
    {F::kCity, R},      {F::kZip, R},       {F::kState, R},        {F::kUserAgent, R},
    {F::kLon, R},       {F::kLat, R},       {F::kUserId, O},       {F::kLastName, O},
    {F::kFirstName, O}, {F::kGender, O},    {F::kRegistration, O}, {F::kSuccess, R},
    {F::kTag, O},
};

constexpr StreamField kStatusChange[] = {
    {F::kTs, R},           {F::kSessionId, R},     {F::kAuth, R},
    {F::kLevel, R},        {F::kItemInSession, R}, {F::kCity, R},
    {F::kZip, R},          {F::kState, R},         {F::kUserAgent, R},
    {F::kLon, R},          {F::kLat, R},           {F::kUserId, O},
    {F::kLastName, O},     {F::kFirstName, O},     {F::kGender, O},
    {F::kRegistration, O}, {F::kTag, O},
};

constexpr std::array<std::string_view, kStreamCount> kStreamNames = {
    "listen_events", "page_view_events", "auth_events", "status_change_events"};

}  // namespace

std::string_view stream_name(Stream stream) {
  return kStreamNames[static_cast<std::size_t>(stream)];
}

std::optional<Stream> stream_from_name(std::string_view name) {
  for (Stream s : kAllStreams) {
    if (stream_name(s) == name) return s;
  }
  return std::nullopt;
}

std::optional<Stream> stream_from_path(std::string_view path) {
  std::optional<Stream> found;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) break;
    if (auto s = stream_from_name(path.substr(start, slash - start))) found = s;
    start = slash + 1;
  }
  if (found) return found;
  // eventsim's own output files: "listen_events", "listen_events.jsonl".
  const std::string_view file = path.substr(start);
  return stream_from_name(file.substr(0, file.find('.')));
}

const FieldInfo& field_info(Field field) {
  return kFields[static_cast<std::size_t>(field)];
}

std::span<const StreamField> stream_fields(Stream stream) {
  switch (stream) {
    case Stream::kListen:
      return kListen;
    case Stream::kPageView:
      return kPageView;
    case Stream::kAuth:
      return kAuthStream;
    case Stream::kStatusChange:
      return kStatusChange;
  }
  return {};
}

std::optional<std::size_t> column_index(Stream stream, Field field) {
  auto fields = stream_fields(stream);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].field == field) return i;
  }
  return std::nullopt;
}

}  // namespace tributary::event
