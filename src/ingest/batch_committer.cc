#include "ingest/batch_committer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <unordered_set>

#include "ingest/archive.h"
#include "ingest/committed_keys.h"
#include "ingest/iceberg_catalog.h"
#include "ingest/replay_source.h"
#include "ingest/sql_lake_manifest.h"
#include "ingest/staged_writes.h"
#include "lake/iceberg/silver_tables.h"
#include "lake/layout.h"
#include "store/s3_error.h"
#include "util/clock.h"
#include "util/log.h"

namespace tributary::ingest {
namespace {

using warehouse::SqlRow;
using warehouse::SqlValue;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Step 1 for one object read from the bronze archive (replay). The bronze key stays where the
// object is archived unless the object is archived again (write_archive).
FetchedObject fetch_from_bronze(BronzeSource& bronze, const ClaimedObject& o) {
  FetchedObject out;
  std::optional<BronzeFetch> got = bronze.fetch(o.key, o.etag);
  if (!got) {
    out.read = FetchedObject::Read::kVanished;
    out.why = "no longer in the bronze archive";
    return out;
  }
  out.bronze_key = std::move(got->bronze_key);
  out.bytes = std::move(got->raw);
  return out;
}

// Whether the source answers a listing of `key`: asked after a read of `key` failed with an error
// the store client gave up retrying (5xx, network, integrity; never throttling, always an
// outage), it tells the object's own fault (the store works) from an outage (it fails too).
bool source_lists(store::ObjectStore& source, std::string_view key) {
  try {
    source.list(key, {}, 1);
    return true;
  } catch (const store::StoreError&) {
    return false;
  }
}

// What the thread that fetched an object decoded from it (steps 1 to 3 run per object on the
// fetching threads, so decoding uses every core; the parts are joined in plan order later).
struct DecodedObjects {
  explicit DecodedObjects(const BatchPlan& plan)
      : events(plan.objects.size(), event::EventBatch(plan.stream)),
        rejects(plan.objects.size()),
        stats(plan.objects.size()),
        raw_bytes(plan.objects.size()) {}

