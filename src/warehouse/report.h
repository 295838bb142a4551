// The three BI answers for a half-open UTC period [from, to) of event time, read from the daily
// marts the loader keeps (migrations 0002, 0012): the cost grows with the period's days and the
// catalog, not with the facts' history. Rows rank by the marts' additive measures; the distinct
// counts (users, sessions, listeners) of the rows shown come from the marts' per-day distinct
// sets, counted once over the period, so they stay exact.
//
// Definitions (the oracle test in tests/js/report_oracle.mjs computes the same from raw JSON):
//  - top_locations: per (city, state), page_views = page view events, listens = listen events,
//    listening_hours = sum(listen duration) / 3600, users = distinct userId and sessions =
//    distinct sessionId over both; ranked by page_views desc, listens desc, then city, state.
//  - top_songs: per (artist, song title), plays = listen events, listeners = distinct userId;
//    ranked by plays desc, then song, artist.
//  - user_listening: per logged-in user, plays and hours of listen events, with the names of the
//    user's current dim_user version; ranked by hours desc, then first name, last name (absent
//    names last), user id.
// Names compare bytewise (UTF-8 code point order), identically on both dialects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "warehouse/sql_connection.h"

namespace tributary::warehouse {

struct ReportPeriod {
  std::string from;  // YYYY-MM-DD, inclusive
  std::string to;    // YYYY-MM-DD, exclusive
};

struct ReportOptions {
  ReportPeriod period;
  std::int64_t top = 10;                // rows per list
  std::optional<std::int64_t> user_id;  // restricts user_listening to this user
};

struct LocationRow {
  std::string city;
  std::string state;
  std::int64_t page_views;
  std::int64_t listens;
  double listening_hours;
  std::int64_t users;
  std::int64_t sessions;
};

struct SongRow {
  std::string artist;
  std::string song;
  std::int64_t plays;
  std::int64_t listeners;
};

struct UserRow {
  std::int64_t user_id;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::int64_t plays;
  double hours;
};

struct Report {
  ReportPeriod period;
  std::vector<LocationRow> top_locations;
  std::vector<SongRow> top_songs;
  std::vector<UserRow> user_listening;
};

// Validates the options (dates are real YYYY-MM-DD dates, from < to, top >= 1, a user_id the
// warehouse has seen: a mistyped id is an error, not an empty list) and runs the three queries.
// Throws std::invalid_argument with the specific problem.
Report run_report(SqlConnection& connection, const ReportOptions& options);

// The start (epoch ms, UTC) of the newest day the facts cover, from dim_date; nullopt for an
// empty warehouse. It reads the star schema only, so the BI role, which may not read the
// ingester's bookkeeping, can default a report's period with it.
std::optional<std::int64_t> newest_event_day_ms(SqlConnection& connection);

}  // namespace tributary::warehouse
