// `tributary status [--warehouse URI | --state URI]`: the ledger in numbers, lag, recent errors.
// Each time is given twice: epoch milliseconds for programs (`*_ms`) and ISO 8601 UTC for people
// (`*_utc`, "2023-06-17T19:00:00.902Z").
#include <cstdio>
#include <ctime>
#include <optional>

#include "cli/commands.h"
#include "ingest/ingest_config.h"
#include "ingest/ledger.h"
#include "util/clock.h"
#include "util/json_writer.h"
#include "warehouse/warehouse.h"
#include "warehouse/warehouse_uri.h"

namespace tributary::cli {
namespace {

struct StatusFlags {
  std::string warehouse;
  std::string state;  // empty: ingest::kDefaultStateFile in the working directory, as `run`
};

std::string utc_text(std::int64_t ms) {
  const std::int64_t seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  char text[48];
  std::snprintf(text, sizeof text, "%s.%03dZ", date, static_cast<int>(ms - seconds * 1000));
  return text;
}

// "<name>_ms" and "<name>_utc", both null when there is no such time.
void write_time(util::JsonWriter& w, const std::string& name, std::optional<std::int64_t> ms) {
  w.key(name + "_ms");
  if (ms) {
    w.value(*ms);
  } else {
    w.null();
  }
  w.key(name + "_utc");
  if (ms) {
    w.value(utc_text(*ms));
  } else {
    w.null();
  }
}

void run_status(const StatusFlags& flags) {
  // A mistyped path (or a directory where `run` never ran) is an error, not a ledger of zeros.
  std::string uri = flags.warehouse.empty() ? flags.state : flags.warehouse;
  if (uri.empty()) uri = warehouse::sqlite_uri_in_working_directory(ingest::kDefaultStateFile);
  const auto db = warehouse::Warehouse::open_existing(uri);
  // Status claims nothing, so the ledger's worker id goes unused.
  ingest::Ledger ledger(*db, "status");
  const ingest::LedgerSummary summary = ledger.summary();
  const std::int64_t now = util::unix_time_ms();
  std::string out;
  util::JsonWriter w(out);
  const ingest::LedgerCounts& o = summary.objects;
  w.begin_object().key("objects").begin_object();
  w.key("seen").value(o.seen).key("claimed").value(o.claimed).key("committed").value(o.committed);
  w.key("vanished").value(o.vanished).key("failed").value(o.failed).key("ignored").value(o.ignored);
  w.end_object().key("batches").begin_object();
  w.key("claimed").value(summary.batches.claimed).key("committed").value(summary.batches.committed);
  w.key("published").value(summary.batches.published);
  w.end_object();
  // The lag as `run` reports it (tributary_lag_seconds): since the oldest unprocessed object
  // landed in the source.
  const ingest::Ledger::Backlog backlog = ledger.backlog();
  w.key("oldest_unprocessed_age_s");
  if (backlog.objects > 0) {
    w.value(backlog.lag_seconds(now));
  } else {
    w.null();
  }
  write_time(w, "oldest_unprocessed_landed",
             backlog.objects > 0 ? std::optional(backlog.oldest_landed_ms) : std::nullopt);
  write_time(w, "newest_committed_event", summary.newest_committed_event_ms);
  w.key("events").begin_object();
  w.key("decoded").value(summary.decoded_events).key("new").value(summary.new_events);
  w.key("quarantined").value(summary.quarantined).end_object();
  w.key("recent_errors").begin_array();
  for (const ingest::LedgerSummary::Error& e : summary.recent_errors) {
    w.begin_object().key("key").value(e.key).key("status").value(e.status);
    w.key("attempts").value(e.attempts).key("error").value(e.message).end_object();
  }
  w.end_array().end_object();
  std::printf("%s\n", out.c_str());
}

}  // namespace

void add_status_command(CLI::App& app) {
  auto flags = std::make_shared<StatusFlags>();
  CLI::App* cmd = app.add_subcommand(
      "status",
      "Print the ingestion ledger as JSON: objects and batches by status, lag (age of the "
      "oldest unprocessed object since it landed in the source, by its LastModified; newest "
      "committed event), event totals and recent errors. Times are epoch ms (*_ms) and UTC "
      "(*_utc).");
  cmd->add_option("--warehouse", flags->warehouse, "The warehouse `run` used");
  cmd->add_option("--state", flags->state,
                  "The state database `run` used without a warehouse (default: "
                  "tributary-state.db in the working directory)");
  cmd->callback([flags] { run_status(*flags); });
}

}  // namespace tributary::cli
