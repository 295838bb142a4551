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

#include "store/forwarding_store.h"

namespace tributary::ingest {

class StagedWrites final : public store::ForwardingStore {
 public:
  explicit StagedWrites(store::ObjectStore& lake) : ForwardingStore(lake) {}

  // Staged: written by publish(). A later put of the same key replaces the earlier one.
  store::ObjectInfo put(std::string_view key, std::string_view body,
                        const store::PutOptions& options = {}) override;

  // Writes every staged object to the lake, in staging order, then forgets them.
  void publish();
  std::size_t staged_bytes() const;

 private:
  std::vector<std::pair<std::string, std::string>> staged_;
};

}  // namespace tributary::ingest
