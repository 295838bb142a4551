// `tributary run --source URI --lake URI [--warehouse URI] [--config FILE] [--until-idle]`:
// follows the raw bucket and keeps the lake and the warehouse complete (src/ingest).
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "cli/glue_catalog_option.h"
#include "ingest/ingester.h"
#include "ingest/ledger.h"
#include "ingest/sqs_consumer.h"
#include "server/cloudwatch_emf.h"
#include "server/ingest_telemetry.h"
#include "server/operations_server.h"
#include "server/status_board.h"
#include "util/clock.h"
#include "util/json_writer.h"
#include "util/log.h"
#include "util/progress.h"
#include "warehouse/location_coordinates.h"
#include "warehouse/recent_period.h"
#include "warehouse/report.h"
#include "warehouse/report_format.h"
#include "warehouse/report_html.h"

namespace tributary::cli {
namespace {

struct RunFlags {
  std::string config;
  std::string source, lake, warehouse, state, listen, worker_id;
  bool until_idle = false;
  bool no_http = false;
  bool progress = false;
};

// What the status page and /report show of the warehouse. A connection of its own, so HTTP
// threads never share the ingest loop's; one query at a time.
class WarehousePages {
 public:
  static constexpr int kRecentDays = 30;  // the status page's "current" top lists

  explicit WarehousePages(const std::string& uri) : warehouse_(warehouse::Warehouse::open(uri)) {}

  std::string top_lists_json() {
    std::lock_guard lock(mutex_);
    warehouse_->ensure_connected();  // the server may have restarted since the last page
    return warehouse::report_json(warehouse::run_report(warehouse_->connection(), options(5)));
  }
  std::string report_page() {
    std::lock_guard lock(mutex_);
    warehouse_->ensure_connected();
    warehouse::SqlConnection& db = warehouse_->connection();
    return warehouse::report_html(warehouse::run_report(db, options(10)),
                                  warehouse::location_coordinates(db));
  }

 private:
  warehouse::ReportOptions options(std::int64_t top) {
    warehouse::ReportOptions o;
    const auto now = util::unix_time_ms();
    o.period = warehouse::recent_period(ingest::Ledger(*warehouse_, {}).newest_committed_event_ms(),
                                        kRecentDays, now);
    o.top = top;
    return o;
  }

  std::mutex mutex_;
  std::unique_ptr<warehouse::Warehouse> warehouse_;
};

// The lag as CloudWatch metrics (server/cloudwatch_emf.h) when TRIBUTARY_CLOUDWATCH_NAMESPACE is
// set: the backlog from the ledger on a connection of its own, so that it keeps counting while the
// ingest loop is stuck in a batch; the newest event from the gauge the loop sets at each commit.
std::unique_ptr<server::CloudWatchEmf> start_cloudwatch_emf(const ingest::IngestConfig& config,
                                                            server::MetricsRegistry& metrics) {
  std::string name_space = server::cloudwatch_namespace_from_environment();
  if (name_space.empty()) return nullptr;
  auto state = std::shared_ptr<warehouse::Warehouse>(
      warehouse::Warehouse::open(config.warehouse.empty() ? config.state : config.warehouse));
  std::vector<server::Gauge*> newest;
  for (event::Stream s : config.streams) {
    newest.push_back(&metrics.gauge("tributary_newest_event_timestamp_seconds",
                                    "Event time of the newest committed event",
                                    {{"stream", std::string(event::stream_name(s))}}));
  }
  return std::make_unique<server::CloudWatchEmf>(
      std::move(name_space), std::chrono::minutes(1), [state, newest, &config] {
        state->ensure_connected();
        const ingest::Ledger::Backlog backlog = ingest::Ledger(*state, config.worker_id).backlog();
        server::LagReading r;
        r.lag_seconds = backlog.lag_seconds(util::unix_time_ms());
        r.pending_objects = backlog.objects;
        for (const server::Gauge* g : newest) {
          if (g->value() > 0 && (!r.newest_event_seconds || g->value() > *r.newest_event_seconds))
            r.newest_event_seconds = g->value();
        }
        return r;
      });
}

// Blocks SIGINT and SIGTERM in every thread and turns them into a clean stop() on a thread of
// their own, so a batch in progress finishes (or is rolled back) rather than being torn apart.
class StopOnSignal {
 public:
  explicit StopOnSignal(ingest::Ingester& ingester) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGUSR1);  // used below to end the waiting thread
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::thread([this, &ingester] {
      int sig = 0;
      sigwait(&set_, &sig);
      if (sig != SIGUSR1) {
        util::log_info("run.stopping", {{"signal", sig}});
        ingester.stop();
      }
    });
  }
  ~StopOnSignal() {
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }

