// tributary: streaming ingester of eventsim logs into a data lake and a SQL warehouse.
#include <cstdio>
#include <exception>

#include "cli/commands.h"
#include "util/log.h"

int main(int argc, char** argv) {
  CLI::App app{
      "tributary: turns eventsim event logs in an object store into a partitioned data lake and a "
      "SQL warehouse, exactly once.",
      "tributary"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tributary 0.1.0");
  tributary::cli::add_validate_command(app);
  tributary::cli::add_report_command(app);
  tributary::cli::add_catalog_command(app);
  tributary::cli::add_compact_command(app);
  tributary::cli::add_run_command(app);
  tributary::cli::add_status_command(app);
  tributary::cli::add_generate_command(app);
  tributary::cli::add_demo_command(app);
  tributary::cli::add_replay_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const tributary::cli::ExitCode& e) {
    return e.code;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tributary: %s\n", tributary::util::redact(e.what()).c_str());
    return 1;
  }
  return 0;
}
