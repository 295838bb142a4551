// DemoState: what `tributary demo` records in its working directory (<dir>/demo.state) so that a
// re-run continues the same demo instead of starting another: the simulated period and the
// generator's parameters, and whether generation finished.
//
// Invariants: start_ms is fixed by the first run and never changes; the same (users, days,
// seed, start_ms) give the same events, so regenerating after an interrupted generation adds
// only duplicates, which ingestion removes by event key. The file is written atomically
// (temporary file + rename), as key=value lines.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace tributary::cli {

struct DemoState {
  std::uint32_t users = 0;
  double days = 0;
  std::uint64_t seed = 0;
  std::int64_t start_ms = 0;  // the simulated period is [start_ms, start_ms + days)
  bool generated = false;     // every object of the period has been shipped to <dir>/raw

  std::int64_t end_ms() const;
  // The report period covering [start_ms, end_ms): whole UTC days, "YYYY-MM-DD", `to` excluded.
  std::string first_day() const;
  std::string day_after_last() const;
};

// nullopt when the file does not exist; throws std::runtime_error naming the file when it is
// unreadable or malformed.
std::optional<DemoState> load_demo_state(const std::filesystem::path& file);
void save_demo_state(const std::filesystem::path& file, const DemoState& state);

}  // namespace tributary::cli
