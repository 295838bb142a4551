// BatchCommitter: takes one claimed batch from raw objects to committed lake files and warehouse
// rows, exactly once. The protocol (docs/decisions/0009-exactly-once-commit.md):
//
//   1. fetch   every object of the plan (bounded concurrency); a missing object, or one whose
//              ETag changed since it was listed, is recorded as vanished; one listed larger than
//              decode.max_object_bytes is not read and is recorded as failed (object_too_large);
//              one the source refuses while the source still answers is unreadable: it leaves
//              the batch, counting a refusal (Ledger::Cause::kRefused), and the rest goes on
//   2. archive the fetched objects to bronze: one tar archive per batch, one PUT (archive.h);
//              a retry is another batch and writes another archive
//   3. decode  each object on the thread that fetched it (after hashing and compressing its
//              bronze copy), then join the objects' events in plan order into one EventBatch,
//              and their quarantine records
//   4. commit  one database transaction: add the batch's event keys (CommittedKeys; the ones
//              already there are duplicates), build the silver files of the new events and the
//              quarantine file in memory, load the new events into the warehouse, record the
//              files in lake_file, and mark the objects and the batch committed
//              (BatchCommitLedger). Each transition checks the claim: a worker whose claim was
//              taken over commits nothing (LeaseLost).
//              The same transaction commits the batch's silver files to their Iceberg table:
//              it locks the table's iceberg_tables row, puts the new manifest, manifest list
//              and metadata JSON (named by no pointer yet) and moves the row to the new
//              version (SqlIcebergCatalog, docs/decisions/0012-iceberg-silver-tables.md).
//   5. publish write the staged files to the lake, then the table's version-hint.text (never
//              naming a version whose data files are not all in the lake) and the external
//              catalog, refresh the lake's copy of the manifest (SqlLakeManifest::publish_copy),
//              then mark the batch published
//
// A crash before 4 commits nothing (the claim passes to another attempt, ledger.h); a
// crash between 4 and 5 is repaired by republish_pending(), which rebuilds the identical files
// from bronze and the batch's recorded event keys.
#pragma once

#include <cstdint>
#include <exception>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "event/decoder.h"
#include "ingest/ledger.h"
#include "lake/iceberg/external_catalog.h"
#include "lake/silver_table_writer.h"
#include "store/object_store.h"
#include "warehouse/warehouse.h"

