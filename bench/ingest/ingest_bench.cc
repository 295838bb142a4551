// End-to-end ingest: raw objects on file:// -> bronze + silver on a file:// lake + warehouse
// (SQLite, and PostgreSQL when --postgres is given), through the real Ingester.
//
//   ingest_bench --work DIR [--postgres URI] [--objects 24] [--events 8000]
//                [--fresh-objects 20] [--interval-ms 250]
//
// throughput: --objects objects of --events events each (listen and page-view samples replicated
//   with fresh sessionIds, so every event is new), half per stream, all present when the run
//   starts; events/s = new events committed and published / wall time of Ingester::run(until_idle).
//   Also "lake-only": no warehouse, the ledger and dedup keys in a SQLite state file (`run`
//   without --warehouse), the ingester's own ceiling.
// freshness: a producer PUTs one object of 1,000 events every --interval-ms while the ingester
// runs;
//   freshness of an object = its batch's published_ms (lake and warehouse both visible) minus the
//   time its PUT returned. "webhook" calls Ingester::hint() right after each PUT (what the
//   /hooks/minio handler and the SQS consumer do); "polling" relies on the 1 s listing poll alone.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ingest/ingester.h"
#include "server/ingest_telemetry.h"
#include "server/metrics.h"
#include "store/open_store.h"
#include "util/log.h"
#include "warehouse/warehouse.h"

namespace {

using namespace tributary;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string work;
  std::string postgres;
  std::string data = TRIBUTARY_BENCH_DATA;
  int objects = 24;
  int events = 8000;
  int fresh_objects = 20;
  int interval_ms = 250;
};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  if (lines.empty()) throw std::runtime_error("no sample lines in " + path);
  return lines;
}

// `n` events from `samples`, each with sessionId replaced by a fresh one (so none is a duplicate).
std::string object_body(const std::vector<std::string>& samples, int n, std::int64_t& session) {
  std::string out;
  out.reserve(static_cast<std::size_t>(n) * (samples[0].size() + 8));
  for (int i = 0; i < n; ++i) {
    const std::string& line = samples[static_cast<std::size_t>(i) % samples.size()];
    if (i % static_cast<int>(samples.size()) == 0) ++session;
    const auto at = line.find("\"sessionId\":");
    const auto end = line.find_first_of(",}", at + 12);
    out.append(line, 0, at + 12);
    out += std::to_string(1'000'000 + session);
    out.append(line, end, std::string::npos);
    out.push_back('\n');
  }
  return out;
}

std::string time_slice() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y%m%d%H", &tm);
  return buf;
}

// `warehouse` empty: the lake alone, with the ledger and dedup keys in a SQLite state file.
ingest::IngestConfig config_for(const std::string& dir, const std::string& warehouse) {
  ingest::IngestConfig c;
  c.source = "file://" + dir + "/raw";
  c.lake = "file://" + dir + "/lake";
  c.warehouse = warehouse;
  c.state = "sqlite://" + dir + "/state.db";
  c.streams = {event::Stream::kListen, event::Stream::kPageView};
  c.http_enabled = false;
  c.worker_id = "bench";
  ingest::finalize_config(c);
  return c;
}

void reset_postgres(const std::string& uri) {
  const auto db = warehouse::Warehouse::open(uri);
  db->connection().execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
}

std::string fresh_dir(const Options& o, const std::string& name) {
  const std::string dir = o.work + "/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/raw");
  return dir;
}

// The warehouse of a throughput run.
enum class Target { kSqlite, kPostgres, kLakeOnly };

