// StagedWrites: an ObjectStore in front of the lake that keeps put()s in memory until publish().
//
// A batch's silver and quarantine files are produced before its database transaction and written
// to the lake only after it commits. So no reader that lists the lake (Athena, Trino, DuckDB over
// silver/) ever sees a file of an uncommitted batch, and a crash before the commit leaves nothing
// behind. A crash after the commit but before publish() is repaired by republishing the batch
// (BatchCommitter::republish), which rebuilds the same bytes from bronze.
//
// Reads pass through to the lake and do not see staged objects.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "store/object_store.h"

namespace tributary::ingest {

class StagedWrites final : public store::ObjectStore {
 public:
  explicit StagedWrites(store::ObjectStore& lake) : lake_(lake) {}

  store::ListPage list(std::string_view prefix, std::string_view start_after,
                       std::size_t max_keys) override {
    return lake_.list(prefix, start_after, max_keys);
  }
  store::GetResult get(std::string_view key) override { return lake_.get(key); }
  store::GetResult get_range(std::string_view key, std::uint64_t offset,
                             std::uint64_t length) override {
    return lake_.get_range(key, offset, length);
  }
  std::optional<store::ObjectInfo> head(std::string_view key) override { return lake_.head(key); }
  // Staged: written by publish(). A later put of the same key replaces the earlier one.
  store::ObjectInfo put(std::string_view key, std::string_view body,
                        const store::PutOptions& options = {}) override;
  void remove(std::string_view key) override { lake_.remove(key); }
  std::string uri() const override { return lake_.uri(); }

  // Writes every staged object to the lake, in staging order, then forgets them.
  void publish();
  std::size_t staged_bytes() const;

 private:
  store::ObjectStore& lake_;
  std::vector<std::pair<std::string, std::string>> staged_;
};

}  // namespace tributary::ingest
