// bench/lake: raw eventsim NDJSON -> partitioned Parquet, tributary against DuckDB on the same
// input in the same run.
//
// 1. Builds --mb megabytes of listen_events NDJSON in 3 MB fluentd-sized objects from the real
//    sample, every event twice (duplicates are normal input), with ts and sessionId shifted per
//    copy so the events spread over many days (partitions) and sessions.
// 2. tributary (a child process running this program with --run-tributary): decode + validate +
//    event_key, then SilverTableWriter into a file:// lake, partitioned by event date, zstd; a
//    batch (--batch-rows) is decoded on every core while the previous one is written, and the
//    writer encodes partitions on every core. Every batch writes its own file per partition, so
//    smaller batches overlap more but write more, smaller files.
// 3. DuckDB (node + @duckdb/node-api, all cores): COPY (SELECT ... FROM read_json(...)) TO ...
//    (FORMAT parquet, PARTITION_BY (event_date), COMPRESSION zstd), with the same typed columns
//    (the SELECT is generated from the schema table), snake_case names, timestamps and the
//    source file name; node + DuckDB start-up is measured separately and subtracted.
// Prints the best of --rounds runs of each: wall and CPU time, MB/s, the ratios, output bytes and
// files, and each child's peak RSS.
//
// Usage: lake_bench [--mb 200] [--data tests/data] [--work DIR] [--node node] [--js tests/js]
//                   [--rounds 3] [--zstd-level 1] [--batch-rows 262144] [--keep]   (keep the input
//                   and both outputs in
//                   --work)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "event/decoder.h"
#include "lake/manifest.h"
#include "lake/silver_table_writer.h"
#include "store/open_store.h"
#include "util/file.h"

namespace {

using namespace tributary;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kChunkBytes = 3 << 20;

// Replaces the integer value of `"name":` in `line` by value + delta.
void shift_field(std::string& line, std::string_view name, std::int64_t delta) {
  const std::string key = "\"" + std::string(name) + "\":";
  const std::size_t at = line.find(key);
  if (at == std::string::npos) return;
  const std::size_t begin = at + key.size();
  std::size_t end = begin;
  while (end < line.size() && (line[end] == '-' || (line[end] >= '0' && line[end] <= '9'))) ++end;
  const std::int64_t v = std::stoll(line.substr(begin, end - begin));
  line.replace(begin, end - begin, std::to_string(v + delta));
}

std::uint64_t build_input(const fs::path& sample, const fs::path& dir, std::size_t total) {
  std::vector<std::string> lines;
  {
    std::ifstream in(sample);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines.push_back(line);
    }
  }
  if (lines.empty()) throw std::runtime_error("empty sample " + sample.string());
  fs::create_directories(dir / "listen_events");
  std::uint64_t bytes = 0;
  std::string object;
  int n = 0;
  auto flush = [&] {
    std::ofstream(dir / "listen_events" / ("2024010100_" + std::to_string(n++) + ".json"),
                  std::ios::binary)
        << object;
    object.clear();
  };
  for (std::int64_t copy = 0; bytes < total; ++copy) {
    // Copies 2k and 2k+1 are identical: every event arrives twice.
    const std::int64_t shift = copy / 2;
    for (std::string line : lines) {
      shift_field(line, "ts", shift * 3 * 3'600'000);
      shift_field(line, "sessionId", shift * 100'000);
      object.append(line).push_back('\n');
      bytes += line.size() + 1;
      if (object.size() >= kChunkBytes) flush();
    }
  }
  if (!object.empty()) flush();
  return bytes;
}

// Decodes a batch on every core (thread t takes the t-th run of the batch's objects) while
// the previous batch is written, as the ingester pipelines its stages; the writer encodes
// partitions on every core too. A batch is the next run of objects holding about `batch_rows`
// rows (estimated from the first object), so the split is deterministic.
int run_tributary(const fs::path& input, const std::string& lake_uri, int zstd_level,
                  std::size_t batch_rows) {
  auto lake = store::open_store(lake_uri);
  lake::StoreManifest manifest(*lake);
  lake::SilverWriteOptions options;
  options.parquet.zstd_level = zstd_level;
  lake::SilverTableWriter writer(*lake, options);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(input / "listen_events")) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw std::runtime_error("no input objects");

  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::unique_ptr<event::ObjectDecoder>> decoders;
  for (unsigned t = 0; t < threads; ++t) {
    decoders.push_back(std::make_unique<event::ObjectDecoder>(event::Stream::kListen));
  }
  std::array<std::vector<event::EventBatch>, 2> sets;
  for (auto& set : sets) set.assign(threads, event::EventBatch(event::Stream::kListen));
  std::vector<std::uint64_t> quarantined(threads, 0);

