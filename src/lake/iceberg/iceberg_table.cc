#include "lake/iceberg/iceberg_table.h"

#include <xxhash.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <stdexcept>

#include "lake/iceberg/manifest_files.h"
#include "lake/iceberg/table_schema.h"

namespace tributary::lake::iceberg {
namespace {

// Metadata log entries kept, as Iceberg's default write.metadata.previous-versions-max.
constexpr std::size_t kMetadataLogMax = 100;

std::string manifest_list_path(std::int64_t snapshot_id) {
  return "metadata/snap-" + std::to_string(snapshot_id) + "-1.avro";
}

std::string manifest_path(std::int64_t snapshot_id) {
  return "metadata/" + std::to_string(snapshot_id) + "-m0.avro";
}

std::int64_t summary_total(const Snapshot* s, std::string_view key) {
  if (s == nullptr) return 0;
  const std::string* v = s->find_summary(key);
  std::int64_t n = 0;
  if (v == nullptr || std::from_chars(v->data(), v->data() + v->size(), n).ec != std::errc()) {
    throw std::runtime_error("iceberg: snapshot " + std::to_string(s->snapshot_id) +
                             " has no summary \"" + std::string(key) + "\"");
  }
  return n;
}

std::size_t changed_partitions(std::span<const DataFile> a, std::span<const DataFile> b = {}) {
  std::set<std::optional<std::int32_t>> days;
  for (const DataFile& f : a) days.insert(f.ts_day);
  for (const DataFile& f : b) days.insert(f.ts_day);
  return days.size();
}

std::int64_t records(std::span<const DataFile> files) {
  std::int64_t n = 0;
  for (const DataFile& f : files) n += f.record_count;
  return n;
}

std::int64_t bytes(std::span<const DataFile> files) {
  std::int64_t n = 0;
  for (const DataFile& f : files) n += f.file_size_in_bytes;
  return n;
}

// A manifest entry with what it inherits from its manifest filled in.
FileEntry resolved(FileEntry e, const ManifestFile& m) {
  if (!e.snapshot_id) e.snapshot_id = m.added_snapshot_id;
  if (e.status == EntryStatus::kAdded) {
    if (!e.sequence_number) e.sequence_number = m.sequence_number;
    if (!e.file_sequence_number) e.file_sequence_number = m.sequence_number;
  }
  if (!e.sequence_number || !e.file_sequence_number) {
    throw std::runtime_error("iceberg: manifest " + m.path + " has an entry for " + e.file.path +
                             " without the sequence numbers its status requires");
  }
  return e;
}

// Every entry of a snapshot's manifests, resolved, manifest by manifest.
std::vector<FileEntry> snapshot_entries(const Snapshot& s, const ReadFile& read,
                                        std::vector<ManifestFile>* manifests_out = nullptr) {
  const std::vector<ManifestFile> manifests = read_manifest_list(read(s.manifest_list));
  std::vector<FileEntry> out;
  for (const ManifestFile& m : manifests) {
    for (FileEntry& e : read_manifest(read(m.path))) out.push_back(resolved(std::move(e), m));
  }
  if (manifests_out != nullptr) *manifests_out = manifests;
  return out;
}

}  // namespace

std::set<std::string> live_data_files(const TableMetadata& metadata, const ReadFile& read) {
  std::set<std::string> manifests;
  for (const Snapshot& s : metadata.snapshots) {
    for (const ManifestFile& mf : read_manifest_list(read(s.manifest_list))) {
      manifests.insert(mf.path);
    }
  }
  std::set<std::string> out;
  for (const std::string& path : manifests) {
    for (const FileEntry& e : read_manifest(read(path))) {
      if (e.status != EntryStatus::kDeleted) out.insert(e.file.path);
    }
  }
  return out;
}

std::int64_t snapshot_id_for(std::string_view seed) {
  const std::uint64_t h = XXH3_64bits(seed.data(), seed.size());
  const auto id = static_cast<std::int64_t>(h & 0x7FFFFFFFFFFFFFFFULL);
  return id == 0 ? 1 : id;
}

std::string table_uuid_for(std::string_view seed) {
  const XXH128_hash_t h = XXH3_128bits(seed.data(), seed.size());
  std::uint8_t b[16];
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<std::uint8_t>(h.high64 >> (56 - 8 * i));
    b[8 + i] = static_cast<std::uint8_t>(h.low64 >> (56 - 8 * i));
  }
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xF]);
  }
  return out;
}

