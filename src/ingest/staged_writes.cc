#include "ingest/staged_writes.h"

#include <algorithm>

namespace tributary::ingest {

store::ObjectInfo StagedWrites::put(std::string_view key, std::string_view body,
                                    const store::PutOptions&) {
  auto it = std::find_if(staged_.begin(), staged_.end(),
                         [&](const auto& entry) { return entry.first == key; });
  if (it != staged_.end()) {
    it->second.assign(body);
  } else {
    staged_.emplace_back(std::string(key), std::string(body));
  }
  store::ObjectInfo info;
  info.key = std::string(key);
  info.size = body.size();
  return info;
}

void StagedWrites::publish() {
  for (const auto& [key, body] : staged_) wrapped().put(key, body);
  staged_.clear();
}

std::size_t StagedWrites::staged_bytes() const {
  std::size_t total = 0;
  for (const auto& entry : staged_) total += entry.second.size();
  return total;
}

}  // namespace tributary::ingest