  std::size_t files_per_batch = 1;
  {
    event::EventBatch probe(event::Stream::kListen);
    std::vector<event::QuarantineRecord> q;
    decoders[0]->decode(files[0].string(), util::read_file(files[0]), probe, q);
    files_per_batch = std::max<std::size_t>(1, batch_rows / std::max<std::size_t>(1, probe.size()));
  }

  lake::ManifestChange change;
  std::future<std::vector<lake::ManifestEntry>> writing;
  auto collect = [&] {
    if (!writing.valid()) return;
    const auto written = writing.get();
    change.add.insert(change.add.end(), written.begin(), written.end());
  };
  std::size_t current = 0;
  for (std::size_t first = 0, batch_no = 0; first < files.size();
       first += files_per_batch, ++batch_no) {
    const std::size_t last = std::min(files.size(), first + files_per_batch);
    std::vector<event::EventBatch>& parts = sets[current];
    std::vector<std::thread> decoding;
    for (unsigned t = 0; t < threads; ++t) {
      decoding.emplace_back([&, t] {
        parts[t].clear();
        std::vector<event::QuarantineRecord> q;
        // Contiguous runs of objects, so the parts in order are the objects in order.
        const std::size_t n = last - first;
        for (std::size_t f = first + n * t / threads; f < first + n * (t + 1) / threads; ++f) {
          const std::string object = util::read_file(files[f]);
          quarantined[t] += decoders[t]->decode(files[f].string(), object, parts[t], q).quarantined;
          q.clear();
        }
      });
    }
    for (std::thread& d : decoding) d.join();
    collect();  // the previous batch's write, which overlapped this decode
    writing =
        std::async(std::launch::async, [&writer, &parts, id = "b" + std::to_string(batch_no)] {
          std::vector<const event::EventBatch*> pointers;
          for (const event::EventBatch& p : parts) pointers.push_back(&p);
          return writer.write(pointers, id);
        });
    current = 1 - current;
  }
  collect();
  manifest.commit(change);
  const std::uint64_t total_quarantined =
      std::accumulate(quarantined.begin(), quarantined.end(), std::uint64_t{0});
  if (total_quarantined != 0) {
    std::fprintf(stderr, "tributary quarantined %llu lines\n",
                 static_cast<unsigned long long>(total_quarantined));
    return 1;
  }
  return 0;
}

struct ChildResult {
  double seconds = 0;      // wall clock
  double cpu_seconds = 0;  // user + system
  long max_rss_kb = 0;
};

double seconds_of(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

// Runs argv to completion with its stdout discarded; throws unless it exits 0.
ChildResult run_child(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::fflush(stdout);  // or the child would write our buffered output again
  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (std::freopen("/dev/null", "w", stdout) == nullptr) _exit(127);
    execvp(args[0], args.data());
    std::perror("exec");
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) throw std::runtime_error("wait4 failed");
  ChildResult r;
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.cpu_seconds = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
  r.max_rss_kb = usage.ru_maxrss;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(argv[0] + " " + argv[1] + " failed");
  }
  return r;
}

struct Output {
  std::uint64_t bytes = 0;
  std::uint64_t files = 0;
};

Output parquet_output(const fs::path& dir) {
  Output o;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".parquet") {
      o.bytes += e.file_size();
      ++o.files;
    }
  }
  return o;
}

std::string duckdb_type(event::FieldType t) {
  switch (t) {
    case event::FieldType::kString:
      return "VARCHAR";
    case event::FieldType::kInt32:
      return "INTEGER";
    case event::FieldType::kInt64:
    case event::FieldType::kTimestampMs:
      return "BIGINT";
    case event::FieldType::kDouble:
      return "DOUBLE";
    case event::FieldType::kBool:
      return "BOOLEAN";
  }
  return "VARCHAR";
}