void throughput(const Options& o, Target target, const std::vector<std::string>& listens,
                const std::vector<std::string>& views) {
  const std::string label = target == Target::kSqlite     ? "sqlite"
                            : target == Target::kPostgres ? "postgresql"
                                                          : "lake-only";
  const std::string dir = fresh_dir(o, "throughput-" + label);
  auto raw = store::open_store("file://" + dir + "/raw", {});
  std::int64_t session = 0;
  std::uint64_t bytes = 0;
  const std::string slice = time_slice();
  for (int i = 0; i < o.objects; ++i) {
    const bool listen = i % 2 == 0;
    const std::string body = object_body(listen ? listens : views, o.events, session);
    bytes += body.size();
    raw->put(std::string("Raw/") + (listen ? "listen_events/" : "page_view_events/") + slice + "_" +
                 std::to_string(i) + ".json",
             body);
  }
  std::string wh;
  if (target == Target::kSqlite) wh = "sqlite://" + dir + "/warehouse.db";
  if (target == Target::kPostgres) {
    wh = o.postgres;
    reset_postgres(wh);
  }
  server::MetricsRegistry metrics;
  server::IngestTelemetry telemetry(metrics);
  ingest::Ingester ingester(config_for(dir, wh), telemetry);
  const auto started = Clock::now();
  const std::clock_t cpu_started = std::clock();
  const ingest::IngestTotals t = ingester.run(true);
  const double s = std::chrono::duration<double>(Clock::now() - started).count();
  // This process's CPU time, all threads (a PostgreSQL server's own is not included).
  const double cpu = static_cast<double>(std::clock() - cpu_started) / CLOCKS_PER_SEC;
  std::printf(
      "throughput  %-10s objects %3llu  events %8llu  new %8llu  %6.2f s  %9.0f events/s  %6.1f "
      "MB/s  cpu %6.2f s  %9.0f events/cpu-s\n",
      label.c_str(), static_cast<unsigned long long>(t.objects),
      static_cast<unsigned long long>(t.events), static_cast<unsigned long long>(t.new_events), s,
      static_cast<double>(t.new_events) / s, static_cast<double>(bytes) / 1e6 / s, cpu,
      static_cast<double>(t.new_events) / cpu);
  std::fflush(stdout);
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const std::size_t i =
      std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

void freshness(const Options& o, const std::string& label, const std::string& warehouse_uri,
               bool webhook, const std::vector<std::string>& listens) {
  const std::string name = std::string("freshness-") + label + (webhook ? "-webhook" : "-polling");
  const std::string dir = fresh_dir(o, name);
  const std::string wh =
      warehouse_uri.empty() ? "sqlite://" + dir + "/warehouse.db" : warehouse_uri;
  if (!warehouse_uri.empty()) reset_postgres(warehouse_uri);
  server::MetricsRegistry metrics;
  server::IngestTelemetry telemetry(metrics);
  ingest::Ingester ingester(config_for(dir, wh), telemetry);
  std::thread loop([&] { ingester.run(false); });

  auto raw = store::open_store("file://" + dir + "/raw", {});
  std::map<std::string, std::int64_t> put_ms;  // key -> when its PUT returned
  std::int64_t session = 0;
  const std::string slice = time_slice();
  auto next = Clock::now();
  for (int i = 0; i < o.fresh_objects; ++i) {
    std::this_thread::sleep_until(next);  // the producer's pace, not synchronisation
    next += std::chrono::milliseconds(o.interval_ms);
    const std::string key = "Raw/listen_events/" + slice + "_" + std::to_string(i) + ".json";
    const store::ObjectInfo info = raw->put(key, object_body(listens, 1000, session));
    put_ms[key] = now_ms();
    if (webhook)
      ingester.hint({ingest::ObjectHint{"raw", key, info.etag, info.size, "ObjectCreated:Put"}});
  }
  // Wait for every object's batch to be published (bounded).
  const auto db = warehouse::Warehouse::open(wh);
  std::vector<double> seconds;
  for (const auto deadline = Clock::now() + std::chrono::seconds(60); Clock::now() < deadline;) {
    const auto rows = db->connection().query(
        "SELECT o.object_key, b.published_ms FROM ingest_object o JOIN ingest_batch b"
        " ON b.batch_id = o.batch_id WHERE b.status = 'published'");
    if (rows.size() == put_ms.size()) {
      for (const auto& r : rows) {
        seconds.push_back(static_cast<double>(std::stoll(*r[1]) - put_ms.at(*r[0])) / 1000.0);
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // polling the result, bounded
  }
  ingester.stop();
  loop.join();
  if (seconds.empty()) {
    std::printf("freshness   %-10s %-8s did not finish in 60 s\n", label.c_str(),
                webhook ? "webhook" : "polling");
    return;
  }
  std::printf("freshness   %-10s %-8s objects %3zu  p50 %6.3f s  p95 %6.3f s  max %6.3f s\n",
              label.c_str(), webhook ? "webhook" : "polling", seconds.size(),
              percentile(seconds, 0.5), percentile(seconds, 0.95),
              *std::max_element(seconds.begin(), seconds.end()));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--work")
      o.work = value;
    else if (flag == "--postgres")
      o.postgres = value;
    else if (flag == "--data")
      o.data = value;
    else if (flag == "--objects")
      o.objects = std::stoi(value);
    else if (flag == "--events")
      o.events = std::stoi(value);
    else if (flag == "--fresh-objects")
      o.fresh_objects = std::stoi(value);
    else if (flag == "--interval-ms")
      o.interval_ms = std::stoi(value);
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 64;
    }
  }
  if (o.work.empty()) {
    std::fprintf(stderr,
                 "usage: ingest_bench --work DIR [--postgres URI] [--objects N] [--events N]\n");
    return 64;
  }
  util::log_configure(util::LogFormat::kJson, util::LogLevel::kWarn);
  try {
    const auto listens = read_lines(o.data + "/listen_events.jsonl");
    const auto views = read_lines(o.data + "/page_view_events.jsonl");
    throughput(o, Target::kLakeOnly, listens, views);
    throughput(o, Target::kSqlite, listens, views);
    if (!o.postgres.empty()) throughput(o, Target::kPostgres, listens, views);
    for (bool webhook : {true, false}) {
      if (o.fresh_objects <= 0) break;
      freshness(o, "sqlite", "", webhook, listens);
      if (!o.postgres.empty()) freshness(o, "postgresql", o.postgres, webhook, listens);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ingest_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
