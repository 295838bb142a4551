// warehouse_bench: rows/s loaded into the warehouse through tributary (staging, dimensions,
// facts, dim_user history, marts, all indexes) versus the floor for the same rows in the same
// run: the database's own CLI bulk-loading them as CSV into an unindexed table (`psql \copy` for
// PostgreSQL, `sqlite3 .import` for SQLite). A second reference, the keyed floor, is the same bulk
// load into a table whose only index is the primary key (date_key, event_key): the least any
// idempotent load pays, since it must find each event's key among those already stored.
//
//   warehouse_bench --data tests/data [--rows 500000] [--batch 50000] [--shift-ms 3600001]
//                   [--postgres postgresql://...] [--sqlite-dir /tmp]
//
// Input: the real fluentd listen object replicated with event times shifted by --shift-ms per copy
// (so every copy is a distinct event). The default, an hour and a millisecond, spreads the rows
// over weeks and several monthly partitions (the millisecond: the sample's events lie whole
// seconds apart, so whole-hour shifts gave some user two events at the same instant in one
// stream, which eventsim never does and which sends a load down its re-load path); a few
// seconds puts them all in one day, as a streaming run loads
// today's events batch after batch, which shows whether a load's cost grows with what the day
// already holds (the first and last quarter of the batches are timed separately).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "event/decoder.h"
#include "util/file.h"
#include "warehouse/calendar.h"
#include "warehouse/postgres_connection.h"
#include "warehouse/staging.h"
#include "warehouse/warehouse.h"

namespace {

using namespace tributary;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string data = "tests/data";
  std::size_t rows = 500000;
  std::size_t batch = 50000;
  std::int64_t shift_ms = 3600001;
  std::string postgres;
  std::string sqlite_dir = std::filesystem::temp_directory_path().string();
};

// The sample's lines with "ts" shifted by `shift_ms`.
std::string shifted(const std::string& sample, std::int64_t shift_ms) {
  std::string out;
  out.reserve(sample.size());
  std::size_t pos = 0;
  constexpr std::string_view kTs = "\"ts\":";
  for (std::size_t at = sample.find(kTs); at != std::string::npos; at = sample.find(kTs, pos)) {
    const std::size_t digits = at + kTs.size();
    std::size_t end = digits;
    while (end < sample.size() && sample[end] >= '0' && sample[end] <= '9') ++end;
    out.append(sample, pos, digits - pos);
    out += std::to_string(std::stoll(sample.substr(digits, end - digits)) + shift_ms);
    pos = end;
  }
  out.append(sample, pos);
  return out;
}

std::vector<event::EventBatch> make_batches(const Options& opts) {
  const std::string sample = util::read_file(opts.data + "/fluentd-s3-object_2023061719_20.json");
  event::ObjectDecoder decoder(event::Stream::kListen);
  std::vector<event::QuarantineRecord> quarantine;
  std::vector<event::EventBatch> batches;
  batches.emplace_back(event::Stream::kListen);
  std::size_t total = 0;
  for (std::int64_t copy = 0; total < opts.rows; ++copy) {
    event::EventBatch piece(event::Stream::kListen);
    decoder.decode("bench.json", shifted(sample, copy * opts.shift_ms), piece, quarantine);
    for (std::size_t row = 0; row < piece.size() && total < opts.rows; ++row, ++total) {
      if (batches.back().size() == opts.batch) batches.emplace_back(event::Stream::kListen);
      batches.back().append_row(piece, row);
    }
  }
  return batches;
}