IcebergTable::IcebergTable(TableDefinition definition) : definition_(std::move(definition)) {
  if (definition_.location.empty() || definition_.location.back() == '/') {
    throw std::invalid_argument("iceberg: the table location must be a URI without a trailing /");
  }
  const std::vector<IcebergColumn> columns = iceberg_columns(definition_.columns);
  schema_json_ = schema_json(columns, 0);
  ts_column_id_ = ts_column_id(columns);
  for (const IcebergColumn& c : columns) last_column_id_ = std::max(last_column_id_, c.id);
}

OutputFile IcebergTable::file(std::string path, std::string bytes) const {
  std::string location = definition_.location + "/" + path;
  return {std::move(path), std::move(location), std::move(bytes)};
}

TableState IcebergTable::parse_state(std::string_view metadata_json,
                                     std::string metadata_location) {
  // .../metadata/v<N>.metadata.json
  constexpr std::string_view kSuffix = ".metadata.json";
  const std::size_t slash = metadata_location.rfind('/');
  const std::string_view name = std::string_view(metadata_location).substr(slash + 1);
  std::int64_t version = 0;
  const bool named =
      slash != std::string::npos && name.size() > kSuffix.size() + 1 && name.front() == 'v' &&
      name.ends_with(kSuffix) &&
      std::from_chars(name.data() + 1, name.data() + name.size() - kSuffix.size(), version).ptr ==
          name.data() + name.size() - kSuffix.size() &&
      version > 0;
  if (!named) {
    throw std::invalid_argument("iceberg: " + metadata_location +
                                " is not named .../v<N>.metadata.json");
  }
  return {parse_table_metadata(metadata_json), version, std::move(metadata_location)};
}

TableMetadata IcebergTable::next_metadata(const std::optional<TableState>& current,
                                          std::int64_t timestamp_ms) const {
  TableMetadata m;
  if (current) {
    m = current->metadata;
    if (m.table_uuid != definition_.table_uuid || m.location != definition_.location) {
      throw std::invalid_argument("iceberg: the table at " + current->metadata_location + " is " +
                                  m.table_uuid + " at " + m.location + ", not " +
                                  definition_.table_uuid + " at " + definition_.location);
    }
    if (m.schema_json != schema_json_) {
      throw std::invalid_argument("iceberg: the table's schema " + m.schema_json +
                                  " differs from the silver columns' " + schema_json_ +
                                  " (schema evolution is not supported)");
    }
    m.metadata_log.push_back({m.last_updated_ms, current->metadata_location});
    if (m.metadata_log.size() > kMetadataLogMax) {
      m.metadata_log.erase(m.metadata_log.begin(),
                           m.metadata_log.end() - static_cast<std::ptrdiff_t>(kMetadataLogMax));
    }
  } else {
    m.table_uuid = definition_.table_uuid;
    m.location = definition_.location;
    m.schema_json = schema_json_;
    m.ts_column_id = ts_column_id_;
    m.last_column_id = last_column_id_;
  }
  m.properties = definition_.properties;
  // last-updated-ms never goes back, even when the caller's clock does.
  m.last_updated_ms = std::max(m.last_updated_ms, timestamp_ms);
  return m;
}

CommitResult IcebergTable::finish(const std::optional<TableState>& current, TableMetadata metadata,
                                  std::vector<OutputFile> files) const {
  CommitResult out;
  out.state.version = current ? current->version + 1 : 1;
  const std::string json = table_metadata_json(metadata);
  files.push_back(file("metadata/v" + std::to_string(out.state.version) + ".metadata.json", json));
  out.state.metadata_location = files.back().location;
  files.push_back(file("metadata/version-hint.text", std::to_string(out.state.version)));
  out.state.metadata = std::move(metadata);
  out.files = std::move(files);
  return out;
}

