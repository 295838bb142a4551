#include "cli/demo_state.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "util/file.h"

namespace tributary::cli {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

std::string utc_date(std::int64_t epoch_ms) {
  using namespace std::chrono;
  const auto day = floor<days>(sys_time<milliseconds>(milliseconds(epoch_ms)));
  const year_month_day ymd{day};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

}  // namespace

std::int64_t DemoState::end_ms() const {
  return start_ms + static_cast<std::int64_t>(std::llround(days * kDayMs));
}

std::string DemoState::first_day() const {
  return utc_date(start_ms);
}

std::string DemoState::day_after_last() const {
  // end_ms is excluded: the last event is at end_ms - 1.
  return utc_date(end_ms() - 1 + kDayMs);
}

std::optional<DemoState> load_demo_state(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) return std::nullopt;
  std::map<std::string, std::string> values;
  std::istringstream lines(util::read_file(file));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) {
      throw std::runtime_error(file.string() + ": expected key=value, got '" + line + "'");
    }
    values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  auto get = [&](const char* key) -> const std::string& {
    const auto it = values.find(key);
    if (it == values.end()) throw std::runtime_error(file.string() + ": no " + key);
    return it->second;
  };
  DemoState state;
  try {
    state.users = static_cast<std::uint32_t>(std::stoul(get("users")));
    state.days = std::stod(get("days"));
    state.seed = std::stoull(get("seed"));
    state.start_ms = std::stoll(get("start_ms"));
  } catch (const std::logic_error&) {  // stoul & co: invalid_argument, out_of_range
    throw std::runtime_error(file.string() + ": malformed value");
  }
  const std::string& generated = get("generated");
  if (generated != "true" && generated != "false") {
    throw std::runtime_error(file.string() + ": generated must be true or false");
  }
  state.generated = generated == "true";
  return state;
}

void save_demo_state(const std::filesystem::path& file, const DemoState& state) {
  std::ostringstream text;
  text.precision(17);
  text << "# tributary demo: the demo in this directory (a re-run continues it)\n"
       << "users=" << state.users << "\ndays=" << state.days << "\nseed=" << state.seed
       << "\nstart_ms=" << state.start_ms << "\ngenerated=" << (state.generated ? "true" : "false")
       << "\n";
  const std::filesystem::path temporary = file.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text.str();
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, file);
}

}  // namespace tributary::cli
