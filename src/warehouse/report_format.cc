#include "warehouse/report_format.h"

#include <cstdio>
#include <stdexcept>
#include <vector>

#include "util/hex.h"
#include "util/json_writer.h"

namespace tributary::warehouse {
namespace {

std::string fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

// `s` safe to print on a terminal: C0 controls, DEL and C1 controls (names can hold any of them,
// JSON-escaped in the raw events) are shown escaped, as \n, \t, \r or \xHH (\u00HH for C1),
// so that a name can neither break the table's lines and alignment nor send the terminal an
// escape sequence.
std::string for_terminal(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      util::append_hex_byte(out, c);
    } else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {
      out += "\\u00";
      util::append_hex_byte(out, next);
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Display width of UTF-8 text: one column per code point (no East Asian wide forms in eventsim).
std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80 ? 1 : 0;
  return n;
}

using Table = std::vector<std::vector<std::string>>;

// The CSV's columns: the union of the three lists' columns, each list filling its own.
constexpr const char* kCsvColumns[] = {
    "section",   "period_from",     "period_to",  "rank",      "city",   "state", "page_views",
    "listens",   "listening_hours", "users",      "sessions",  "artist", "song",  "plays",
    "listeners", "user_id",         "first_name", "last_name", "hours"};
constexpr std::size_t kCsvColumnCount = sizeof kCsvColumns / sizeof kCsvColumns[0];

std::size_t csv_column(const std::string& name) {
  for (std::size_t i = 0; i < kCsvColumnCount; ++i) {
    if (name == kCsvColumns[i]) return i;
  }
  throw std::logic_error("no CSV column " + name);
}

// The rows of one list (its header row first) as rows of the union, in CSV.
void append_csv(std::string& out, const Report& report, const std::string& section,
                const Table& rows) {
  std::vector<std::size_t> columns;
  for (const std::string& name : rows[0]) columns.push_back(csv_column(name));
  for (std::size_t r = 1; r < rows.size(); ++r) {
    std::vector<std::string> line(kCsvColumnCount);
    line[0] = section;
    line[1] = report.period.from;
    line[2] = report.period.to;
    for (std::size_t c = 0; c < columns.size(); ++c) line[columns[c]] = rows[r][c];
    for (std::size_t c = 0; c < line.size(); ++c) out += (c > 0 ? "," : "") + csv_field(line[c]);
    out += "\r\n";
  }
}

// Numbers (every column but the text ones named in `left`) are right-aligned.
void append_aligned(std::string& out, const std::string& title, const Table& raw,
                    std::size_t left_columns) {
  out += title + '\n';
  Table rows = raw;
  for (auto& row : rows) {
    for (std::string& cell : row) cell = for_terminal(cell);
  }
  std::vector<std::size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], width(row[c]));
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const std::string pad(widths[c] - width(rows[r][c]), ' ');
      if (c > 0) line += "  ";
      line += c < left_columns ? rows[r][c] + pad : pad + rows[r][c];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
    if (r == 0) {
      std::string rule;
      for (std::size_t c = 0; c < widths.size(); ++c) {
        if (c > 0) rule += "  ";
        rule += std::string(widths[c], '-');
      }
      out += rule + '\n';
    }
  }
  if (rows.size() == 1) out += "(none)\n";
}

// Hours as shown: two decimals in the table (36 s), three in CSV (3.6 s, below a song's length).
Table locations(const Report& r, int decimals) {
  Table t = {
      {"rank", "city", "state", "page_views", "listens", "listening_hours", "users", "sessions"}};
  std::size_t rank = 0;
  for (const LocationRow& l : r.top_locations) {
    t.push_back({std::to_string(++rank), l.city, l.state, std::to_string(l.page_views),
                 std::to_string(l.listens), fixed(l.listening_hours, decimals),
                 std::to_string(l.users), std::to_string(l.sessions)});
  }
  return t;
}

Table songs(const Report& r) {
  Table t = {{"rank", "artist", "song", "plays", "listeners"}};
  std::size_t rank = 0;
  for (const SongRow& s : r.top_songs) {
    t.push_back({std::to_string(++rank), s.artist, s.song, std::to_string(s.plays),
                 std::to_string(s.listeners)});
  }
  return t;
}

Table users(const Report& r, int decimals) {
  Table t = {{"rank", "user_id", "first_name", "last_name", "plays", "hours"}};
  std::size_t rank = 0;
  for (const UserRow& u : r.user_listening) {
    t.push_back({std::to_string(++rank), std::to_string(u.user_id), u.first_name.value_or(""),
                 u.last_name.value_or(""), std::to_string(u.plays), fixed(u.hours, decimals)});
  }
  return t;
}

void optional_string(util::JsonWriter& w, const std::optional<std::string>& s) {
  if (s) {
    w.value(*s);
  } else {
    w.null();
  }
}

}  // namespace

std::string report_json(const Report& report) {
  std::string out;
  util::JsonWriter w(out);
  w.begin_object().key("from").value(report.period.from).key("to").value(report.period.to);
  w.key("top_locations").begin_array();
  for (const LocationRow& l : report.top_locations) {
    w.begin_object()
        .key("city")
        .value(l.city)
        .key("state")
        .value(l.state)
        .key("page_views")
        .value(l.page_views)
        .key("listens")
        .value(l.listens)
        .key("listening_hours")
        .value(l.listening_hours)
        .key("users")
        .value(l.users)
        .key("sessions")
        .value(l.sessions)
        .end_object();
  }
  w.end_array().key("top_songs").begin_array();
  for (const SongRow& s : report.top_songs) {
    w.begin_object()
        .key("artist")
        .value(s.artist)
        .key("song")
        .value(s.song)
        .key("plays")
        .value(s.plays)
        .key("listeners")
        .value(s.listeners)
        .end_object();
  }
  w.end_array().key("user_listening").begin_array();
  for (const UserRow& u : report.user_listening) {
    w.begin_object().key("user_id").value(u.user_id).key("first_name");
    optional_string(w, u.first_name);
    w.key("last_name");
    optional_string(w, u.last_name);
    w.key("plays").value(u.plays).key("hours").value(u.hours).end_object();
  }
  w.end_array().end_object();
  out += '\n';
  return out;
}

std::string report_csv(const Report& report) {
  std::string out;
  for (std::size_t c = 0; c < kCsvColumnCount; ++c)
    out += (c > 0 ? "," : "") + std::string(kCsvColumns[c]);
  out += "\r\n";
  append_csv(out, report, "top_locations", locations(report, 3));
  append_csv(out, report, "top_songs", songs(report));
  append_csv(out, report, "user_listening", users(report, 3));
  return out;
}

std::string report_table(const Report& report) {
  std::string out =
      "Period " + report.period.from + " to " + report.period.to + " (UTC, end excluded)\n\n";
  append_aligned(out, "Top locations (by page views, then listens)", locations(report, 2), 3);
  out += '\n';
  append_aligned(out, "Top songs (by plays)", songs(report), 3);
  out += '\n';
  append_aligned(out, "Hours of music per user", users(report, 2), 4);
  return out;
}

}  // namespace tributary::warehouse