  std::vector<event::EventBatch> events;
  std::vector<std::vector<event::QuarantineRecord>> rejects;
  std::vector<event::DecodeStats> stats;
  std::vector<std::uint64_t> raw_bytes;  // the object's size as read
};

std::vector<FetchedObject> fetch_archive_decode(store::ObjectStore& source,
                                                store::ObjectStore& lake, const BatchPlan& plan,
                                                const CommitOptions& options,
                                                DecodedObjects& decoded) {
  std::vector<FetchedObject> out(plan.objects.size());
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr error;  // fails the whole batch
  // Reads that failed other than with not-found: the objects' own fault or an outage, decided
  // once every object has been tried.
  struct Refusal {
    std::size_t index;
    std::exception_ptr error;
    store::StoreErrorCode code;
    std::string why;
  };
  std::vector<Refusal> refused;
  // Each object's archived form, made on the fetching thread (hashing and compressing are most
  // of step 2's work); the archive is assembled in plan order once every object is in.
  std::vector<BronzeMemberData> members(out.size());
  const std::string archive_key =
      lake::layout::bronze_archive_key(plan.stream, plan.ingest_date, plan.batch_id);
  const auto archive_member = [&](std::size_t i) {
    if (!options.write_archive) {
      out[i].sha256 = sha256_hex(out[i].bytes);
      return;
    }
    members[i] = bronze_member(out[i].bytes);
    out[i].sha256 = members[i].sha256;
    out[i].bronze_key = archive_key;
  };
  // The raw bytes are dropped once decoded: a batch holds its objects in memory only while its
  // threads work on them, and its events after.
  const auto decode = [&](event::ObjectDecoder& decoder, std::size_t i) {
    decoded.stats[i] =
        decoder.decode(plan.objects[i].key, out[i].bytes, decoded.events[i], decoded.rejects[i]);
    decoded.raw_bytes[i] = out[i].bytes.size();
    out[i].bytes = std::string();
  };
  auto work = [&] {
    event::ObjectDecoder decoder(plan.stream, options.decode);
    for (std::size_t i = next++; i < out.size(); i = next++) {
      const ClaimedObject& o = plan.objects[i];
      try {
        if (options.replay_source != nullptr) {
          out[i] = fetch_from_bronze(*options.replay_source, o);
          if (out[i].read == FetchedObject::Read::kOk) {
            archive_member(i);
            decode(decoder, i);
          }
          continue;
        }
        // A raw object is held whole in memory, so one larger than the decompressed size any object
        // may reach is not read at all: memory stays bounded by the configuration, whatever lands
        // in the bucket. (Its gzip form could not inflate within the limit either.)
        if (o.size > options.decode.max_object_bytes) {
          out[i].read = FetchedObject::Read::kTooLarge;
          out[i].why = "object_too_large: " + std::to_string(o.size) +
                       " bytes, more than decode.max_object_bytes (" +
                       std::to_string(options.decode.max_object_bytes) + "); not read";
          continue;
        }
        store::GetResult got;
        try {
          got = source.get(o.key);
        } catch (const store::StoreError& e) {
          if (e.code() == store::StoreErrorCode::kNotFound) {
            out[i].read = FetchedObject::Read::kVanished;
            out[i].why = "deleted before it could be read";
          } else {
            const std::lock_guard lock(error_mutex);
            refused.push_back({i, std::current_exception(), e.code(), util::redact(e.what())});
          }
          continue;
        }
        if (!o.etag.empty() && got.info.etag != o.etag) {
          // Overwritten since it was listed: the new content is a new ledger row (new ETag).
          out[i].read = FetchedObject::Read::kVanished;
          out[i].why = "replaced by a newer version (ETag " + got.info.etag + ")";
          continue;
        }
        out[i].bytes = std::move(got.body);
        archive_member(i);
        decode(decoder, i);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        next = out.size();
        return;
      }
    }
  };
  const std::size_t threads = std::clamp<std::size_t>(options.fetch_concurrency, 1, out.size());
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  // Step 2: one archive, one PUT, for the whole batch, once every object's fate is known. Its key
  // is the batch's own: a retry of these objects is another batch with another archive, and the
  // archive of a batch that never committed is referenced by no ledger row.
  const auto write_archive = [&] {
    if (!options.write_archive) return;
    lake::TarWriter archive;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i].read != FetchedObject::Read::kOk) continue;
      add_bronze_member(archive, plan.objects[i].key, plan.objects[i].etag, members[i]);
      members[i] = BronzeMemberData();
    }
    if (archive.size() > 0) lake.put(archive_key, archive.finish());
  };
  if (refused.empty()) {
    write_archive();
    return out;
  }
  // An object the store refuses while it answers counts a refusal against that object alone;
  // the rest of the batch goes on. Throttling is the store asking every client to slow down, never
  // one object's fault. After any other error the store client gave up retrying, one listing, once
  // every read was tried, tells whether the store still answers (a refusal such as access denied
  // is itself an answer).
  const auto first = [&](auto&& pred) {
    return std::find_if(refused.begin(), refused.end(),
                        [&](const Refusal& r) { return pred(r.code); });
  };
  if (const auto throttled =
          first([](store::StoreErrorCode c) { return c == store::StoreErrorCode::kThrottled; });
      throttled != refused.end()) {
    std::rethrow_exception(throttled->error);
  }
  if (const auto retryable = first(store::is_retryable);
      retryable != refused.end() && !source_lists(source, plan.objects[retryable->index].key)) {
    std::rethrow_exception(retryable->error);
  }
  for (const Refusal& r : refused) {
    out[r.index].read = FetchedObject::Read::kUnreadable;
    out[r.index].why = r.why;
  }
  write_archive();
  return out;
}

