// warehouse_load_files URI FILE...: decodes raw event files (the stream comes from each path, as
// in `tributary validate`) and loads each into the warehouse, printing
// {"file","stream","new","duplicates"} per file. A test tool for the oracle and CLI tests, until
// `tributary run` exists.
#include <cstdio>
#include <exception>

#include "event/decoder.h"
#include "util/file.h"
#include "util/json_writer.h"
#include "warehouse/warehouse.h"

int main(int argc, char** argv) {
  using namespace tributary;
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s WAREHOUSE_URI FILE...\n", argv[0]);
    return 64;
  }
  try {
    auto wh = warehouse::Warehouse::open(argv[1]);
    for (int i = 2; i < argc; ++i) {
      const auto stream = event::stream_from_path(argv[i]);
      if (!stream) throw std::runtime_error(std::string("no stream in the path ") + argv[i]);
      event::ObjectDecoder decoder(*stream);
      event::EventBatch batch(*stream);
      std::vector<event::QuarantineRecord> quarantine;
      decoder.decode(argv[i], util::read_file(argv[i]), batch, quarantine);
      const warehouse::StreamLoadCounts counts = wh->load(batch);
      std::string out;
      util::JsonWriter w(out);
      w.begin_object()
          .key("file")
          .value(argv[i])
          .key("stream")
          .value(event::stream_name(*stream))
          .key("new")
          .value(counts.new_rows)
          .key("duplicates")
          .value(counts.duplicates)
          .end_object();
      std::printf("%s\n", out.c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "warehouse_load_files: %s\n", e.what());
    return 1;
  }
  return 0;
}
