#include "ingest/replay_source.h"

#include <regex>

#include "ingest/fluentd_key.h"
#include "util/zstd_frame.h"

namespace tributary::ingest {
namespace {

constexpr std::size_t kMaxRawObjectBytes = std::size_t{4} << 30;

[[noreturn]] void throw_read_only() {
  throw store::StoreError(store::StoreErrorCode::kInvalidArgument,
                          "the bronze archive is read-only as a replay source");
}

}  // namespace

std::optional<BronzeName> parse_bronze_key(std::string_view key) {
  // bronze/<stream>/ingest_date=YYYY-MM-DD/<stem>-<etag>[<ext>][.zst]; the stem is greedy, so
  // the ETag is the last MD5-shaped token followed by an extension or the end.
  static const std::regex kKey(
      R"(bronze/([a-z_]+)/ingest_date=(\d{4}-\d{2}-\d{2})/(.+)-([0-9a-f]{32}(?:-[0-9]+)?)((?:\.[^./]*)*))");
  std::cmatch m;
  if (!std::regex_match(key.data(), key.data() + key.size(), m, kKey)) return std::nullopt;
  const auto stream = event::stream_from_name(m[1].str());
  if (!stream) return std::nullopt;
  BronzeName name{*stream, m[2].str(), m[3].str(), m[4].str(), false};
  std::string ext = m[5].str();
  // archive.h keeps "<ext>" (the raw name's last extension) and appends ".zst" to plain objects;
  // "<stem>-<etag>.zst" alone is a raw ".zst" object kept as it was.
  if (ext.ends_with(".zst") && ext.size() > 4 && ext.find('.', 1) != std::string::npos) {
    ext.resize(ext.size() - 4);
    name.zstd_appended = true;
  }
  name.raw_file += ext;
  return name;
}

BronzeSource::BronzeSource(store::ObjectStore& lake, BronzeSourceOptions options) : lake_(lake) {
  for (event::Stream stream : options.streams) {
    const std::string prefix = "bronze/" + std::string(event::stream_name(stream)) + "/";
    std::string after;
    for (bool more = true; more;) {
      store::ListPage page = lake_.list(prefix, after);
      more = page.truncated && !page.objects.empty();
      if (!page.objects.empty()) after = page.objects.back().key;
      for (store::ObjectInfo& info : page.objects) {
        const auto name = parse_bronze_key(info.key);
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
        // One entry per (raw key, ETag): an object archived twice (a retried batch on another
        // day) is the same object.
        bool duplicate = false;
        for (auto [it, end] = index_.equal_range(entry.info.key); it != end; ++it) {
          if (it->second.info.etag == entry.info.etag) duplicate = true;
        }
        if (!duplicate) index_.emplace(entry.info.key, std::move(entry));
      }
    }
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
  out.stored = lake_.get(entry.bronze_key).body;
  if (entry.zstd_appended) {
    const util::GunzipResult r = util::unzstd(out.stored, out.raw, kMaxRawObjectBytes);
    if (r.error != util::GunzipError::kNone) {
      throw store::StoreError(store::StoreErrorCode::kIntegrity,
                              "bronze object " + entry.bronze_key + " is not a valid zstd frame (" +
                                  std::string(util::gunzip_error_name(r.error)) + ")");
    }
  } else {
    out.raw = out.stored;
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