// `text` as an event key; the state database holds only keys tributary wrote, so anything else
// there is damage, not input.
event::EventKey stored_key(std::string_view text) {
  const std::optional<event::EventKey> key = event::EventKey::from_hex(text);
  if (!key) {
    throw std::runtime_error("the state database holds a malformed event key \"" +
                             std::string(text) + "\"");
  }
  return *key;
}

// The keys of `fresh` concatenated, 16 bytes each, as ingest_batch.new_event_keys holds them
// until the batch is published (republish_pending reads them back, as hex).
std::string concatenated_keys(const event::EventBatch& fresh) {
  std::string out(fresh.size() * 16, '\0');
  auto* at = reinterpret_cast<unsigned char*>(out.data());
  for (const event::EventKey& key : fresh.keys()) {
    key.write_bytes(at);
    at += 16;
  }
  return out;
}

// The rows of `batch` that bring the keys concatenated_keys() recorded, given as hex (the
// ledger reads them so): each key's first row (its inverse, for republishing).
NewRows rows_with_keys(const event::EventBatch& batch, std::string_view keys) {
  if (keys.size() % 32 != 0) {
    throw std::runtime_error("the state database holds a batch's new event keys cut short (" +
                             std::to_string(keys.size()) + " hex digits)");
  }
  std::unordered_set<event::EventKey, event::EventKeyHash> fresh;
  fresh.reserve(keys.size() / 32);
  for (std::size_t at = 0; at < keys.size(); at += 32)
    fresh.insert(stored_key(keys.substr(at, 32)));
  NewRows rows;
  rows.is_new.assign(batch.size(), 0);
  for (std::size_t row = 0; row < batch.size(); ++row) {
    if (fresh.erase(batch.keys()[row]) == 0) continue;
    rows.is_new[row] = 1;
    ++rows.count;
  }
  return rows;
}

// The rows of `batch` that `fresh` marks new, in batch order.
event::EventBatch select_new(event::EventBatch&& batch, const NewRows& fresh) {
  // eventsim's duplicates come in whole objects (its loop sends everything again), so a batch is
  // most often all new or all seen: neither needs a row-by-row copy.
  if (fresh.count == batch.size()) return std::move(batch);
  event::EventBatch out(batch.stream());
  for (std::size_t row = 0; row < batch.size();) {
    if (fresh.is_new[row] == 0) {
      ++row;
      continue;
    }
    std::size_t end = row + 1;
    while (end < batch.size() && fresh.is_new[end] != 0) ++end;
    out.append_rows(batch, row, end);
    row = end;
  }
  return out;
}

std::int64_t max_ts(const event::EventBatch& batch) {
  const auto& ts = batch.column(event::Field::kTs).i64;
  return ts.empty() ? 0 : *std::max_element(ts.begin(), ts.end());
}

// What stage_files() staged: the lake_file rows, and the silver ones as Iceberg data files.
struct StagedFiles {
  std::vector<lake::ManifestEntry> entries;
  std::vector<lake::iceberg::DataFile> data_files;  // in the order the writer finished them
};

