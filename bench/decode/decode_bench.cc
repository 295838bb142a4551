// bench/decode: single-core decode throughput of ObjectDecoder on eventsim data.
//
// Builds fluentd-sized objects (3 MB) from the real samples until the input reaches --mb
// megabytes, then decodes them all, plain and gzip, reporting MB/s (of decompressed JSON) and
// events/s. Usage: decode_bench [--mb 256] [--data tests/data] [--rounds 3]
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "event/decoder.h"
#include "util/file.h"
#include "util/gzip.h"

namespace {

using namespace tributary;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kChunkBytes = 3 << 20;  // fluentd's chunk limit in the reference setup

struct Input {
  event::Stream stream;
  std::vector<std::string> objects;
  std::size_t bytes = 0;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (nl > pos) lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

Input build_input(event::Stream stream, const std::string& sample, std::size_t total_bytes) {
  const std::vector<std::string> lines = lines_of(sample);
  Input in{stream, {}, 0};
  std::string object;
  std::size_t i = 0;
  while (in.bytes < total_bytes) {
    const std::string& line = lines[i++ % lines.size()];
    object.append(line).push_back('\n');
    in.bytes += line.size() + 1;
    if (object.size() >= kChunkBytes) in.objects.push_back(std::move(object)), object.clear();
  }
  if (!object.empty()) in.objects.push_back(std::move(object));
  return in;
}

struct Result {
  double seconds;
  std::uint64_t events;
  std::uint64_t quarantined;
};

Result decode_all(event::Stream stream, const std::vector<std::string>& objects) {
  event::ObjectDecoder decoder(stream);
  event::EventBatch batch(stream);
  std::vector<event::QuarantineRecord> quarantine;
  Result r{0, 0, 0};
  const auto start = Clock::now();
  for (const std::string& object : objects) {
    // One batch per object, as the ingester flushes micro-batches of a few objects.
    batch.clear();
    const event::DecodeStats stats = decoder.decode("bench", object, batch, quarantine);
    r.events += stats.events;
    r.quarantined += stats.quarantined;
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return r;
}

Result best_of(int rounds, event::Stream stream, const std::vector<std::string>& objects) {
  Result best{1e30, 0, 0};
  for (int i = 0; i < rounds; ++i) {
    Result r = decode_all(stream, objects);
    if (r.seconds < best.seconds) best = r;
  }
  return best;
}

void report(const char* name, const char* kind, const Input& in, const Result& r,
            std::size_t compressed_bytes) {
  const double mb = static_cast<double>(in.bytes) / 1e6;
  std::printf("%-18s %-5s %8.1f MB  %6.3f s  %8.1f MB/s  %6.2f M events/s", name, kind, mb,
              r.seconds, mb / r.seconds, static_cast<double>(r.events) / r.seconds / 1e6);
  if (compressed_bytes) {
    std::printf("  (%.1f MB gzip, %.1f MB/s compressed)",
                static_cast<double>(compressed_bytes) / 1e6,
                static_cast<double>(compressed_bytes) / 1e6 / r.seconds);
  }
  std::printf("%s\n", r.quarantined ? "  QUARANTINED LINES: input is not clean" : "");
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t mb = 256;
  std::string data = "tests/data";
  int rounds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view arg = argv[i];
    if (arg == "--mb") mb = std::strtoul(argv[i + 1], nullptr, 10);
    if (arg == "--data") data = argv[i + 1];
    if (arg == "--rounds") rounds = std::atoi(argv[i + 1]);
  }
  struct Sample {
    const char* file;
    event::Stream stream;
  };
  const Sample samples[] = {
      {"fluentd-s3-object_2023061719_20.json", event::Stream::kListen},
      {"page_view_events.jsonl", event::Stream::kPageView},
  };
  std::printf("decode throughput, one core, best of %d; input %zu MB per stream in 3 MB objects\n",
              rounds, mb);
  for (const Sample& s : samples) {
    const Input in = build_input(s.stream, util::read_file(data + "/" + s.file), mb * 1000 * 1000);
    report(s.file, "plain", in, best_of(rounds, s.stream, in.objects), 0);
    std::vector<std::string> zipped;
    std::size_t zipped_bytes = 0;
    for (const std::string& o : in.objects) {
      zipped.push_back(util::gzip_compress(o, Z_DEFAULT_COMPRESSION));
      zipped_bytes += zipped.back().size();
    }
    report(s.file, "gzip", in, best_of(rounds, s.stream, zipped), zipped_bytes);
  }
  return 0;
}
