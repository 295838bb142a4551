// `tributary report --warehouse URI --from DATE --to DATE [--top N] [--user ID]
// [--format table|json|csv|html] [--out FILE]`: the three BI answers for the half-open UTC period
// [from, to), on stdout or in FILE.
#include <charconv>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "util/file.h"
#include "warehouse/location_coordinates.h"
#include "warehouse/report.h"
#include "warehouse/report_format.h"
#include "warehouse/report_html.h"
#include "warehouse/warehouse.h"

namespace tributary::cli {
namespace {

struct ReportCommandOptions {
  std::string warehouse;
  std::string from;
  std::string to;
  std::int64_t top = 10;
  std::int64_t user = -1;
  std::string format = "table";
  std::string out;
};

void run_report(const ReportCommandOptions& opts) {
  warehouse::ReportOptions options;
  options.period = {opts.from, opts.to};
  options.top = opts.top;
  if (opts.user >= 0) options.user_id = opts.user;
  // A report never creates a warehouse: a mistyped SQLite path is an error, not an empty answer.
  const auto wh = warehouse::Warehouse::open_existing(opts.warehouse);
  const warehouse::Report report = warehouse::run_report(wh->connection(), options);
  std::string out;
  if (opts.format == "json") {
    out = warehouse::report_json(report);
  } else if (opts.format == "csv") {
    out = warehouse::report_csv(report);
  } else if (opts.format == "html") {
    out = warehouse::report_html(report, warehouse::location_coordinates(wh->connection()));
  } else {
    out = warehouse::report_table(report);
  }
  if (!opts.out.empty()) {
    util::write_file_atomically(opts.out, out);
    return;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto opts = std::make_shared<ReportCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Answer the three BI questions for the UTC period [--from, --to): top locations by page "
      "views then listens, top songs by plays, hours of music per user.");
  cmd->add_option("--warehouse", opts->warehouse,
                  "sqlite:///abs/path.db or postgresql://user:pass@host:port/db")
      ->required()
      ->type_name("URI");
  cmd->add_option("--from", opts->from, "First day of the period, YYYY-MM-DD (UTC, included)")
      ->required()
      ->type_name("DATE");
  cmd->add_option("--to", opts->to, "Day after the period, YYYY-MM-DD (UTC, excluded)")
      ->required()
      ->type_name("DATE");
  cmd->add_option("--top", opts->top, "Rows per list")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1000000}));
  cmd->add_option("--user", opts->user, "Only this user id in the hours-per-user list")
      ->check(CLI::Validator(
          [](const std::string& text) -> std::string {
            std::int64_t id = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
            if (ec == std::errc() && end == text.data() + text.size() && id >= 0) return "";
            return "not a user id (an integer >= 0): " + text;
          },
          "ID"))
      ->type_name("ID");
  cmd->add_option("--format", opts->format, "Output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json", "csv", "html"}));
  cmd->add_option("--out", opts->out,
                  "Write to FILE instead of stdout (html: a self-contained page with charts)")
      ->type_name("FILE");
  cmd->callback([opts] { run_report(*opts); });
}

}  // namespace tributary::cli