CommitResult IcebergTable::finish_snapshot(const std::optional<TableState>& current,
                                           TableMetadata m, Snapshot s, std::int64_t sequence,
                                           OutputFile manifest, OutputFile list) const {
  m.last_sequence_number = sequence;
  m.current_snapshot_id = s.snapshot_id;
  m.snapshot_log.push_back({s.timestamp_ms, s.snapshot_id});
  m.snapshots.push_back(std::move(s));
  std::vector<OutputFile> out;
  out.push_back(std::move(manifest));
  out.push_back(std::move(list));
  return finish(current, std::move(m), std::move(out));
}

CommitResult IcebergTable::commit_append(const std::optional<TableState>& current,
                                         std::span<const DataFile> files,
                                         const SnapshotOptions& snapshot,
                                         const ReadFile& read) const {
  if (files.empty()) throw std::invalid_argument("iceberg: an append needs at least one file");
  for (const DataFile& f : files) {
    if (!f.path.starts_with(definition_.location + "/")) {
      throw std::invalid_argument("iceberg: " + f.path + " is outside the table location " +
                                  definition_.location);
    }
  }
  TableMetadata m = next_metadata(current, snapshot.timestamp_ms);
  if (snapshot.snapshot_id <= 0 || m.find_snapshot(snapshot.snapshot_id) != nullptr) {
    throw std::invalid_argument("iceberg: snapshot id " + std::to_string(snapshot.snapshot_id) +
                                " is not positive or already in the table");
  }
  const Snapshot* parent = m.current_snapshot();
  const std::int64_t sequence = m.last_sequence_number + 1;
  const ManifestContext context{schema_json_, partition_fields_json(ts_column_id_)};

  std::vector<FileEntry> entries;
  for (const DataFile& f : files) {
    entries.push_back({EntryStatus::kAdded, snapshot.snapshot_id, std::nullopt, std::nullopt, f});
  }
  OutputFile manifest = file(manifest_path(snapshot.snapshot_id), {});
  manifest.bytes = write_manifest(entries, context, manifest.location);
  ManifestFile listed;
  listed.path = manifest.location;
  listed.length = static_cast<std::int64_t>(manifest.bytes.size());
  listed.sequence_number = sequence;
  listed.min_sequence_number = sequence;
  listed.added_snapshot_id = snapshot.snapshot_id;
  listed.added_files = static_cast<std::int32_t>(files.size());
  listed.added_rows = records(files);
  listed.partitions = {summarize_partitions(entries)};

  std::vector<ManifestFile> manifests = {listed};
  if (parent != nullptr) {
    for (ManifestFile& kept : read_manifest_list(read(parent->manifest_list))) {
      manifests.push_back(std::move(kept));
    }
  }
  OutputFile list = file(manifest_list_path(snapshot.snapshot_id), {});
  list.bytes = write_manifest_list(manifests, snapshot.snapshot_id,
                                   parent ? std::optional(parent->snapshot_id) : std::nullopt,
                                   sequence, list.location);

  Snapshot s;
  s.snapshot_id = snapshot.snapshot_id;
  if (parent != nullptr) s.parent_snapshot_id = parent->snapshot_id;
  s.sequence_number = sequence;
  // last-updated-ms, not the caller's time: never before an earlier snapshot, so the snapshot
  // log stays ascending (readers reject one that goes back).
  s.timestamp_ms = m.last_updated_ms;
  s.manifest_list = list.location;
  s.summary = {
      {"operation", "append"},
      {"added-data-files", std::to_string(files.size())},
      {"added-records", std::to_string(records(files))},
      {"added-files-size", std::to_string(bytes(files))},
      {"changed-partition-count", std::to_string(changed_partitions(files))},
      {"total-records", std::to_string(summary_total(parent, "total-records") + records(files))},
      {"total-files-size",
       std::to_string(summary_total(parent, "total-files-size") + bytes(files))},
      {"total-data-files", std::to_string(summary_total(parent, "total-data-files") +
                                          static_cast<std::int64_t>(files.size()))},
      {"total-delete-files", "0"},
      {"total-position-deletes", "0"},
      {"total-equality-deletes", "0"},
  };
  return finish_snapshot(current, std::move(m), std::move(s), sequence, std::move(manifest),
                         std::move(list));
}

