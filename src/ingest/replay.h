// replay_from_bronze(): `tributary replay --from-bronze`. Rebuilds silver, quarantine and the
// warehouse from the lake's bronze archive alone (the raw bucket may be gone), by running the
// ingester on a BronzeSource (replay_source.h): same ledger, same exactly-once BatchCommitter, same
// decoding, so lineage (source_key) and event identity are those of the original ingest.
//
// Targets:
//  - a fresh lake (to_lake): bronze objects are copied there under their keys, then silver and
//    quarantine are written as by `run`;
//  - in place (no to_lake, or to_lake == lake): bronze is left as it is; new silver and quarantine
//    files are written beside the old ones and, only once every selected object is committed and
//    published, the old files of the replayed streams (those not in the target warehouse's
//    lake_file) are deleted. In place replays whole streams: since/until are refused, as old
//    silver files mix events of every ingest date. Each stream's Iceberg table is built anew
//    at its location: the old table's metadata/ is deleted when the replay starts (unless the
//    target's catalog already has the table: a resumed replay), so Iceberg readers see no table
//    until the replay's first commit of the stream.
// The target warehouse holds the replay's ledger, so an interrupted replay resumes where it
// stopped when run again with the same arguments. A warehouse that already holds the events
// (e.g. the original one) makes the replay a no-op: every event is a duplicate.
#pragma once

#include <string>

#include "ingest/ingest_config.h"
#include "ingest/ingest_observer.h"
#include "ingest/ingester.h"
#include "ingest/replay_source.h"
#include "util/progress.h"

namespace tributary::ingest {

struct ReplayOptions {
  // config.lake is the lake whose bronze is read; config.warehouse the target warehouse
  // (required); config.source is ignored.
  IngestConfig config;
  std::string to_lake;  // empty: in place
  // State database (warehouse URI) of the original ingest: its ledger maps bronze keys to raw
  // keys exactly. Empty: raw keys come from bronze names and bronze.raw_prefix.
  std::string ledger;
  BronzeSourceOptions bronze;  // streams are taken from config.streams
  // When set, shows objects replayed out of those selected (see Ingester::set_progress).
  util::Progress* progress = nullptr;
};

struct ReplayResult {
  IngestTotals totals;
  std::size_t bronze_objects = 0;   // selected archived objects
  std::size_t unparsed_names = 0;   // bronze keys that are not archive names (skipped)
  std::size_t replaced_files = 0;   // old silver/quarantine files deleted (in place)
  std::uint64_t not_committed = 0;  // selected objects not committed at the end (failed)
  bool in_place = false;
};

// Runs the replay to completion. Throws std::exception with a one-line reason on bad options or
// when the replay could not start; objects that fail are counted in not_committed (and then old
// files are not replaced).
ReplayResult replay_from_bronze(ReplayOptions options, IngestObserver& observer);

}  // namespace tributary::ingest
