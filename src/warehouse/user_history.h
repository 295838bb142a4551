// dim_user's type-2 history and user_profile, computed by the loader from the rows a load reads
// or stages rather than by window functions in SQL: SQLite evaluates each window over a batch's
// observations at about 3 µs a row, and the three the rebuild needed were a quarter of a load.
//
// The rules (docs/data-model.md):
//   - A user's observations are (ts, level) points. Two levels at the very same instant keep
//     one, the greater ("paid" over "free"), so the history does not depend on arrival order.
//   - A version starts at every kept point whose level differs from the previous kept point's in
//     event-time order (from the level before the rebuilt span, when there is one) and ends
//     where the next version starts; the last one is current and ends at kOpenEndMs.
//   - A user's profile (names, gender, registration) is that of the latest observation, at the
//     same instant the greater level's.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "event/batch.h"

namespace tributary::warehouse {

// valid_to of a current version: 10000-01-01 00:00 UTC in ms since 1970.
inline constexpr std::int64_t kOpenEndMs = 253402300800000;

// One stored observation of a user being rebuilt, with the level of the version that contains
// the point the rebuild starts after (nullopt when it starts before the user's first version).
struct ObservedLevel {
  std::int64_t user_id = 0;
  std::int64_t ts = 0;
  std::string level;
  std::optional<std::string> level_before;
};

struct UserVersion {
  std::int64_t user_id = 0;
  std::string level;
  std::int64_t valid_from = 0;
  std::int64_t valid_to = kOpenEndMs;
  bool is_current = true;
};

// The versions the observations `rows` make, per user in user order. Requires rows ordered by
// (user_id, ts); the order of levels at one instant does not matter.
std::vector<UserVersion> user_versions(std::span<const ObservedLevel> rows);

struct UserProfile {
  std::int64_t user_id = 0;
  std::int64_t observed_at = 0;
  std::string observed_level;
  std::optional<std::string> first_name, last_name, gender;
  std::optional<std::int64_t> registration;
};

// Each user's profile as the rows of `batch` give it (rows without a user id say nothing), in
// user order. `batch` must carry the user columns (every stream does).
std::vector<UserProfile> latest_profiles(const event::EventBatch& batch);

}  // namespace tributary::warehouse
