// `tributary report --format html`: the three BI answers as one self-contained HTML page (inline
// CSS and SVG; no script, no external request): a bar chart per answer (locations by page views
// with listens beside them, songs by plays, users by hours of music), a table under each, and a
// map of the top locations by latitude/longitude over the US states' borders (us_state_outline.h)
// and a 5° graticule, each dot's area proportional to its usage (page views + listens), each
// label placed where it overlaps no other (a dot with no such place keeps its name in its tooltip).
//
// Invariants:
//  - The numbers are the Report's, the same as report_json's: every bar and table cell carries
//    the exact value in a data-value attribute (shortest round-trip form for hours, as in JSON);
//    visible hours are rounded to two decimals.
//  - All text from the warehouse is HTML-escaped.
//  - Deterministic: the same report and coordinates give the same bytes.
//  - A location without coordinates is listed in the charts but left off the map (and counted
//    in the map's caption).
#pragma once

#include <string>

#include "warehouse/location_coordinates.h"
#include "warehouse/report.h"

namespace tributary::warehouse {

std::string report_html(const Report& report, const LocationCoordinates& coordinates);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace tributary::warehouse
