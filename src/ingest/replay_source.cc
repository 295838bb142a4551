#include "ingest/replay_source.h"

#include "ingest/archive.h"
#include "ingest/fluentd_key.h"
#include "lake/layout.h"
#include "store/listing_pager.h"

namespace tributary::ingest {
namespace {

[[noreturn]] void throw_read_only() {
  throw store::StoreError(store::StoreErrorCode::kInvalidArgument,
                          "the bronze archive is read-only as a replay source");
}

}  // namespace

BronzeSource::BronzeSource(store::ObjectStore& lake, BronzeSourceOptions options) : lake_(lake) {
  for (event::Stream stream : options.streams) {
    const std::string prefix = lake::layout::bronze_prefix(stream);
    for (store::ListingPager pager(lake_, prefix); !pager.done();) {
      store::ListPage page = pager.next();
      for (store::ObjectInfo& info : page.objects) {
        if (const auto archive = lake::layout::parse_bronze_archive_key(info.key)) {
          if (archive->stream == stream) {
            index_archive(*archive, info, options);
          } else {
            ++unparsed_;
          }
          continue;
        }
        const auto name = lake::layout::parse_bronze_file_key(info.key);
        if (!name || name->stream != stream) {
          ++unparsed_;
          continue;
        }
        if (!options.since.empty() && name->ingest_date < options.since) continue;
        if (!options.until.empty() && name->ingest_date >= options.until) continue;
        Entry entry;
        entry.bronze_key = info.key;
        entry.ingest_date = name->ingest_date;
        entry.zstd_appended = name->zstd_appended;
        const auto known = options.raw_key_of_bronze.find(info.key);
        entry.info.key = known != options.raw_key_of_bronze.end()
                             ? known->second
                             : stream_prefix(options.raw_prefix, stream) + name->raw_file;
        entry.info.etag = name->etag;
        entry.info.size = info.size;
        entry.info.last_modified_ms = info.last_modified_ms;
        add(std::move(entry));
      }
    }
  }
}

void BronzeSource::add(Entry entry) {
  // One entry per (raw key, ETag): an object archived twice (a retried batch on another day, or
  // the archive of a batch that failed after archiving) is the same object.
  for (auto [it, end] = index_.equal_range(entry.info.key); it != end; ++it) {
    if (it->second.info.etag == entry.info.etag) return;
  }
  index_.emplace(entry.info.key, std::move(entry));
}

void BronzeSource::index_archive(const lake::layout::BronzeArchiveName& name,
                                 const store::ObjectInfo& info,
                                 const BronzeSourceOptions& options) {
  const std::string& ingest_date = name.ingest_date;
  const event::Stream stream = name.stream;
  if (!options.since.empty() && ingest_date < options.since) return;
  if (!options.until.empty() && ingest_date >= options.until) return;
  std::vector<BronzeEntry> members;
  try {
    members = read_bronze_archive(lake_.get(info.key).body);
  } catch (const std::runtime_error& e) {
    if (dynamic_cast<const store::StoreError*>(&e) != nullptr) throw;
    throw store::StoreError(store::StoreErrorCode::kIntegrity,
                            "bronze archive " + info.key + ": " + e.what());
  }
  for (BronzeEntry& m : members) {
    if (!raw_prefix_) {
      const auto at = m.source_key.rfind(std::string(event::stream_name(stream)) + "/");
      if (at != std::string::npos && (at == 0 || m.source_key[at - 1] == '/')) {
        raw_prefix_ = m.source_key.substr(0, at);
      }
    }
    Entry entry;
    entry.info.key = std::move(m.source_key);
    entry.info.etag = std::move(m.etag);
    entry.info.size = m.size;
    entry.info.last_modified_ms = info.last_modified_ms;
    entry.bronze_key = info.key;
    entry.ingest_date = ingest_date;
    entry.zstd_appended = m.zstd_wrapped;
    entry.archived = {m.offset, m.size};
    add(std::move(entry));
  }
}

const BronzeSource::Entry* BronzeSource::newest(std::string_view raw_key) const {
  const Entry* best = nullptr;
  for (auto [it, end] = index_.equal_range(raw_key); it != end; ++it) {
    if (best == nullptr || it->second.ingest_date >= best->ingest_date) best = &it->second;
  }
  return best;
}

BronzeFetch BronzeSource::read(const Entry& entry) {
  BronzeFetch out;
  out.bronze_key = entry.bronze_key;
  out.stored =
      entry.archived
          ? lake_.get_range(entry.bronze_key, entry.archived->first, entry.archived->second).body
          : lake_.get(entry.bronze_key).body;
  try {
    out.raw = raw_from_bronze(out.stored, entry.zstd_appended, entry.bronze_key);
  } catch (const std::runtime_error& e) {
    throw store::StoreError(store::StoreErrorCode::kIntegrity, e.what());
  }
  return out;
}

std::optional<BronzeFetch> BronzeSource::fetch(std::string_view raw_key, std::string_view etag) {
  for (auto [it, end] = index_.equal_range(raw_key); it != end; ++it) {
    if (it->second.info.etag != etag) continue;
    try {
      return read(it->second);
    } catch (const store::StoreError& e) {
      if (e.code() == store::StoreErrorCode::kNotFound) return std::nullopt;
      throw;
    }
  }
  return std::nullopt;
}

store::ListPage BronzeSource::list(std::string_view prefix, std::string_view start_after,
                                   std::size_t /*max_keys*/) {
  store::ListPage page;
  for (auto it = index_.lower_bound(prefix); it != index_.end() && it->first.starts_with(prefix);
       ++it) {
    if (!start_after.empty() && it->first <= start_after) continue;
    page.objects.push_back(it->second.info);
  }
  return page;
}

store::GetResult BronzeSource::get(std::string_view key) {
  const Entry* entry = newest(key);
  if (entry == nullptr) {
    throw store::StoreError(store::StoreErrorCode::kNotFound,
                            "no bronze copy of " + std::string(key));
  }
  return store::GetResult{read(*entry).raw, entry->info};
}

store::GetResult BronzeSource::get_range(std::string_view key, std::uint64_t offset,
                                         std::uint64_t length) {
  store::GetResult whole = get(key);
  whole.body = whole.body.substr(std::min<std::uint64_t>(offset, whole.body.size()), length);
  return whole;
}

std::optional<store::ObjectInfo> BronzeSource::head(std::string_view key) {
  const Entry* entry = newest(key);
  if (entry == nullptr) return std::nullopt;
  return entry->info;
}

store::ObjectInfo BronzeSource::put(std::string_view, std::string_view, const store::PutOptions&) {
  throw_read_only();
}

void BronzeSource::remove(std::string_view) {
  throw_read_only();
}

std::string BronzeSource::uri() const {
  return lake_.uri() + " (bronze)";
}

}  // namespace tributary::ingest
