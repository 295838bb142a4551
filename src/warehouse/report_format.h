// Renderings of a Report for `tributary report --format`:
//  - json:  {"from","to","top_locations":[...],"top_songs":[...],"user_listening":[...]} on one
//           line, the contract in the brief; hours are full-precision numbers.
//  - csv:   three RFC 4180 tables (top_locations, top_songs, user_listening), each with a header
//           row whose first column is `section`, separated by an empty line.
//  - table: three aligned plain-text tables with a title line each, for terminals; hours are
//           rounded to two decimals.
#pragma once

#include <string>

#include "warehouse/report.h"

namespace tributary::warehouse {

std::string report_json(const Report& report);
std::string report_csv(const Report& report);
std::string report_table(const Report& report);

}  // namespace tributary::warehouse