 private:
  sigset_t set_;
  std::thread thread_;
};

// One line for a run to idle that went through with failures: how many objects ended failed (the
// first few, with why) and how many batches failed.
std::string failure_summary(const ingest::IngestTotals& t) {
  constexpr std::size_t kShown = 3;
  std::string line;
  if (!t.failed.empty()) {
    line = std::to_string(t.failed.size()) +
           (t.failed.size() == 1 ? " object failed: " : " objects failed: ");
    for (std::size_t i = 0; i < t.failed.size() && i < kShown; ++i) {
      if (i > 0) line += "; ";
      line += t.failed[i].key + " (" + t.failed[i].error + ")";
    }
    if (t.failed.size() > kShown) line += "; ...";
  }
  if (t.failed_batches > 0) {
    if (!line.empty()) line += "; ";
    line += std::to_string(t.failed_batches) +
            (t.failed_batches == 1 ? " batch failed" : " batches failed") +
            " (see the batch.failed log lines)";
  }
  // Keys and errors are text from outside: one line stays one line.
  std::replace_if(
      line.begin(), line.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return line + " (`tributary status` shows recent errors)";
}

void run(const RunFlags& flags) {
  ingest::IngestConfig config;
  std::string config_path = flags.config;
  if (config_path.empty()) {
    if (const char* env = std::getenv("TRIBUTARY_CONFIG"); env != nullptr) config_path = env;
  }
  if (!config_path.empty()) ingest::load_config_file(config_path, config);
  ingest::apply_environment(config);
  if (!flags.source.empty()) config.source = flags.source;
  if (!flags.lake.empty()) config.lake = flags.lake;
  if (!flags.warehouse.empty()) config.warehouse = flags.warehouse;
  if (!flags.state.empty()) config.state = flags.state;
  if (!flags.worker_id.empty()) config.worker_id = flags.worker_id;
  if (!flags.listen.empty()) config.listen = flags.listen;
  // A one-shot run serves HTTP only when asked to with --listen.
  if (flags.no_http || (flags.until_idle && flags.listen.empty())) config.http_enabled = false;
  ingest::finalize_config(config);
  util::log_configure(util::parse_log_format(config.log_format),
                      util::parse_log_level(config.log_level));
  ingest::register_secrets(config);

  const std::unique_ptr<lake::iceberg::GlueCatalog> glue = open_glue_catalog(config);
  config.external_catalog = glue.get();

  server::MetricsRegistry metrics;
  server::StatusBoard board;
  server::IngestTelemetry telemetry(metrics, &board);
  ingest::Ingester ingester(config, telemetry);
  StopOnSignal signals(ingester);
  std::unique_ptr<util::Progress> progress;
  if (flags.progress) {
    progress = std::make_unique<util::Progress>("ingest", "objects");
    ingester.set_progress(progress.get());
  }
  std::unique_ptr<WarehousePages> pages;
  std::unique_ptr<server::OperationsServer> http;
  if (config.http_enabled) {
    server::OperationsServerOptions options;
    options.listen = config.listen;
    options.webhook_token = config.webhook_token;
    options.status_token = config.status_token;
    http = std::make_unique<server::OperationsServer>(
        options, metrics,
        std::vector<server::ReadinessCheck>{{"source", [&] { return ingester.check_source(); }},
                                            {"lake", [&] { return ingester.check_lake(); }},
                                            {"state", [&] { return ingester.check_state(); }}},
        [&](const std::string& body) { return ingester.hint(ingest::parse_s3_event(body)); });
    server::ReportPageProvider report_page;
    if (!config.warehouse.empty()) {
      pages = std::make_unique<WarehousePages>(config.warehouse);
      board.set_top_lists([&] { return pages->top_lists_json(); });
      report_page = [&] { return pages->report_page(); };
    }
    http->serve_status(board, report_page);
    http->start();
  }
  std::unique_ptr<ingest::SqsConsumer> sqs;
  if (!config.sqs_queue_url.empty()) {
    ingest::SqsConsumerOptions options;
    options.queue_url = config.sqs_queue_url;
    options.store = config.store;
    options.observer = &telemetry;
    sqs = std::make_unique<ingest::SqsConsumer>(
        options, [&](const std::vector<ingest::ObjectHint>& hints) { ingester.hint(hints); });
    sqs->start();
  }
  util::log_info("run.started", {{"source", config.source},
                                 {"lake", config.lake},
                                 {"worker", config.worker_id},
                                 {"until_idle", flags.until_idle}});
  std::unique_ptr<server::CloudWatchEmf> cloudwatch = start_cloudwatch_emf(config, metrics);
  const ingest::IngestTotals t = ingester.run(flags.until_idle);
  if (cloudwatch) cloudwatch->stop();
  if (sqs) sqs->stop();
  if (http) http->stop();
  if (progress) progress->finish();
  std::string out;
  util::JsonWriter(out)
      .begin_object()
      .key("batches")
      .value(t.batches)
      .key("objects")
      .value(t.objects)
      .key("vanished")
      .value(t.vanished)
      .key("failed_batches")
      .value(t.failed_batches)
      .key("events")
      .value(t.events)
      .key("new_events")
      .value(t.new_events)
      .key("duplicates")
      .value(t.duplicates)
      .key("quarantined")
      .value(t.quarantined)
      .key("outages")
      .value(t.outages)
      .key("failed_objects")
      .value(static_cast<std::uint64_t>(t.failed.size()))
      .end_object();
  std::printf("%s\n", out.c_str());
  std::fflush(stdout);
  if (flags.until_idle && (!t.failed.empty() || t.failed_batches > 0)) {
    std::fprintf(stderr, "tributary: %s\n", util::redact(failure_summary(t)).c_str());
    throw ExitCode{kExitPartialFailure};
  }
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Follow the raw bucket and keep the lake (bronze, silver, quarantine) and the warehouse "
      "complete, exactly once. Streams until SIGINT/SIGTERM, or with --until-idle processes "
      "everything present and exits. Settings: --config FILE (YAML), then TRIBUTARY_* "
      "environment variables, then these flags; see docs/operations.md.");
  cmd->add_option("--source", flags->source, "Raw bucket: file:///abs/dir or s3://bucket/prefix");
  cmd->add_option("--lake", flags->lake, "Lake: file:///abs/dir or s3://bucket/prefix");
  CLI::Option* warehouse = cmd->add_option(
      "--warehouse", flags->warehouse,
      "sqlite:///abs/path.db or postgresql://user:pass@host:port/db; without it only "
      "the lake is built and state goes to --state");
  CLI::Option* state = cmd->add_option(
      "--state", flags->state,
      "State database when there is no warehouse: sqlite:///abs/path.db or postgresql://... "
      "(default tributary-state.db in the working directory)");
  cmd->add_option("--config", flags->config, "YAML configuration file (env TRIBUTARY_CONFIG)");
  CLI::Option* listen =
      cmd->add_option("--listen", flags->listen,
                      "HTTP address for the status page (/), /metrics, /healthz, /readyz and "
                      "/hooks/minio "
                      "(default 127.0.0.1:8080; port 0 picks a free one)");
  cmd->add_option("--worker-id", flags->worker_id, "This worker's name in the ledger");
  cmd->add_flag("--until-idle", flags->until_idle,
                "Process everything present (waiting for objects other workers hold), then exit: "
                "0 when all went through, 2 with a one-line summary when objects ended failed or "
                "batches failed");
  CLI::Option* no_http = cmd->add_flag("--no-http", flags->no_http, "Do not serve HTTP");
  // Contradictions are refused rather than one of them silently ignored: with a warehouse the
  // state is kept in it, and --no-http serves nothing to listen for.
  no_http->excludes(listen);
  warehouse->excludes(state);
  cmd->add_flag("--progress", flags->progress,
                "Show objects committed out of those known on stderr: a bar with rate and ETA on "
                "a terminal, a line every 10 s otherwise (for --until-idle runs)");
  cmd->callback([flags] { run(*flags); });
}

}  // namespace tributary::cli