// Stages the silver files of `fresh` and the quarantine file.
StagedFiles stage_files(StagedWrites& staged, const BatchPlan& plan, const event::EventBatch& fresh,
                        const std::vector<event::QuarantineRecord>& rejects,
                        lake::SilverWriteOptions options, const std::string& lake_uri) {
  StagedFiles out;
  // Called one file at a time (silver_table_writer.h), so the vector needs no lock.
  options.on_file = [&](const lake::ManifestEntry& e, const lake::parquet::FileMetrics& m) {
    out.data_files.push_back(lake::iceberg::silver_data_file(lake_uri, e, plan.stream, m));
  };
  if (!fresh.empty()) {
    out.entries = lake::SilverTableWriter(staged, options).write(fresh, plan.batch_id);
  }
  // Encoding threads finish files in any order; the manifest lists them by path, so that a
  // republish writes the same manifest.
  std::sort(out.data_files.begin(), out.data_files.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  if (!rejects.empty()) {
    const std::string key =
        lake::layout::quarantine_key(plan.stream, plan.ingest_date, plan.batch_id);
    const std::string body = quarantine_jsonl(rejects);
    staged.put(key, body);
    lake::ManifestEntry q;
    q.table = std::string(event::stream_name(plan.stream));
    q.partition = lake::layout::quarantine_partition(plan.ingest_date);
    q.key = key;
    q.rows = rejects.size();
    q.bytes = body.size();
    q.batch_id = plan.batch_id;
    out.entries.push_back(std::move(q));
  }
  return out;
}

// The Iceberg commit of the batch's silver files, inside its transaction (ADR 0012): locks the
// table's catalog row, appends a snapshot to the version it names, puts the new manifest,
// manifest list and metadata JSON into the lake (readers find them only through the catalog row
// or version-hint.text, neither of which names them yet; a rollback leaves them as orphans that a
// later commit of the same version overwrites), then moves the row to the new version. The data
// files and version-hint.text follow the COMMIT (publish).
void commit_snapshot(warehouse::SqlConnection& db, store::ObjectStore& lake, const BatchPlan& plan,
                     const StagedFiles& files, std::int64_t commit_ms) {
  if (files.data_files.empty()) return;
  const lake::iceberg::IcebergTable table = lake::iceberg::silver_table(lake.uri(), plan.stream);
  SqlIcebergCatalog catalog(db);
  const std::string previous = catalog.lock_current(plan.stream, /*create=*/true);
  const lake::iceberg::ReadFile read = [&](const std::string& uri) {
    return lake.get(lake_key(lake, uri)).body;
  };
  std::optional<lake::iceberg::TableState> current;
  if (!previous.empty()) {
    current = lake::iceberg::IcebergTable::parse_state(read(previous), previous);
  }
  const lake::iceberg::CommitResult next =
      table.commit_append(current, files.data_files,
                          {lake::iceberg::snapshot_id_for(
                               std::string(event::stream_name(plan.stream)) + "/" + plan.batch_id),
                           commit_ms},
                          read);
  for (const lake::iceberg::OutputFile& f : next.files) {
    if (f.path == "metadata/version-hint.text") continue;  // published after the data files
    lake.put(lake_key(lake, f.location), f.bytes);
  }
  catalog.swap(plan.stream, previous, next.state.metadata_location, next.state.version,
               plan.batch_id);
}

// Inserts the batch's event keys and returns its new events: the first occurrence of each key
// the state database did not hold (dedup against everything ever committed).
event::EventBatch deduplicate(warehouse::SqlConnection& db, event::EventBatch&& batch,
                              BatchOutcome& outcome) {
  const NewRows new_rows = CommittedKeys(db).add(batch);
  event::EventBatch fresh = select_new(std::move(batch), new_rows);
  outcome.new_events = fresh.size();
  outcome.duplicates = outcome.events - outcome.new_events;
  outcome.max_event_ts_ms = max_ts(fresh);
  return fresh;
}

void count_files(const std::vector<lake::ManifestEntry>& files, BatchOutcome& outcome) {
  outcome.files = files.size();
  for (const lake::ManifestEntry& f : files) outcome.bytes_written += f.bytes;
}

void load_warehouse(warehouse::WarehouseTransaction& txn, const event::EventBatch& fresh,
                    BatchOutcome& outcome) {
  if (fresh.empty()) return;
  const auto started = std::chrono::steady_clock::now();
  txn.load(fresh);
  outcome.warehouse_load_seconds = seconds_since(started);
}

// Every object of the plan ends its claim (committed, vanished, failed or given back), then the
// batch row; each transition throws LeaseLost when the claim was taken over.
void record_ledger(warehouse::SqlConnection& db, const DecodedBatch& decoded,
                   const event::EventBatch& fresh, BatchOutcome& outcome, int max_refusals) {
  const BatchPlan& plan = decoded.plan;
  BatchCommitLedger ledger(db, plan.batch_id, util::unix_time_ms());
  for (std::size_t i = 0; i < plan.objects.size(); ++i) {
    const ClaimedObject& o = plan.objects[i];
    const FetchedObject& f = decoded.fetched[i];
    switch (f.read) {
      case FetchedObject::Read::kOk:
        ++outcome.objects;
        ledger.object_committed(
            o, {decoded.stats[i].events, decoded.stats[i].quarantined, f.bronze_key, f.sha256});
        break;
      case FetchedObject::Read::kUnreadable:
        outcome.unreadable.push_back({o.key, f.why});
        util::log_error("object.unreadable", {{"key", o.key}, {"error", f.why}});
        ledger.object_refused(o, f.why, max_refusals);
        break;
      case FetchedObject::Read::kTooLarge:
        // Not retried: another attempt would refuse it again (after raising the limit, an
        // operator gives it back: docs/operations.md, poison object).
        ++outcome.too_large;
        util::log_error("object.too_large", {{"key", o.key}, {"error", f.why}});
        ledger.object_failed(o, f.why);
        break;
      case FetchedObject::Read::kVanished:
        ++outcome.vanished;
        ledger.object_vanished(o, f.why);
        break;
    }
  }
  ledger.batch_committed(
      {outcome.events, outcome.new_events, outcome.quarantined, outcome.max_event_ts_ms},
      concatenated_keys(fresh));
}

}  // namespace