// The DuckDB statement equivalent to tributary's silver output for listen_events.
std::string duckdb_copy_sql(const fs::path& input, const fs::path& out) {
  std::string columns;
  std::string select;
  for (const event::StreamField& f : event::stream_fields(event::Stream::kListen)) {
    const std::string json(f.info().json_name);
    const std::string name(f.info().column_name);
    columns +=
        (columns.empty() ? "" : ", ") + ("'" + json + "': '" + duckdb_type(f.info().type) + "'");
    std::string expr = "\"" + json + "\"";
    if (f.info().type == event::FieldType::kTimestampMs)
      expr = "epoch_ms(" + expr + ")::TIMESTAMPTZ";
    if (f.info().strip_quotes) expr = "trim(" + expr + ", '\"')";
    select += expr + " AS " + name + ", ";
  }
  // md5 of the identity stands in for event_key (DuckDB has no XXH3): the same 32 hex digits.
  return "COPY (SELECT " + select +
         "md5(concat_ws('|', 'listen_events', \"ts\", \"sessionId\", \"itemInSession\", "
         "coalesce(\"userId\"::VARCHAR, ''))) AS event_key, filename AS source_key, "
         "CAST(epoch_ms(\"ts\") AS DATE) AS event_date FROM read_json('" +
         (input / "listen_events" / "*.json").string() +
         "', format = 'newline_delimited', filename = true, columns = {" + columns + "})) TO '" +
         out.string() + "' (FORMAT parquet, PARTITION_BY (event_date), COMPRESSION zstd)";
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 6 && std::string_view(argv[1]) == "--run-tributary") {
      return run_tributary(argv[2], argv[3], std::atoi(argv[4]),
                           std::strtoul(argv[5], nullptr, 10));
    }
    std::size_t mb = 200;
    fs::path data = "tests/data";
    fs::path work = fs::temp_directory_path() / ("lake_bench." + std::to_string(getpid()));
    std::string node = "node";
    fs::path js = "tests/js";
    int zstd_level = lake::parquet::WriterOptions{}.zstd_level;
    int rounds = 3;
    std::size_t batch_rows = 256 * 1024;
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      if (arg == "--keep") {
        keep = true;
        continue;
      }
      if (i + 1 == argc)
        throw std::invalid_argument("option " + std::string(arg) + " needs a value");
      const char* value = argv[++i];
      if (arg == "--mb") {
        mb = std::strtoul(value, nullptr, 10);
      } else if (arg == "--data") {
        data = value;
      } else if (arg == "--work") {
        work = value;
      } else if (arg == "--node") {
        node = value;
      } else if (arg == "--js") {
        js = value;
      } else if (arg == "--batch-rows") {
        batch_rows = std::max<std::size_t>(1, std::strtoul(value, nullptr, 10));
      } else if (arg == "--rounds") {
        rounds = std::max(1, std::atoi(value));
      } else if (arg == "--zstd-level") {
        zstd_level = std::atoi(value);
      } else {
        throw std::invalid_argument("unknown option " + std::string(arg));
      }
    }
    fs::remove_all(work);
    const fs::path input = work / "raw";
    const std::uint64_t bytes =
        build_input(data / "fluentd-s3-object_2023061719_20.json", input, mb << 20);
    const double input_mb = static_cast<double>(bytes) / (1 << 20);
    std::printf("input: %.1f MB of listen_events NDJSON (every event twice) in %s\n", input_mb,
                input.c_str());

    // Each engine runs `rounds` times on a fresh output directory; the fastest run counts (the
    // machine is shared, and slower runs measure the neighbours).
    const fs::path self = fs::read_symlink("/proc/self/exe");
    const std::string query = (js / "duckdb_query.mjs").string();
    const fs::path lake_dir = work / "tributary";
    const fs::path duck_dir = work / "duckdb";
    ChildResult t{1e9, 0, 0};
    ChildResult d{1e9, 0, 0};
    ChildResult startup{1e9, 0, 0};
    for (int round = 0; round < rounds; ++round) {
      fs::remove_all(lake_dir);
      fs::remove_all(duck_dir);
      const ChildResult tr = run_child({self.string(), "--run-tributary", input.string(),
                                        "file://" + lake_dir.string(), std::to_string(zstd_level),
                                        std::to_string(batch_rows)});
      if (tr.seconds < t.seconds) t = tr;
      const ChildResult sr = run_child({node, query, "SELECT 1"});
      if (sr.seconds < startup.seconds) startup = sr;
      const ChildResult dr = run_child({node, query, duckdb_copy_sql(input, duck_dir)});
      if (dr.seconds < d.seconds) d = dr;
    }
    const Output to = parquet_output(lake_dir / "silver");
    const Output dout = parquet_output(duck_dir);
    d.seconds -= startup.seconds;
    d.cpu_seconds -= startup.cpu_seconds;

    std::printf("%-10s %8s %8s %8s %8s %7s %12s\n", "engine", "wall s", "MB/s", "CPU s", "out MB",
                "files", "peak RSS MB");
    for (const auto& [name, r, o] :
         {std::tuple{"tributary", t, to}, std::tuple{"duckdb", d, dout}}) {
      std::printf("%-10s %8.2f %8.1f %8.2f %8.1f %7llu %12.0f\n", name, r.seconds,
                  input_mb / r.seconds, r.cpu_seconds, static_cast<double>(o.bytes) / (1 << 20),
                  static_cast<unsigned long long>(o.files),
                  static_cast<double>(r.max_rss_kb) / 1024);
    }
    std::printf(
        "tributary/duckdb: throughput %.2fx (wall), %.2fx (CPU); output size %.2f; best of %d; "
        "node+DuckDB start-up (%.2f s wall) subtracted\n",
        d.seconds / t.seconds, d.cpu_seconds / t.cpu_seconds,
        static_cast<double>(to.bytes) / static_cast<double>(dout.bytes), rounds, startup.seconds);
    if (!keep) fs::remove_all(work);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lake_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
