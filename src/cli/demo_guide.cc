#include "cli/demo_guide.h"

#include <system_error>

#include "store/open_store.h"

namespace tributary::cli {

DemoPaths::DemoPaths(const std::string& dir_option) {
  dir = std::filesystem::absolute(dir_option).lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();  // "demo/" -> "demo"
  raw = dir / "raw";
  lake = dir / "lake";
  warehouse_db = dir / "warehouse.db";
  raw_uri = store::file_store_uri(raw);
  lake_uri = store::file_store_uri(lake);
  warehouse_uri = "sqlite://" + warehouse_db.string();
}

std::string where_to_look(const DemoPaths& p, const std::string& program,
                          const std::string& demo_options) {
  const std::string dir = p.dir.string(), db = p.warehouse_db.string();
  std::string out;
  out += "\nWhere to look (all under " + dir + "):\n";
  out += "  raw bucket  " + p.raw.string() + "/Raw/<stream>/  fluentd-style objects\n";
  out += "  lake        " + p.lake.string() + "/bronze/  exact copies of the raw objects\n";
  out += "              " + p.lake.string() +
         "/silver/<stream>/event_date=YYYY-MM-DD/  Parquet, deduplicated\n";
  std::error_code ec;
  if (std::filesystem::is_directory(p.lake / "quarantine", ec)) {
    out += "              " + p.lake.string() + "/quarantine/  rejected lines with reasons\n";
  }
  out += "  warehouse   " + db + "  SQLite star schema, daily marts, BI views\n";
  out += "  report      " + dir + "/report.html  open it in a browser: charts and a map\n";
  out += "              " + dir + "/report.json  the same answers as JSON\n";
  out += "\nExplore the warehouse (views v_listens, v_page_views; marts mart_song_daily,\n";
  out += "mart_location_daily, mart_user_daily; facts fact_*, dimensions dim_*):\n";
  out += "  sqlite3 -header -column " + db +
         " \"SELECT artist, song, count(*) AS plays FROM v_listens"
         " GROUP BY artist, song ORDER BY plays DESC LIMIT 10\"\n";
  out += "  sqlite3 -header -column " + db +
         " \"SELECT city, state, count(*) AS page_views FROM v_page_views"
         " GROUP BY city, state ORDER BY page_views DESC LIMIT 10\"\n";
  out += "  sqlite3 -header -column " + db +
         " \"SELECT user_id, first_name, last_name, round(sum(duration_s) / 3600, 2) AS hours"
         " FROM v_listens WHERE user_id IS NOT NULL GROUP BY user_id ORDER BY hours DESC"
         " LIMIT 10\"\n";
  out += "  sqlite3 -header -column " + db +
         " \"SELECT d.date, sum(m.plays) AS plays FROM mart_song_daily m"
         " JOIN dim_date d USING (date_key) GROUP BY d.date ORDER BY d.date\"\n";
  out += "\nExplore the lake with DuckDB (" + dir +
         "/duckdb.sql holds a view over silver per stream):\n";
  out += "  duckdb -init " + dir + "/duckdb.sql\n";
  out +=
      "  D SELECT artist, song, count(*) AS plays FROM listen_events GROUP BY ALL"
      " ORDER BY plays DESC LIMIT 10;\n";
  out += "\nThe ingestion ledger (objects, batches, lag, errors):\n";
  out += "  " + program + " status --warehouse " + p.warehouse_uri + "\n";
  out += "The live status page (stages, throughput, quarantine, top lists) as more data arrives:\n";
  out += "run in one terminal, generate in another, then open http://127.0.0.1:8080/\n";
  out += "  " + program + " run --source " + p.raw_uri + " --lake " + p.lake_uri + " --warehouse " +
         p.warehouse_uri + " --listen 127.0.0.1:8080\n";
  out += "  " + program + " generate --store " + p.raw_uri +
         " --from-days 0.01 --realtime --speed 60\n";
  out += "\nRun `" + program + " demo --dir " + dir + demo_options +
         "` again to continue this demo (nothing is duplicated).\n";
  return out;
}

}  // namespace tributary::cli
