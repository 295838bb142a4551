// BronzeSource: the lake's bronze archive seen as the raw bucket it was copied from, so that
// `tributary replay` runs the ingester's own machinery (listing, ledger, BatchCommitter) on it.
//
// Every bronze object (archive.h: bronze/<stream>/ingest_date=D/<file stem>-<etag><ext>[.zst])
// appears under its original raw key, <raw_prefix><stream>/<file stem><ext>, with its original
// ETag, so silver's `source_key` lineage and the ledger's (key, ETag) identity are those of the
// original ingest. The raw key comes from a ledger of the original ingest when one is given
// (exact), otherwise from the bronze name: the ETag is the MD5-shaped token before the
// extension (32 hex digits, optionally "-<parts>"), and a trailing ".zst" after another extension
// is the one the archive appended to a plain object. Bronze names that do not parse are skipped
// and counted (unparsed()).
//
// Invariants:
//  - The index is built once, at construction, from one listing of bronze/<stream>/ for the
//    selected streams and ingest dates; the source is read-only (put/remove throw).
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

// What a bronze object name says about the raw object it copies.
struct BronzeName {
  event::Stream stream;
  std::string ingest_date;  // YYYY-MM-DD
  std::string raw_file;     // "<file stem><ext>" as in the raw key
  std::string etag;
  bool zstd_appended = false;  // the archive wrapped a plain object in a zstd frame
};

// Parses a bronze key as described above; nullopt when it is not one.
std::optional<BronzeName> parse_bronze_key(std::string_view key);

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
  };
  const Entry* newest(std::string_view raw_key) const;
  BronzeFetch read(const Entry& entry);

  store::ObjectStore& lake_;
  std::multimap<std::string, Entry, std::less<>> index_;  // by raw key
  std::size_t unparsed_ = 0;
};

}  // namespace tributary::ingest
