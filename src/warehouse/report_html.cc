#include "warehouse/report_html.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <vector>

#include "warehouse/us_state_outline.h"

namespace tributary::warehouse {
namespace {

std::string shortest(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string counted(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string user_name(const UserRow& u) {
  std::string name = u.first_name.value_or("");
  if (u.last_name) name += (name.empty() ? "" : " ") + *u.last_name;
  return name.empty() ? "user " + std::to_string(u.user_id) : name;
}

// One bar of a horizontal bar chart.
struct Bar {
  std::string label;
  double value;
  std::string exact;    // data-value: the JSON number
  std::string visible;  // the text beside the bar
};

constexpr const char* kCss = R"CSS(
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:#1d2330; background:#f6f7f9; }
header { padding:1rem 1.5rem; background:#1d2330; color:#fff; }
header h1 { margin:0; font-size:1.25rem; }
header p { margin:.2rem 0 0; color:#c9d1e0; }
main { display:grid; grid-template-columns:repeat(auto-fit, minmax(520px, 1fr)); gap:1rem; padding:1rem 1.5rem; max-width:1500px; }
section { background:#fff; border:1px solid #e4e7ec; border-radius:8px; padding:.8rem 1rem; min-width:0; }
section.wide { grid-column:1 / -1; }
h2 { font-size:1rem; margin:0 0 .5rem; }
p.note { color:#667085; margin:.2rem 0 .6rem; font-size:.85rem; }
svg { width:100%; height:auto; display:block; }
#location-map { max-height:600px; }
svg text { font:12px system-ui, sans-serif; fill:#1d2330; }
svg text.value { fill:#475467; font-variant-numeric:tabular-nums; }
svg text.axis { fill:#98a2b3; font-size:11px; }
table { border-collapse:collapse; width:100%; margin-top:.6rem; font-size:.85rem; }
th, td { text-align:left; padding:.2rem .4rem; border-bottom:1px solid #eaecf0; }
td.n, th.n { text-align:right; font-variant-numeric:tabular-nums; }
.empty { color:#667085; font-style:italic; }
)CSS";

std::string bar_chart(const std::string& id, const std::vector<Bar>& bars, const char* color) {
  if (bars.empty()) return "<p class=\"empty\">No data in this period.</p>\n";
  const int label_w = 250, value_w = 110, width = 660, row_h = 24;
  const int plot_w = width - label_w - value_w;
  const int height = static_cast<int>(bars.size()) * row_h + 8;
  double max = 0;
  for (const Bar& b : bars) max = std::max(max, b.value);
  if (max <= 0) max = 1;
  std::string out = "<svg id=\"" + id + "\" data-testid=\"" + id + "\" viewBox=\"0 0 " +
                    std::to_string(width) + " " + std::to_string(height) +
                    "\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">\n";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const int y = 4 + static_cast<int>(i) * row_h;
    const double w = std::max(1.0, plot_w * b.value / max);
    std::string label = b.label;
    if (label.size() > 30) {
      std::size_t cut = 29;  // do not split a UTF-8 sequence
      while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;
      label = label.substr(0, cut) + "\xE2\x80\xA6";
    }
    out += "<g class=\"bar\" data-label=\"" + html_escape(b.label) + "\" data-value=\"" + b.exact +
           "\"><title>" + html_escape(b.label) + ": " + html_escape(b.visible) + "</title>";
    out += "<text x=\"" + std::to_string(label_w - 8) + "\" y=\"" + std::to_string(y + 16) +
           "\" text-anchor=\"end\">" + html_escape(label) + "</text>";
    out += "<rect x=\"" + std::to_string(label_w) + "\" y=\"" + std::to_string(y + 3) +
           "\" width=\"" + fixed(w, 1) + "\" height=\"" + std::to_string(row_h - 6) +
           "\" rx=\"2\" fill=\"" + color + "\"/>";
    out += "<text class=\"value\" x=\"" + fixed(label_w + w + 6, 1) + "\" y=\"" +
           std::to_string(y + 16) + "\">" + html_escape(b.visible) + "</text></g>\n";
  }
  return out + "</svg>\n";
}

// Equirectangular projection of the points' bounding box (padded), with a graticule every 5°.
std::string location_map(const Report& report, const LocationCoordinates& coordinates) {
  struct Dot {
    const LocationRow* row;
    LatLon at;
    double usage;
  };
  std::vector<Dot> dots;
  for (const LocationRow& l : report.top_locations) {
    auto it = coordinates.find({l.city, l.state});
    if (it == coordinates.end()) continue;
    dots.push_back({&l, it->second, static_cast<double>(l.page_views + l.listens)});
  }
  const std::size_t missing = report.top_locations.size() - dots.size();
  std::string out =
      "<p class=\"note\">Each dot is a location of the top list, placed by "
      "latitude and longitude; its area is proportional to usage (page views + "
      "listens).";
  if (missing > 0) out += " " + std::to_string(missing) + " location(s) without coordinates.";
  out += "</p>\n";
  if (dots.empty()) return out + "<p class=\"empty\">No located data in this period.</p>\n";
  double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180, max_usage = 1;
  for (const Dot& d : dots) {
    min_lat = std::min(min_lat, d.at.lat), max_lat = std::max(max_lat, d.at.lat);
    min_lon = std::min(min_lon, d.at.lon), max_lon = std::max(max_lon, d.at.lon);
    max_usage = std::max(max_usage, d.usage);
  }
  // Pad to whole 5° cells and at least 10° each way, so one point is not a degenerate box.
  min_lat = std::floor((min_lat - 2) / 5) * 5, max_lat = std::ceil((max_lat + 2) / 5) * 5;
  min_lon = std::floor((min_lon - 2) / 5) * 5, max_lon = std::ceil((max_lon + 2) / 5) * 5;
  if (max_lat - min_lat < 10) max_lat = min_lat + 10;
  if (max_lon - min_lon < 10) max_lon = min_lon + 10;
  const double width = 960, margin = 30;
  const double mid_lat = (min_lat + max_lat) / 2 * 3.14159265358979 / 180;
  // Shrink longitude by cos(mid latitude) so shapes are not stretched east-west.
  const double x_scale = (width - 2 * margin) / ((max_lon - min_lon) * std::cos(mid_lat));
  const double height = (max_lat - min_lat) * x_scale + 2 * margin;
  const auto x_of = [&](double lon) {
    return margin + (lon - min_lon) * std::cos(mid_lat) * x_scale;
  };
  const auto y_of = [&](double lat) { return margin + (max_lat - lat) * x_scale; };
  out += "<svg id=\"location-map\" data-testid=\"location-map\" viewBox=\"0 0 " + fixed(width, 0) +
         " " + fixed(height, 0) + "\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">\n";
  out += "<rect x=\"0\" y=\"0\" width=\"" + fixed(width, 0) + "\" height=\"" + fixed(height, 0) +
         "\" fill=\"#eef4fb\"/>\n";
  for (double lat = min_lat; lat <= max_lat; lat += 5) {
    out += "<line x1=\"" + fixed(x_of(min_lon), 1) + "\" x2=\"" + fixed(x_of(max_lon), 1) +
           "\" y1=\"" + fixed(y_of(lat), 1) + "\" y2=\"" + fixed(y_of(lat), 1) +
           "\" stroke=\"#d0d9e6\"/><text class=\"axis\" x=\"4\" y=\"" + fixed(y_of(lat) - 3, 1) +
           "\">" + fixed(lat, 0) + "\xC2\xB0</text>\n";
  }
  for (double lon = min_lon; lon <= max_lon; lon += 5) {
    out += "<line y1=\"" + fixed(y_of(min_lat), 1) + "\" y2=\"" + fixed(y_of(max_lat), 1) +
           "\" x1=\"" + fixed(x_of(lon), 1) + "\" x2=\"" + fixed(x_of(lon), 1) +
           "\" stroke=\"#d0d9e6\"/><text class=\"axis\" x=\"" + fixed(x_of(lon) + 2, 1) +
           "\" y=\"" + fixed(height - 6, 1) + "\">" + fixed(lon, 0) + "\xC2\xB0</text>\n";
  }
  // The states' borders, for orientation: the lines that reach into the graticule, clipped to it.
  const UsStateOutline outline = us_state_outline();
  std::string borders;
  for (std::size_t line = 0, begin = 0; line < outline.line_count; ++line) {
    const std::size_t end = outline.line_ends[line];
    bool inside = false;
    for (std::size_t i = begin; i < end && !inside; ++i) {
      const double lon = static_cast<double>(outline.points[i][0]) / outline.scale;
      const double lat = static_cast<double>(outline.points[i][1]) / outline.scale;
      inside = lon >= min_lon && lon <= max_lon && lat >= min_lat && lat <= max_lat;
    }
    for (std::size_t i = begin; i < end && inside; ++i) {
      borders += (i == begin ? "M" : "L") +
                 fixed(x_of(static_cast<double>(outline.points[i][0]) / outline.scale), 1) + "," +
                 fixed(y_of(static_cast<double>(outline.points[i][1]) / outline.scale), 1);
    }
    begin = end;
  }
  if (!borders.empty()) {
    out += "<clipPath id=\"map-frame\"><rect x=\"" + fixed(x_of(min_lon), 1) + "\" y=\"" +
           fixed(y_of(max_lat), 1) + "\" width=\"" + fixed(x_of(max_lon) - x_of(min_lon), 1) +
           "\" height=\"" + fixed(y_of(min_lat) - y_of(max_lat), 1) + "\"/></clipPath>\n";
    out += "<path data-testid=\"state-borders\" clip-path=\"url(#map-frame)\" d=\"" + borders +
           "\" fill=\"none\" stroke=\"#8a99b0\" stroke-width=\"0.8\" stroke-linejoin=\"round\"/>\n";
  }
  // Largest first, so small dots stay visible on top, and the busiest places get their labels.
  std::stable_sort(dots.begin(), dots.end(),
                   [](const Dot& a, const Dot& b) { return a.usage > b.usage; });
  // Labels never overlap: each takes the first of four places around its dot (right, left,
  // above, below) that is inside the map and clear of the labels placed before it; a dot with
  // no such place keeps its name in its tooltip only. Box sizes are estimates for the 12px
  // font (7.5 px a character).
  struct Box {
    double x0, y0, x1, y1;
    bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
  };
  std::vector<Box> placed;
  for (const Dot& d : dots) {
    const double r = 3 + 27 * std::sqrt(d.usage / max_usage);
    const double cx = x_of(d.at.lon), cy = y_of(d.at.lat);
    const std::string name = d.row->city + ", " + d.row->state;
    std::size_t chars = 0;
    for (unsigned char c : d.row->city) chars += (c & 0xC0) != 0x80 ? 1 : 0;
    const double w = 7.5 * static_cast<double>(chars), h = 14;
    struct Place {
      double x, y;  // the text's start and baseline
    };
    const Place places[] = {{cx + r + 3, cy + 4},
                            {cx - r - 3 - w, cy + 4},
                            {cx - w / 2, cy - r - 4},
                            {cx - w / 2, cy + r + 13}};
    std::optional<Place> at;
    for (const Place& p : places) {
      const Box box{p.x, p.y - h + 3, p.x + w, p.y + 3};
      if (box.x0 < 0 || box.x1 > width || box.y0 < 0 || box.y1 > height) continue;
      bool clear = true;
      for (const Box& other : placed) clear = clear && !box.overlaps(other);
      if (!clear) continue;
      placed.push_back(box);
      at = p;
      break;
    }
    out += "<g class=\"dot\" data-label=\"" + html_escape(name) + "\" data-usage=\"" +
           std::to_string(d.row->page_views + d.row->listens) + "\"><title>" + html_escape(name) +
           ": " + std::to_string(d.row->page_views) + " page views, " +
           std::to_string(d.row->listens) + " listens</title><circle cx=\"" + fixed(cx, 1) +
           "\" cy=\"" + fixed(cy, 1) + "\" r=\"" + fixed(r, 1) +
           "\" fill=\"#2f6fdf\" fill-opacity=\"0.45\" stroke=\"#1d4fa8\"/>";
    if (at) {
      out += "<text x=\"" + fixed(at->x, 1) + "\" y=\"" + fixed(at->y, 1) + "\">" +
             html_escape(d.row->city) + "</text>";
    }
    out += "</g>\n";
  }
  return out + "</svg>\n";
}

std::string cell(const std::string& text, bool number = false, const std::string& exact = "") {
  std::string out = number ? "<td class=\"n\"" : "<td";
  if (!exact.empty()) out += " data-value=\"" + exact + "\"";
  return out + ">" + html_escape(text) + "</td>";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string report_html(const Report& report, const LocationCoordinates& coordinates) {
  const std::string period = report.period.from + " to " + report.period.to;
  std::string out =
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>tributary report " +
      html_escape(period) + "</title>\n<style>" + kCss + "</style>\n</head>\n<body>\n";
  out +=
      "<header><h1>Music streaming: the three answers</h1><p data-testid=\"period\" "
      "data-from=\"" +
      html_escape(report.period.from) + "\" data-to=\"" + html_escape(report.period.to) +
      "\">Event time [" + html_escape(report.period.from) + ", " + html_escape(report.period.to) +
      "), UTC</p></header>\n<main>\n";

  // 1. Locations.
  std::vector<Bar> bars;
  std::string rows;
  for (const LocationRow& l : report.top_locations) {
    const std::string name = l.city + ", " + l.state;
    bars.push_back({name, static_cast<double>(l.page_views), std::to_string(l.page_views),
                    counted(l.page_views, "page view", "page views")});
    rows += "<tr data-testid=\"location-row\">" + cell(l.city) + cell(l.state) +
            cell(std::to_string(l.page_views), true, std::to_string(l.page_views)) +
            cell(std::to_string(l.listens), true, std::to_string(l.listens)) +
            cell(fixed(l.listening_hours, 2), true, shortest(l.listening_hours)) +
            cell(std::to_string(l.users), true, std::to_string(l.users)) +
            cell(std::to_string(l.sessions), true, std::to_string(l.sessions)) + "</tr>\n";
  }
  out +=
      "<section><h2>1. Which locations use the website most?</h2><p class=\"note\">By page "
      "views, then listens.</p>\n" +
      bar_chart("chart-locations", bars, "#2f6fdf") +
      "<table data-testid=\"table-locations\"><thead><tr><th>city</th><th>state</th><th "
      "class=\"n\">page views</th><th class=\"n\">listens</th><th class=\"n\">hours</th><th "
      "class=\"n\">users</th><th class=\"n\">sessions</th></tr></thead><tbody>\n" +
      rows + "</tbody></table></section>\n";

  // 2. Songs.
  bars.clear(), rows.clear();
  for (const SongRow& s : report.top_songs) {
    bars.push_back({s.song + " \xE2\x80\x94 " + s.artist, static_cast<double>(s.plays),
                    std::to_string(s.plays), counted(s.plays, "play", "plays")});
    rows += "<tr data-testid=\"song-row\">" + cell(s.song) + cell(s.artist) +
            cell(std::to_string(s.plays), true, std::to_string(s.plays)) +
            cell(std::to_string(s.listeners), true, std::to_string(s.listeners)) + "</tr>\n";
  }
  out +=
      "<section><h2>2. Which songs are listened to most?</h2><p class=\"note\">By plays "
      "(listen events).</p>\n" +
      bar_chart("chart-songs", bars, "#12b76a") +
      "<table data-testid=\"table-songs\"><thead><tr><th>song</th><th>artist</th><th "
      "class=\"n\">plays</th><th class=\"n\">listeners</th></tr></thead><tbody>\n" +
      rows + "</tbody></table></section>\n";

  // 3. Users.
  bars.clear(), rows.clear();
  for (const UserRow& u : report.user_listening) {
    bars.push_back({user_name(u), u.hours, shortest(u.hours), fixed(u.hours, 2) + " h"});
    rows += "<tr data-testid=\"user-row\">" +
            cell(std::to_string(u.user_id), true, std::to_string(u.user_id)) +
            cell(u.first_name.value_or("")) + cell(u.last_name.value_or("")) +
            cell(std::to_string(u.plays), true, std::to_string(u.plays)) +
            cell(fixed(u.hours, 2), true, shortest(u.hours)) + "</tr>\n";
  }
  out +=
      "<section><h2>3. How many hours of music does each user consume?</h2><p "
      "class=\"note\">Sum of listen durations / 3600.</p>\n" +
      bar_chart("chart-users", bars, "#f79009") +
      "<table data-testid=\"table-users\"><thead><tr><th class=\"n\">user</th><th>first "
      "name</th><th>last name</th><th class=\"n\">plays</th><th "
      "class=\"n\">hours</th></tr></thead><tbody>\n" +
      rows + "</tbody></table></section>\n";

  out += "<section class=\"wide\"><h2>Where the top locations are</h2>\n" +
         location_map(report, coordinates) + "</section>\n</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace tributary::warehouse
