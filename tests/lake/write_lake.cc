// Test tool: decodes raw event files and writes them into a lake as silver files under one batch
// id, committing them to the lake manifest, so the CLI tests have a lake to work on.
//
//   write_lake LAKE_URI BATCH_ID FILE...   (each file's stream comes from its path)
#include <cstdio>
#include <exception>
#include <map>
#include <string>
#include <vector>

#include "event/decoder.h"
#include "lake/manifest.h"
#include "lake/silver_table_writer.h"
#include "store/open_store.h"
#include "util/file.h"

int main(int argc, char** argv) {
  using namespace tributary;
  if (argc < 4) {
    std::fprintf(stderr, "usage: write_lake LAKE_URI BATCH_ID FILE...\n");
    return 2;
  }
  try {
    auto lake = store::open_store(argv[1]);
    std::map<event::Stream, event::EventBatch> batches;
    for (int i = 3; i < argc; ++i) {
      const auto stream = event::stream_from_path(argv[i]);
      if (!stream) throw std::runtime_error(std::string("no stream in path ") + argv[i]);
      auto it = batches.try_emplace(*stream, *stream).first;
      std::vector<event::QuarantineRecord> quarantine;
      event::ObjectDecoder(*stream).decode(argv[i], util::read_file(argv[i]), it->second,
                                           quarantine);
    }
    lake::ManifestChange change;
    for (const auto& [stream, batch] : batches) {
      const auto files = lake::SilverTableWriter(*lake).write(batch, argv[2]);
      change.add.insert(change.add.end(), files.begin(), files.end());
    }
    lake::StoreManifest(*lake).commit(change);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "write_lake: %s\n", e.what());
    return 1;
  }
  return 0;
}