BatchCommitter::BatchCommitter(store::ObjectStore& source, store::ObjectStore& lake,
                               warehouse::Warehouse& state, CommitOptions options)
    : source_(source), lake_(lake), state_(state), options_(std::move(options)) {}

DecodedBatch BatchCommitter::fetch_and_decode(const BatchPlan& plan) {
  DecodedBatch p{plan, {}, event::EventBatch(plan.stream), {}, {}, {}};
  BatchOutcome& outcome = p.outcome;
  DecodedObjects decoded(plan);
  p.fetched = fetch_archive_decode(source_, lake_, plan, options_, decoded);
  p.batch.append_batches(std::move(decoded.events));
  p.stats = std::move(decoded.stats);
  for (std::size_t i = 0; i < plan.objects.size(); ++i) {
    if (p.fetched[i].read != FetchedObject::Read::kOk) continue;
    std::move(decoded.rejects[i].begin(), decoded.rejects[i].end(), std::back_inserter(p.rejects));
    outcome.bytes += decoded.raw_bytes[i];
    outcome.events += p.stats[i].events;
    outcome.quarantined += p.stats[i].quarantined;
    for (const auto& [reason, n] : p.stats[i].reasons) outcome.reasons[reason] += n;
  }
  for (const event::QuarantineRecord& r : p.rejects) {
    outcome.samples[r.reason] = {r.source_key + ":" + std::to_string(r.line_number),
                                 r.line.substr(0, BatchOutcome::kQuarantineSampleBytes)};
  }
  return p;
}

BatchOutcome BatchCommitter::process(const BatchPlan& plan) {
  return commit(fetch_and_decode(plan));
}

