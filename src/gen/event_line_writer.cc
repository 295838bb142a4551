#include "gen/event_line_writer.h"

#include <charconv>

#include "util/json_writer.h"

namespace tributary::gen {
namespace {

using event::Field;
using event::Stream;

std::string json_string(std::string_view s) {
  std::string out;
  util::append_json_string(out, s);
  return out;
}

template <typename Float>
void append_java_floating(std::string& out, Float value) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  const std::string_view digits(buf, static_cast<std::size_t>(end - buf));
  out.append(digits);
  if (digits.find_first_of(".eEn") == std::string_view::npos) out.append(".0");
}

void append_integer(std::string& out, std::int64_t value) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, static_cast<std::size_t>(end - buf));
}

}  // namespace

std::string quoted_user_agent(std::string_view agent) {
  if (agent.find(',') == std::string_view::npos) return std::string(agent);
  std::string quoted;
  quoted.reserve(agent.size() + 2);
  quoted.push_back('"');
  quoted.append(agent);
  quoted.push_back('"');
  return quoted;
}

void append_java_float(std::string& out, float value) {
  append_java_floating(out, value);
}
void append_java_double(std::string& out, double value) {
  append_java_floating(out, value);
}

EventLineWriter::EventLineWriter(std::string tag) {
  if (!tag.empty()) tag_json_ = json_string(tag);
  for (std::size_t f = 0; f < event::kFieldCount; ++f) {
    key_json_[f] = json_string(event::field_info(static_cast<Field>(f)).json_name) + ":";
  }
  for (const UsCity& c : builtin_cities()) {
    CityJson j{json_string(c.city), json_string(c.zip), json_string(c.state), {}, {}};
    append_java_double(j.lat, c.lat);
    append_java_double(j.lon, c.lon);
    cities_.push_back(std::move(j));
  }
  for (const UserAgent& a : builtin_user_agents()) {
    user_agents_.push_back(json_string(quoted_user_agent(a.agent)));
  }
  for (const FirstName& n : builtin_first_names()) {
    first_names_.push_back(json_string(n.name));
    genders_.push_back(json_string(n.gender));
  }
  for (std::string_view n : builtin_last_names()) last_names_.push_back(json_string(n));
  for (const CatalogSong& s : builtin_songs()) {
    SongJson j{json_string(s.artist), json_string(s.title), {}};
    append_java_float(j.duration, s.duration);
    songs_.push_back(std::move(j));
  }
}

std::size_t EventLineWriter::write(const SimulatedEvent& event,
                                   const std::array<std::string*, event::kStreamCount>& out) const {
  std::size_t lines = 0;
  auto emit = [&](Stream stream) {
    std::string* sink = out[static_cast<std::size_t>(stream)];
    if (sink == nullptr) return;
    append_line(stream, event, *sink);
    ++lines;
  };
  // eventsim writes the listen, status change and auth events before the page view.
  if (event.state->is_next_song) emit(Stream::kListen);
  if (event.state->is_status_change) emit(Stream::kStatusChange);
  if (event.after_login) emit(Stream::kAuth);
  emit(Stream::kPageView);
  return lines;
}

void EventLineWriter::append_line(Stream stream, const SimulatedEvent& event,
                                  std::string& out) const {
  out.push_back('{');
  bool first = true;
  for (const event::StreamField& column : event::stream_fields(stream)) {
    const std::size_t mark = out.size();
    if (!first) out.push_back(',');
    out.append(key_json_[static_cast<std::size_t>(column.field)]);
    if (append_value(column.field, stream, event, out)) {
      first = false;
    } else {
      out.resize(mark);
    }
  }
  out.append("}\n");
}

bool EventLineWriter::append_value(Field field, Stream stream, const SimulatedEvent& event,
                                   std::string& out) const {
  const SimulatedUser& user = *event.user;
  const PageState& state = *event.state;
  const auto song = event.song ? static_cast<std::size_t>(event.song - builtin_songs().data()) : 0;
  const CityJson& city = cities_[user.city];
  switch (field) {
    case Field::kArtist:
      if (!event.song) return false;
      out.append(songs_[song].artist);
      return true;
    case Field::kSong:
      if (!event.song) return false;
      out.append(songs_[song].song);
      return true;
    case Field::kDuration:
      if (!event.song) return false;
      out.append(songs_[song].duration);
      return true;
    case Field::kTs:
      append_integer(out, event.ts_ms);
      return true;
    case Field::kSessionId:
      append_integer(out, event.session_id);
      return true;
    case Field::kPage:
      util::append_json_string(out, state.page);
      return true;
    case Field::kAuth:
      util::append_json_string(out, state.auth);
      return true;
    case Field::kMethod:
      util::append_json_string(out, state.method);
      return true;
    case Field::kStatus:
      append_integer(out, state.status);
      return true;
    case Field::kLevel:
      util::append_json_string(out, state.level);
      return true;
    case Field::kItemInSession:
      append_integer(out, event.item_in_session);
      return true;
    case Field::kCity:
      out.append(city.city);
      return true;
    case Field::kZip:
      out.append(city.zip);
      return true;
    case Field::kState:
      out.append(city.state);
      return true;
    case Field::kUserAgent:
      out.append(user_agents_[user.user_agent]);
      return true;
    case Field::kLon:
      out.append(city.lon);
      return true;
    case Field::kLat:
      out.append(city.lat);
      return true;
    case Field::kUserId:
      if (!state.show_user_details) return false;
      append_integer(out, user.user_id);
      return true;
    case Field::kLastName:
      if (!state.show_user_details) return false;
      out.append(last_names_[user.last_name]);
      return true;
    case Field::kFirstName:
      if (!state.show_user_details) return false;
      out.append(first_names_[user.first_name]);
      return true;
    case Field::kGender:
      if (!state.show_user_details) return false;
      out.append(genders_[user.first_name]);
      return true;
    case Field::kRegistration:
      if (!state.show_user_details) return false;
      append_integer(out, user.registration_ms);
      return true;
    case Field::kSuccess:
      if (stream != Stream::kAuth) return false;
      out.append(state.auth == "Logged In" ? "true" : "false");
      return true;
    case Field::kTag:
      if (tag_json_.empty() || !state.show_user_details) return false;
      out.append(tag_json_);
      return true;
  }
  return false;
}

}  // namespace tributary::gen
