// Event dates: silver partitions are keyed by the UTC calendar date of `ts`.
#pragma once

#include <cstdint>
#include <string>

namespace tributary::lake {

// Days since 1970-01-01 of the UTC date containing epoch millisecond `ms` (floor division, so
// negative times land on the right day).
std::int64_t utc_day(std::int64_t ms);

// "YYYY-MM-DD" of a day number from utc_day().
std::string format_day(std::int64_t day);

}  // namespace tributary::lake