CommitResult IcebergTable::commit_replace(const TableState& current,
                                          std::span<const std::string> removed,
                                          std::span<const DataFile> added,
                                          const SnapshotOptions& snapshot,
                                          const ReadFile& read) const {
  if (removed.empty() || added.empty()) {
    throw std::invalid_argument("iceberg: a replace removes and adds at least one file each");
  }
  TableMetadata m = next_metadata(current, snapshot.timestamp_ms);
  const Snapshot* parent = m.current_snapshot();
  if (parent == nullptr) throw std::invalid_argument("iceberg: replace on a table without data");
  if (snapshot.snapshot_id <= 0 || m.find_snapshot(snapshot.snapshot_id) != nullptr) {
    throw std::invalid_argument("iceberg: snapshot id " + std::to_string(snapshot.snapshot_id) +
                                " is not positive or already in the table");
  }
  const std::int64_t sequence = m.last_sequence_number + 1;

  std::vector<FileEntry> live;
  for (FileEntry& e : snapshot_entries(*parent, read)) {
    if (e.status != EntryStatus::kDeleted) live.push_back(std::move(e));
  }
  std::map<std::string_view, const FileEntry*> by_path;
  for (const FileEntry& e : live) by_path[e.file.path] = &e;
  std::set<std::string_view> removing;
  std::vector<DataFile> removed_files;
  for (const std::string& path : removed) {
    const auto it = by_path.find(path);
    if (it == by_path.end() || !removing.insert(path).second) {
      throw std::invalid_argument("iceberg: replace removes " + path +
                                  ", which is not a live file of the current snapshot (or is "
                                  "named twice)");
    }
    removed_files.push_back(it->second->file);
  }
  for (const DataFile& f : added) {
    if (by_path.count(f.path) != 0 || !f.path.starts_with(definition_.location + "/")) {
      throw std::invalid_argument("iceberg: replace adds " + f.path +
                                  ", which is already in the table or outside its location");
    }
  }
  if (records(added) != records(removed_files)) {
    throw std::invalid_argument("iceberg: replace adds " + std::to_string(records(added)) +
                                " records for " + std::to_string(records(removed_files)) +
                                " removed: a compaction must keep every row");
  }

  std::vector<FileEntry> entries;
  ManifestFile listed;
  listed.min_sequence_number = sequence;
  for (const FileEntry& e : live) {
    if (removing.count(e.file.path) != 0) continue;
    FileEntry kept = e;
    kept.status = EntryStatus::kExisting;
    listed.existing_files += 1;
    listed.existing_rows += e.file.record_count;
    listed.min_sequence_number = std::min(listed.min_sequence_number, *e.sequence_number);
    entries.push_back(std::move(kept));
  }
  for (const DataFile& f : added) {
    entries.push_back({EntryStatus::kAdded, snapshot.snapshot_id, std::nullopt, std::nullopt, f});
    listed.added_files += 1;
    listed.added_rows += f.record_count;
  }
  for (const std::string& path : removed) {
    FileEntry gone = *by_path.at(path);
    gone.status = EntryStatus::kDeleted;
    gone.snapshot_id = snapshot.snapshot_id;
    listed.deleted_files += 1;
    listed.deleted_rows += gone.file.record_count;
    entries.push_back(std::move(gone));
  }
  const ManifestContext context{schema_json_, partition_fields_json(ts_column_id_)};
  OutputFile manifest = file(manifest_path(snapshot.snapshot_id), {});
  manifest.bytes = write_manifest(entries, context, manifest.location);
  listed.path = manifest.location;
  listed.length = static_cast<std::int64_t>(manifest.bytes.size());
  listed.sequence_number = sequence;
  listed.added_snapshot_id = snapshot.snapshot_id;
  listed.partitions = {summarize_partitions(entries)};
  OutputFile list = file(manifest_list_path(snapshot.snapshot_id), {});
  list.bytes = write_manifest_list({listed}, snapshot.snapshot_id, parent->snapshot_id, sequence,
                                   list.location);

  Snapshot s;
  s.snapshot_id = snapshot.snapshot_id;
  s.parent_snapshot_id = parent->snapshot_id;
  s.sequence_number = sequence;
  // last-updated-ms, not the caller's time: never before an earlier snapshot, so the snapshot
  // log stays ascending (readers reject one that goes back).
  s.timestamp_ms = m.last_updated_ms;
  s.manifest_list = list.location;
  const std::int64_t removed_count = static_cast<std::int64_t>(removed_files.size());
  s.summary = {
      {"operation", "replace"},
      {"added-data-files", std::to_string(added.size())},
      {"deleted-data-files", std::to_string(removed_count)},
      {"added-records", std::to_string(records(added))},
      {"deleted-records", std::to_string(records(removed_files))},
      {"added-files-size", std::to_string(bytes(added))},
      {"removed-files-size", std::to_string(bytes(removed_files))},
      {"changed-partition-count", std::to_string(changed_partitions(added, removed_files))},
      {"total-records", std::to_string(summary_total(parent, "total-records"))},
      {"total-files-size", std::to_string(summary_total(parent, "total-files-size") + bytes(added) -
                                          bytes(removed_files))},
      {"total-data-files", std::to_string(summary_total(parent, "total-data-files") +
                                          static_cast<std::int64_t>(added.size()) - removed_count)},
      {"total-delete-files", "0"},
      {"total-position-deletes", "0"},
      {"total-equality-deletes", "0"},
  };
  return finish_snapshot(current, std::move(m), std::move(s), sequence, std::move(manifest),
                         std::move(list));
}