BatchOutcome BatchCommitter::commit(DecodedBatch decoded) {
  const BatchPlan& plan = decoded.plan;
  BatchOutcome outcome = std::move(decoded.outcome);
  StagedWrites staged(lake_);
  const auto txn_started = std::chrono::steady_clock::now();
  warehouse::WarehouseTransaction txn(state_);
  const event::EventBatch fresh = deduplicate(txn.connection(), std::move(decoded.batch), outcome);
  // The silver files are encoded and staged while the warehouse loads the same events: neither
  // reads what the other writes (one writes the lake's staging area, the other the database),
  // and on a run with a warehouse they are the two largest parts of a commit. Until get(), the
  // encoding thread owns `staged`; the future waits for it on every path out of this scope.
  std::future<StagedFiles> silver = std::async(std::launch::async, [&] {
    return stage_files(staged, plan, fresh, decoded.rejects, options_.silver, lake_.uri());
  });
  if (options_.load_warehouse) load_warehouse(txn, fresh, outcome);
  const StagedFiles files = silver.get();
  count_files(files.entries, outcome);
  record_lake_files(txn.connection(), files.entries);
  record_ledger(txn.connection(), decoded, fresh, outcome, options_.max_refusals);
  // Last before COMMIT: the table's row stays locked only from here to the COMMIT.
  commit_snapshot(txn.connection(), lake_, plan, files, util::unix_time_ms());
  txn.commit();
  outcome.commit_seconds = seconds_since(txn_started);
  try {
    publish(plan, staged, !files.entries.empty());
  } catch (const std::exception&) {
    // Committed: the batch is done whatever happens next, so this is no batch failure; what is
    // left is to make its files visible, which republish_pending() redoes from bronze.
    outcome.publish_error = std::current_exception();
  }
  return outcome;
}

void BatchCommitter::publish(const BatchPlan& plan, StagedWrites& staged, bool files_changed) {
  staged.publish();
  if (files_changed) {
    SqlIcebergCatalog(state_.connection())
        .publish_hint(plan.stream, plan.batch_id,
                      lake::iceberg::silver_table(lake_.uri(), plan.stream).location(), lake_,
                      options_.external_catalog);
    SqlLakeManifest(state_.connection()).publish_copy(lake_);
  }
  Ledger(state_, {}).batch_published(plan.batch_id, util::unix_time_ms());
}

std::size_t BatchCommitter::republish_pending(std::int64_t committed_before_ms,
                                              const std::string& own_worker) {
  std::size_t republished = 0;
  for (const UnpublishedBatch& b :
       Ledger(state_, {}).unpublished(committed_before_ms, own_worker)) {
    // The batch as it committed: its objects in plan order, read back from bronze, and the rows
    // whose keys it inserted.
    event::ObjectDecoder decoder(b.plan.stream, options_.decode);
    event::EventBatch batch(b.plan.stream);
    std::vector<event::QuarantineRecord> rejects;
    std::string archive_key, archive;  // the batch's archive, read once
    std::vector<BronzeEntry> members;
    for (std::size_t i = 0; i < b.plan.objects.size(); ++i) {
      const ClaimedObject& o = b.plan.objects[i];
      const std::string& bronze_key = b.bronze_keys[i];
      if (!lake::layout::parse_bronze_archive_key(bronze_key)) {
        // One file per object (a lake written before per-batch archives): the decoder takes
        // its gzip or zstd form as it is.
        decoder.decode(o.key, lake_.get(bronze_key).body, batch, rejects);
        continue;
      }
      if (archive_key != bronze_key) {
        archive = lake_.get(bronze_key).body;
        members = read_bronze_archive(archive);
        archive_key = bronze_key;
      }
      const auto m = std::find_if(members.begin(), members.end(), [&](const BronzeEntry& e) {
        return e.source_key == o.key && e.etag == o.etag;
      });
      if (m == members.end()) {
        throw std::runtime_error("bronze archive " + bronze_key + " has no copy of " + o.key);
      }
      decoder.decode(o.key,
                     raw_from_bronze(archive.substr(m->offset, m->size), m->zstd_wrapped,
                                     bronze_key + ":" + o.key),
                     batch, rejects);
    }
    const NewRows new_rows = rows_with_keys(batch, b.new_event_keys);
    StagedWrites staged(lake_);
    // The batch's Iceberg metadata went into the lake before its COMMIT: only its data files
    // and the version hint are left to publish.
    stage_files(staged, b.plan, select_new(std::move(batch), new_rows), rejects, options_.silver,
                lake_.uri());
    publish(b.plan, staged, /*files_changed=*/true);
    util::log_info("batch.republished", {{"batch", b.plan.batch_id}});
    ++republished;
  }
  return republished;
}

}  // namespace tributary::ingest
