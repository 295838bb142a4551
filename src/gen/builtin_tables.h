// The generator's built-in data: US places, person names, browser user agents and a song catalog.
//
// Every row was taken from the real eventsim output in tests/data/ (eventsim's own files and the
// fluentd object), so each value is one eventsim itself emitted, including its quirks: song and
// artist names that eventsim double-decoded ("BjÃÂ¶rk") stay as eventsim writes them. Nothing was
// downloaded. Invariants: every table is non-empty; weights are positive; durations are seconds.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace tributary::gen {

struct UsCity {
  std::string_view city;
  std::string_view zip;
  std::string_view state;  // two-letter USPS code
  double lat;
  double lon;
  std::uint32_t weight;  // relative share of users living there
};

struct FirstName {
  std::string_view name;
  std::string_view gender;  // "M" or "F", as eventsim writes it
};

struct UserAgent {
  // Without the extra quotes eventsim adds; see quoted_user_agent() in event_line_writer.h.
  std::string_view agent;
  std::uint32_t weight;
};

struct CatalogSong {
  std::string_view artist;
  std::string_view title;
  // eventsim keeps durations as Java floats and prints them with Float.toString.
  float duration;
};

std::span<const UsCity> builtin_cities();
std::span<const FirstName> builtin_first_names();
std::span<const std::string_view> builtin_last_names();
std::span<const UserAgent> builtin_user_agents();
// Ordered by popularity, most played first: the simulator gives rank r a Zipf weight.
std::span<const CatalogSong> builtin_songs();

}  // namespace tributary::gen
