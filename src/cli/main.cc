// tributary: streaming ingester of eventsim logs into a data lake and a SQL warehouse.
#include <malloc.h>

#include <cstdio>
#include <exception>
#include <sstream>
#include <string_view>

#include "cli/commands.h"
#include "ingest/ingest_config.h"
#include "util/log.h"

int main(int argc, char** argv) {
  // A batch allocates and frees buffers of megabytes (raw objects, decoded columns, files before
  // they are put) again and again. By default glibc returns such buffers to the kernel on free
  // and takes fresh zeroed pages on the next malloc: page faults were about a tenth of `run`'s
  // CPU. Keeping up to 32 MB free per arena, and four arenas for the fetching threads, bounds
  // what that holds back; objects above 32 MB still come from and go back to the kernel.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 32 << 20);
  mallopt(M_ARENA_MAX, 4);
  CLI::App app{
      "tributary: turns eventsim event logs in an object store into a partitioned data lake and a "
      "SQL warehouse, exactly once.",
      "tributary"};
  app.require_subcommand(1);
  // Every failure is one line, as for the commands' own errors: CLI11's default adds a second
  // ("Run with --help for more information.").
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return "tributary: " + std::string(e.what()) + " (see --help)\n";
  });
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
  // Before anything can fail: every command's errors, and CLI11's (which echo arguments, e.g. a
  // misplaced postgresql://user:password@... URI), are redacted.
  tributary::ingest::register_environment_secrets();
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--") && arg.find('=') != std::string_view::npos) {
      arg.remove_prefix(arg.find('=') + 1);
    }
    tributary::ingest::register_uri_secrets(arg);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::ostringstream out;
    std::ostringstream err;
    const int code = app.exit(e, out, err);
    std::fputs(tributary::util::redact(out.str()).c_str(), stdout);
    std::fputs(tributary::util::redact(err.str()).c_str(), stderr);
    return code;
  } catch (const tributary::cli::ExitCode& e) {
    return e.code;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tributary: %s\n", tributary::util::redact(e.what()).c_str());
    return 1;
  }
  return 0;
}
