// `tributary report --warehouse URI [--from DATE] [--to DATE] [--top N] [--user ID]
// [--format table|json|csv|html] [--out FILE]`: the three BI answers for the half-open UTC period
// [from, to), on stdout or in FILE. Without --to the period ends with the newest day the
// warehouse's facts cover; without --from it starts kDefaultDays before its end: the data's latest
// month, whatever the date today (generated data is often years old).
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "cli/commands.h"
#include "util/clock.h"
#include "util/file.h"
#include "warehouse/calendar.h"
#include "warehouse/location_coordinates.h"
#include "warehouse/recent_period.h"
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

constexpr int kDefaultDays = 30;

// `date` (YYYY-MM-DD) moved by `days`; run_report validates dates, so a malformed one is kept as
// it is for it to refuse with its own message.
std::string add_days(const std::string& date, int count) {
  if (!warehouse::parse_date_key(date)) return date;
  int y = 0;
  unsigned m = 0, d = 0;
  std::sscanf(date.c_str(), "%d-%u-%u", &y, &m, &d);
  namespace chr = std::chrono;
  const chr::sys_days moved =
      chr::sys_days(chr::year_month_day{chr::year(y), chr::month(m), chr::day(d)}) +
      chr::days(count);
  const auto ms = chr::duration_cast<chr::milliseconds>(moved.time_since_epoch()).count();
  return warehouse::calendar_date(ms).iso;
}

// The options' period, with the defaults described at the top of this file.
warehouse::ReportPeriod period(const ReportCommandOptions& opts, warehouse::Warehouse& wh) {
  warehouse::ReportPeriod p{opts.from, opts.to};
  if (p.to.empty()) {
    const auto newest = warehouse::newest_event_day_ms(wh.connection());
    p.to = warehouse::recent_period(newest, 1, util::unix_time_ms()).to;
  }
  if (p.from.empty()) p.from = add_days(p.to, -kDefaultDays);
  return p;
}

void run_report(const ReportCommandOptions& opts) {
  // A report never creates a warehouse: a mistyped SQLite path is an error, not an empty answer.
  const auto wh = warehouse::Warehouse::open_existing(opts.warehouse);
  warehouse::ReportOptions options;
  options.period = period(opts, *wh);
  options.top = opts.top;
  if (opts.user >= 0) options.user_id = opts.user;
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
      "views then listens, top songs by plays, hours of music per user. Without dates: the 30 "
      "days up to the newest committed event.");
  cmd->add_option("--warehouse", opts->warehouse,
                  "sqlite:///abs/path.db or postgresql://user:pass@host:port/db")
      ->required()
      ->type_name("URI");
  cmd->add_option("--from", opts->from,
                  "First day of the period, YYYY-MM-DD (UTC, included; default: 30 days before "
                  "--to)")
      ->type_name("DATE");
  cmd->add_option("--to", opts->to,
                  "Day after the period, YYYY-MM-DD (UTC, excluded; default: the day after the "
                  "newest committed event)")
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
