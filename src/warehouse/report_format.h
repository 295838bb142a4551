// Renderings of a Report for `tributary report --format`:
//  - json:  {"from","to","top_locations":[...],"top_songs":[...],"user_listening":[...]} on one
//           line, the contract in the brief; hours are full-precision numbers.
//  - csv:   one RFC 4180 table for spreadsheets and BI imports: a header row, then the rows of
//           top_locations, top_songs and user_listening in rank order. Its columns are
//           `section` (the list's name), `period_from`, `period_to`, `rank`, then the union of
//           the lists' columns; a row leaves the other lists' columns empty. Hours are rounded
//           to three decimals.
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
