// BronzeSource: the lake's bronze archive seen as the raw bucket it was copied from, so that
// `tributary replay` runs the ingester's own machinery (listing, ledger, BatchCommitter) on it.
//
// Every archived object appears under its original raw key with its original ETag, so silver's
// `source_key` lineage and the ledger's (key, ETag) identity are those of the original ingest:
//  - a member of a per-batch archive (archive.h: bronze/<stream>/ingest_date=D/<batch id>.tar)
//    carries its raw key and ETag in the archive itself, exactly, whatever bytes the key holds;
//  - a file of one object (archive.h: bronze/<stream>/ingest_date=D/<file stem>-<etag><ext>[.zst],
//    as older lakes hold them) appears as <raw_prefix><stream>/<file stem><ext>. The raw key comes
//    from a ledger of the original ingest when one is given (exact), otherwise from the bronze
//    name: the ETag is the MD5-shaped token before the extension (32 hex digits, optionally
//    "-<parts>"), and a trailing ".zst" after another extension is the one the archive appended
//    to a plain object. Bronze names that do not parse (lake/layout.h) are skipped and counted
//    (unparsed()).
//
// Invariants:
//  - The index is built once, at construction, from one listing of bronze/<stream>/ for the
//    selected streams and ingest dates (and one read of each selected archive, of which only the
//    member offsets are kept); the source is read-only (put/remove throw).
//  - list() returns the whole matching index in one page (never truncated): two versions of one
//    raw key (same key, different ETags) are two entries, which a paged start_after cursor could
//    split.
//  - fetch() returns the exact raw bytes (the archive's zstd frame undone for plain objects) and
//    the stored bronze bytes, so the recorded SHA-256 is the raw object's.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "event/schema.h"
#include "lake/layout.h"
#include "store/object_store.h"

namespace tributary::ingest {

struct BronzeSourceOptions {
  std::string raw_prefix = "Raw/";  // the raw keys' prefix when no ledger gives them
  std::vector<event::Stream> streams{event::kAllStreams.begin(), event::kAllStreams.end()};
  std::string since;  // YYYY-MM-DD: ingest dates >= since; empty: no lower bound
  std::string until;  // YYYY-MM-DD: ingest dates < until; empty: no upper bound
  // bronze key -> raw key, from the original ingest's ledger (ingest_object.bronze_key); may be
  // empty.
  std::map<std::string, std::string> raw_key_of_bronze;
};

struct BronzeFetch {
  std::string raw;     // the raw object's exact bytes
  std::string stored;  // the bronze object's bytes
  std::string bronze_key;
};

class BronzeSource : public store::ObjectStore {
 public:
  BronzeSource(store::ObjectStore& lake, BronzeSourceOptions options);

  // The version of `raw_key` with ETag `etag`, or nullopt when bronze has none.
  std::optional<BronzeFetch> fetch(std::string_view raw_key, std::string_view etag);

  std::size_t objects() const { return index_.size(); }
  // The raw prefix (what precedes "<stream>/") of the keys in the per-batch archives; nullopt
  // when there are none. Those archives record the raw keys exactly.
  const std::optional<std::string>& archived_raw_prefix() const { return raw_prefix_; }
  std::size_t unparsed() const { return unparsed_; }

  store::ListPage list(std::string_view prefix, std::string_view start_after = {},
                       std::size_t max_keys = 1000) override;
  // The newest archived version of `key` (by ingest date).
  store::GetResult get(std::string_view key) override;
  store::GetResult get_range(std::string_view key, std::uint64_t offset,
                             std::uint64_t length) override;
  std::optional<store::ObjectInfo> head(std::string_view key) override;
  store::ObjectInfo put(std::string_view key, std::string_view body,
                        const store::PutOptions& options = {}) override;
  void remove(std::string_view key) override;
  std::string uri() const override;

 private:
  struct Entry {
    store::ObjectInfo info;  // raw key, ETag, bronze size, bronze last-modified
    std::string bronze_key;
    std::string ingest_date;
    bool zstd_appended = false;
    // Set for a member of a per-batch archive: where its stored bytes are in bronze_key.
    std::optional<std::pair<std::uint64_t, std::uint64_t>> archived;
  };
  void add(Entry entry);
  // Indexes the members of the per-batch archive `info` (archive.h).
  void index_archive(const lake::layout::BronzeArchiveName& name, const store::ObjectInfo& info,
                     const BronzeSourceOptions& options);
  const Entry* newest(std::string_view raw_key) const;
  BronzeFetch read(const Entry& entry);

  store::ObjectStore& lake_;
  std::multimap<std::string, Entry, std::less<>> index_;  // by raw key
  std::size_t unparsed_ = 0;
  std::optional<std::string> raw_prefix_;  // of the first archive member's key
};

}  // namespace tributary::ingest