namespace tributary::ingest {

class BronzeSource;
class StagedWrites;

struct CommitOptions {
  event::DecodeOptions decode;
  lake::SilverWriteOptions silver;
  std::size_t fetch_concurrency = 4;
  // Load new events into the warehouse's star schema (false when the state database is only a
  // local state file).
  bool load_warehouse = true;
  // Replay (replay_source.h): objects are read from this bronze archive instead of the source
  // store, and their bronze copies keep the keys (and so the ingest dates) they have there.
  BronzeSource* replay_source = nullptr;
  // Whether step 2 writes the bronze copy; false only when replaying in place (the copy is
  // already where it would be written).
  bool write_archive = true;
  // ingest.max_refusals: an unreadable object is failed once the source has refused it this often.
  int max_refusals = 5;
  // Told after each silver table's new metadata is published (e.g. Glue); null for none.
  lake::iceberg::ExternalCatalog* external_catalog = nullptr;
};

struct BatchOutcome {
  std::size_t objects = 0;   // committed objects
  std::size_t vanished = 0;  // objects that disappeared before they could be read
  // Objects larger than decode.max_object_bytes: never read, marked failed with the reason.
  std::size_t too_large = 0;
  // Objects the source refused (FetchedObject::Read::kUnreadable), with why: given back to be
  // claimed again, or failed once refused max_refusals times.
  struct Unreadable {
    std::string key;
    std::string why;
  };
  std::vector<Unreadable> unreadable;
  std::uint64_t bytes = 0;   // raw bytes read
  std::uint64_t events = 0;  // valid events decoded
  std::uint64_t new_events = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t quarantined = 0;
  std::map<std::string, std::uint64_t> reasons;
  std::int64_t max_event_ts_ms = 0;
  std::size_t files = 0;            // silver and quarantine files published
  std::uint64_t bytes_written = 0;  // bytes of those files
  // The last rejected line of this batch per reason (for the status page), capped at
  // kQuarantineSampleBytes; `where` is "<source key>:<line number>".
  struct QuarantineSample {
    std::string where;
    std::string line;
  };
  static constexpr std::size_t kQuarantineSampleBytes = 240;
  std::map<std::string, QuarantineSample> samples;
  double commit_seconds = 0;          // the database transaction, begin to commit
  double warehouse_load_seconds = 0;  // loading new events into the star schema (0: none)
  // Set when the batch committed but step 5 failed (the lake refused a file, the database went
  // away before the batch was marked published): the batch stays committed-unpublished until
  // republish_pending() finishes it.
  std::exception_ptr publish_error;
};

// One object of a plan after steps 1 and 2.
struct FetchedObject {
  enum class Read : std::uint8_t {
    kOk,
    kVanished,  // deleted, or replaced by a newer version, before it could be read
    kTooLarge,  // not read: larger than decode.max_object_bytes
    // The source would not give this object (an error other than not-found, after the store
    // client's own retries) while it still answered: a listing right after the failure worked,
    // or the error itself was an answer (access denied). The fault is the object's, so it counts
    // a refusal against the object instead of stalling its whole batch, and the batch after,
    // forever. Not an attempt: a store's random errors must not fail objects at max_attempts.
    kUnreadable,
  };
  Read read = Read::kOk;
  std::string why;         // not kOk: what happened
  std::string bytes;       // emptied once decoded
  std::string bronze_key;  // the batch's archive (or, replaying in place, where it already is)
  std::string sha256;
};

// A batch after steps 1 to 3, ready to commit: what fetch_and_decode() hands to commit().
struct DecodedBatch {
  BatchPlan plan;
  std::vector<FetchedObject> fetched;  // in plan order
  event::EventBatch batch;             // every valid event of the plan's objects, in plan order
  std::vector<event::QuarantineRecord> rejects;
  std::vector<event::DecodeStats> stats;  // per object, in plan order
  BatchOutcome outcome;                   // the counts known before the commit
};

class BatchCommitter {
 public:
  BatchCommitter(store::ObjectStore& source, store::ObjectStore& lake, warehouse::Warehouse& state,
                 CommitOptions options);

  // Runs the protocol above for `plan`. Throws on failures that leave the batch to be retried
  // (store errors after retries, database errors, LeaseLost); nothing is committed then. Once
  // the commit is done it returns, with publish_error set if publishing failed.
  BatchOutcome process(const BatchPlan& plan);

  // process() in two steps, so that a worker can fetch and decode one batch while it commits the
  // one before (Ingester). fetch_and_decode() runs steps 1 to 3 and reads only the stores and the
  // options, so
  // it may run on any thread, alongside commit(); commit() runs steps 4 and 5 on the database
  // connection, on the thread that owns it. Both throw as process() does.
  DecodedBatch fetch_and_decode(const BatchPlan& plan);
  BatchOutcome commit(DecodedBatch decoded);

  // Publishes every batch that committed but did not publish (see above), or only those committed
  // before `committed_before_ms` and those of `own_worker`: a live worker publishes its own batch
  // moments after committing it, so a surviving worker only repairs the batches of one that died,
  // and its own whose publishing failed. Returns how many.
  std::size_t republish_pending(
      std::int64_t committed_before_ms = std::numeric_limits<std::int64_t>::max(),
      const std::string& own_worker = {});

 private:
  // Step 5, shared by commit() and republish_pending(): the staged files go to the lake, then
  // (when `files_changed`) the table's version hint and the manifest's lake copy, then the
  // batch is marked published.
  void publish(const BatchPlan& plan, StagedWrites& staged, bool files_changed);

  store::ObjectStore& source_;
  store::ObjectStore& lake_;
  warehouse::Warehouse& state_;
  CommitOptions options_;
};

}  // namespace tributary::ingest