void csv_text(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// The staging columns of every row as CSV (NULL as an empty unquoted field).
void write_csv(const std::vector<event::EventBatch>& batches, const std::string& path) {
  std::string out;
  for (const auto& batch : batches) {
    const event::Column& ts = batch.column(event::Field::kTs);
    for (std::size_t row = 0; row < batch.size(); ++row) {
      out += batch.keys()[row].hex();
      out += ',' + std::to_string(warehouse::date_key_of(ts.i64[row]));
      for (std::size_t c = 0; c < batch.fields().size(); ++c) {
        const event::Column& col = batch.column(c);
        out += ',';
        if (!col.is_valid(row)) continue;
        char buf[32];
        switch (col.type) {
          case event::FieldType::kString:
            csv_text(out, col.str.at(row));
            break;
          case event::FieldType::kInt32:
            out += std::to_string(col.i32[row]);
            break;
          case event::FieldType::kInt64:
          case event::FieldType::kTimestampMs:
            out += std::to_string(col.i64[row]);
            break;
          case event::FieldType::kDouble:
            std::snprintf(buf, sizeof buf, "%.17g", col.f64[row]);
            out += buf;
            break;
          case event::FieldType::kBool:
            out += col.b[row] ? "true" : "false";
            break;
        }
      }
      out += '\n';
    }
  }
  std::ofstream(path, std::ios::binary) << out;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct LoadTimes {
  double total_s = 0;
  double first_quarter_s = 0;  // the first quarter of the batches (at least one)
  double last_quarter_s = 0;   // the last quarter of the batches (at least one)
};

LoadTimes load_through_tributary(const std::string& uri,
                                 const std::vector<event::EventBatch>& batches) {
  auto wh = warehouse::Warehouse::open(uri);
  const std::size_t quarter = std::max<std::size_t>(1, batches.size() / 4);
  LoadTimes times;
  for (std::size_t i = 0; i < batches.size(); ++i) {
    const auto start = Clock::now();
    wh->load(batches[i]);
    const double s = seconds_since(start);
    times.total_s += s;
    if (i < quarter) times.first_quarter_s += s;
    if (i >= batches.size() - quarter) times.last_quarter_s += s;
  }
  return times;
}

// The best of three runs of `command` after `reset` (not timed): a bulk load's time swings by a
// third from run to run with the server's background writes, and the least is the floor's
// truest figure (and the least flattering ratio for tributary).
double best_of_three(const std::string& command, const std::function<void()>& reset) {
  double best = 0;
  for (int run = 0; run < 3; ++run) {
    reset();
    const auto start = Clock::now();
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
    const double s = seconds_since(start);
    best = run == 0 ? s : std::min(best, s);
  }
  return best;
}

// The floor table: the staging columns, no keys, no indexes; `keyed` adds the facts' primary key.
// The staging table as a plain table, with the types the CSV spells: SQLite's shell imports no
// bytes, so its event_key is the hex text; PostgreSQL's times are the milliseconds.
std::string floor_ddl(warehouse::Dialect dialect, bool keyed) {
  std::string ddl = warehouse::staging_ddl(event::Stream::kListen, dialect);
  const auto retype = [&](std::string_view from, std::string_view to) {
    for (std::size_t at = ddl.find(from); at != std::string::npos; at = ddl.find(from, at)) {
      ddl.replace(at, from.size(), to);
    }
  };
  retype("event_key BLOB", "event_key TEXT");
  retype("timestamptz", "bigint");
  ddl.replace(0, std::string_view("CREATE TEMP TABLE IF NOT EXISTS stage_listen_events").size(),
              keyed ? "CREATE TABLE keyed_floor_listen" : "CREATE TABLE floor_listen");
  if (keyed) ddl.insert(ddl.size() - 1, ", PRIMARY KEY (date_key, event_key)");
  return ddl;
}

// Deletes the benchmark's scratch files however the run ends.
struct ScratchFiles {
  std::vector<std::string> paths;
  ~ScratchFiles() {
    for (const std::string& p : paths) {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
  }
};

struct Floors {
  double plain_s = 0;  // into an unindexed table
  double keyed_s = 0;  // into a table keyed on (date_key, event_key)
};

void report(const char* name, std::size_t rows, const LoadTimes& tributary, const Floors& floor) {
  const double t = tributary.total_s;
  std::printf(
      "%-10s rows=%zu  tributary %.2f s = %.0f rows/s  floor %.2f s = %.0f rows/s  ratio %.2fx"
      "  last/first quarter of batches %.2fx\n"
      "%-10s keyed floor %.2f s = %.0f rows/s = %.2fx floor; tributary / keyed floor %.2fx\n",
      name, rows, t, rows / t, floor.plain_s, rows / floor.plain_s, t / floor.plain_s,
      tributary.last_quarter_s / tributary.first_quarter_s, "", floor.keyed_s, rows / floor.keyed_s,
      floor.keyed_s / floor.plain_s, t / floor.keyed_s);
}

}  // namespace

int main(int argc, char** argv) {
  Options opts;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--data")
      opts.data = value;
    else if (flag == "--rows")
      opts.rows = std::stoul(value);
    else if (flag == "--batch")
      opts.batch = std::stoul(value);
    else if (flag == "--shift-ms")
      opts.shift_ms = std::stoll(value);
    else if (flag == "--postgres")
      opts.postgres = value;
    else if (flag == "--sqlite-dir")
      opts.sqlite_dir = value;
    else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      return 64;
    }
  }
  try {
    const auto batches = make_batches(opts);
    const std::string tag = "tributary_bench_" + std::to_string(getpid());
    const std::string csv = opts.sqlite_dir + "/" + tag + ".csv";
    const std::string sqlite_db = opts.sqlite_dir + "/" + tag + ".db";
    const std::string floor_db = opts.sqlite_dir + "/" + tag + "_floor.db";
    const ScratchFiles scratch{{csv, sqlite_db, sqlite_db + "-wal", sqlite_db + "-shm", floor_db}};
    write_csv(batches, csv);
    std::printf("%zu listen rows in batches of %zu\n", opts.rows, opts.batch);

    const LoadTimes sqlite_s = load_through_tributary("sqlite://" + sqlite_db, batches);
    Floors sqlite_floor;
    for (const bool keyed : {false, true}) {
      (keyed ? sqlite_floor.keyed_s : sqlite_floor.plain_s) = best_of_three(
          "sqlite3 " + floor_db + " '" + floor_ddl(warehouse::Dialect::kSqlite, keyed) +
              "' '.import --csv " + csv + (keyed ? " keyed_floor_listen'" : " floor_listen'"),
          [&] { std::filesystem::remove(floor_db); });
    }
    report("sqlite", opts.rows, sqlite_s, sqlite_floor);

    if (!opts.postgres.empty()) {
      warehouse::PostgresConnection admin(warehouse::parse_warehouse_uri(opts.postgres));
      admin.execute_script("CREATE DATABASE " + tag);
      const std::string uri = opts.postgres.substr(0, opts.postgres.rfind('/') + 1) + tag;
      LoadTimes pg_s;
      Floors pg_floor;
      try {
        pg_s = load_through_tributary(uri, batches);
        warehouse::PostgresConnection db(warehouse::parse_warehouse_uri(uri));
        db.execute_script(floor_ddl(warehouse::Dialect::kPostgres, false));
        db.execute_script(floor_ddl(warehouse::Dialect::kPostgres, true));
        // psql gets the password through PGPASSWORD, never on its command line (ps shows that).
        const warehouse::WarehouseUri parsed = warehouse::parse_warehouse_uri(uri);
        std::string without_password = uri;
        if (!parsed.password_raw.empty()) {
          without_password.erase(without_password.find(":" + parsed.password_raw + "@"),
                                 parsed.password_raw.size() + 1);
          setenv("PGPASSWORD", parsed.password.c_str(), 1);
        }
        setenv("TRIBUTARY_BENCH_URI", without_password.c_str(), 1);
        for (const bool keyed : {false, true}) {
          const std::string table = keyed ? "keyed_floor_listen" : "floor_listen";
          (keyed ? pg_floor.keyed_s : pg_floor.plain_s) = best_of_three(
              "psql -q \"$TRIBUTARY_BENCH_URI\" -c '\\copy " + table + " FROM '" + csv + "' CSV'",
              [&] { db.execute_script("TRUNCATE " + table); });
        }
      } catch (...) {
        admin.execute_script("DROP DATABASE IF EXISTS " + tag + " WITH (FORCE)");
        throw;
      }
      admin.execute_script("DROP DATABASE IF EXISTS " + tag + " WITH (FORCE)");
      report("postgresql", opts.rows, pg_s, pg_floor);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "warehouse_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
