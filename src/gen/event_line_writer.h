// EventLineWriter: turns a simulated page view into eventsim's JSON lines, one per stream it
// feeds, byte for byte as eventsim's Jackson writer would:
//  - page_view_events: every event.
//  - listen_events: a NextSong page view (same ts, sessionId and itemInSession).
//  - status_change_events: a "Submit Upgrade" or "Submit Downgrade" page view.
//  - auth_events: the event after a Login page (eventsim's previousState, which redirects do not
//    update), with success = the visitor is now logged in.
//
// Fields and their order come from event::stream_fields() (the schema table); a field is written
// when the event has it: user fields only for identified visitors (show-user-details), artist,
// song and duration only with a song, tag only when a tag was given (and, as in eventsim, only for
// identified visitors). Numbers: ts, ids and registration as integers; duration as Java's
// Float.toString, lat/lon as Double.toString (shortest round-trip digits, at least one decimal).
// Strings are JSON-escaped; the user agent keeps eventsim's extra quotes (quoted_user_agent()).
//
// The escaped text of every table value is prepared once, so a line costs appends and three or
// four integer conversions.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "event/schema.h"
#include "gen/session_simulator.h"

namespace tributary::gen {

// eventsim's user-agent file quotes, CSV style, the agents that contain a comma, and eventsim
// keeps those quotes: the value it emits is `"<agent>"` for those and the bare agent otherwise.
std::string quoted_user_agent(std::string_view agent);

// Java's Float.toString / Double.toString for values in [1e-3, 1e7): shortest round-trip digits,
// and ".0" appended to whole numbers.
void append_java_float(std::string& out, float value);
void append_java_double(std::string& out, double value);

class EventLineWriter {
 public:
  // `tag`: eventsim's --tag; empty means no tag field.
  explicit EventLineWriter(std::string tag = {});

  // Appends the event's lines (each ending in '\n') to out[stream] for every stream it feeds
  // whose entry is not null. Returns the number of lines appended.
  std::size_t write(const SimulatedEvent& event,
                    const std::array<std::string*, event::kStreamCount>& out) const;

 private:
  void append_line(event::Stream stream, const SimulatedEvent& event, std::string& out) const;
  // Appends the JSON value of `field` for this event; false (nothing appended) when the event
  // does not have the field.
  bool append_value(event::Field field, event::Stream stream, const SimulatedEvent& event,
                    std::string& out) const;

  struct CityJson {
    std::string city, zip, state, lat, lon;
  };
  struct SongJson {
    std::string artist, song, duration;
  };

  std::string tag_json_;
  std::array<std::string, event::kFieldCount> key_json_;  // `"name":`
  std::vector<CityJson> cities_;
  std::vector<std::string> user_agents_, first_names_, genders_, last_names_;
  std::vector<SongJson> songs_;
};

}  // namespace tributary::gen