CommitResult IcebergTable::expire_snapshots(const TableState& current, std::int64_t older_than_ms,
                                            std::int64_t now_ms, const ReadFile& read) const {
  std::vector<Snapshot> retained;
  std::vector<Snapshot> expired;
  for (const Snapshot& s : current.metadata.snapshots) {
    const bool keep =
        s.timestamp_ms >= older_than_ms || s.snapshot_id == current.metadata.current_snapshot_id;
    (keep ? retained : expired).push_back(s);
  }
  if (expired.empty()) return {current, {}, {}};

  // What the retained snapshots still reference.
  std::set<std::string> kept_manifests;
  std::set<std::string> kept_data;
  std::map<std::string, std::vector<FileEntry>> manifest_cache;
  auto entries_of = [&](const ManifestFile& mf) -> const std::vector<FileEntry>& {
    auto it = manifest_cache.find(mf.path);
    if (it == manifest_cache.end()) {
      std::vector<FileEntry> resolved_entries;
      for (FileEntry& e : read_manifest(read(mf.path))) {
        resolved_entries.push_back(resolved(std::move(e), mf));
      }
      it = manifest_cache.emplace(mf.path, std::move(resolved_entries)).first;
    }
    return it->second;
  };
  for (const Snapshot& s : retained) {
    for (const ManifestFile& mf : read_manifest_list(read(s.manifest_list))) {
      kept_manifests.insert(mf.path);
      for (const FileEntry& e : entries_of(mf)) {
        if (e.status != EntryStatus::kDeleted) kept_data.insert(e.file.path);
      }
    }
  }
  std::set<std::string> removable;
  for (const Snapshot& s : expired) {
    removable.insert(s.manifest_list);
    for (const ManifestFile& mf : read_manifest_list(read(s.manifest_list))) {
      if (kept_manifests.count(mf.path) == 0) removable.insert(mf.path);
      for (const FileEntry& e : entries_of(mf)) {
        if (e.status != EntryStatus::kDeleted && kept_data.count(e.file.path) == 0) {
          removable.insert(e.file.path);
        }
      }
    }
  }

  TableMetadata m = next_metadata(current, now_ms);
  std::set<std::int64_t> expired_ids;
  for (const Snapshot& s : expired) expired_ids.insert(s.snapshot_id);
  // The log keeps only what follows the last expired snapshot's entry.
  std::size_t first_kept = 0;
  for (std::size_t i = 0; i < m.snapshot_log.size(); ++i) {
    if (expired_ids.count(m.snapshot_log[i].snapshot_id) != 0) first_kept = i + 1;
  }
  m.snapshot_log.erase(m.snapshot_log.begin(),
                       m.snapshot_log.begin() + static_cast<std::ptrdiff_t>(first_kept));
  m.snapshots = std::move(retained);
  // A retained snapshot whose parent expired keeps the parent id: the specification allows a
  // parent that is no longer listed, and the lineage stays readable.
  CommitResult out = finish(current, std::move(m), {});
  out.removable.assign(removable.begin(), removable.end());
  return out;
}

}  // namespace tributary::lake::iceberg
