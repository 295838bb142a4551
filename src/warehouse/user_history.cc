#include "warehouse/user_history.h"

#include <map>

namespace tributary::warehouse {

std::vector<UserVersion> user_versions(std::span<const ObservedLevel> rows) {
  std::vector<UserVersion> out;
  std::size_t i = 0;
  while (i < rows.size()) {
    const std::int64_t user = rows[i].user_id;
    const std::size_t first_version = out.size();
    std::optional<std::string> previous = rows[i].level_before;
    while (i < rows.size() && rows[i].user_id == user) {
      // The kept level of this instant: the greatest.
      const std::int64_t ts = rows[i].ts;
      const std::string* level = &rows[i].level;
      for (++i; i < rows.size() && rows[i].user_id == user && rows[i].ts == ts; ++i) {
        if (rows[i].level > *level) level = &rows[i].level;
      }
      if (!previous || *previous != *level) {
        if (out.size() > first_version) {
          out.back().valid_to = ts;
          out.back().is_current = false;
        }
        out.push_back(UserVersion{user, *level, ts, kOpenEndMs, true});
      }
      previous = *level;
    }
  }
  return out;
}

std::vector<UserProfile> latest_profiles(const event::EventBatch& batch) {
  using event::Field;
  const event::Column& user = batch.column(Field::kUserId);
  const event::Column& ts = batch.column(Field::kTs);
  const event::Column& level = batch.column(Field::kLevel);
  const event::Column& first = batch.column(Field::kFirstName);
  const event::Column& last = batch.column(Field::kLastName);
  const event::Column& gender = batch.column(Field::kGender);
  const event::Column& registration = batch.column(Field::kRegistration);
  // The row of each user's latest observation, by (ts, level).
  std::map<std::int64_t, std::size_t> latest;
  for (std::size_t row = 0; row < batch.size(); ++row) {
    if (!user.is_valid(row)) continue;
    const auto [it, added] = latest.try_emplace(user.i64[row], row);
    if (added) continue;
    const std::size_t kept = it->second;
    if (ts.i64[row] > ts.i64[kept] ||
        (ts.i64[row] == ts.i64[kept] && level.str.at(row) > level.str.at(kept))) {
      it->second = row;
    }
  }
  const auto text = [](const event::Column& c, std::size_t row) -> std::optional<std::string> {
    if (!c.is_valid(row)) return std::nullopt;
    return std::string(c.str.at(row));
  };
  std::vector<UserProfile> out;
  out.reserve(latest.size());
  for (const auto& [user_id, row] : latest) {
    UserProfile p;
    p.user_id = user_id;
    p.observed_at = ts.i64[row];
    p.observed_level = level.str.at(row);
    p.first_name = text(first, row);
    p.last_name = text(last, row);
    p.gender = text(gender, row);
    if (registration.is_valid(row)) p.registration = registration.i64[row];
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace tributary::warehouse
