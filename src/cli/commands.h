// Subcommands of the `tributary` binary. Each adds itself to the root CLI11 app; its callback runs
// the command and throws std::exception with a one-line reason on failure, which main() prints
// before exiting non-zero.
#pragma once

#include <CLI/CLI.hpp>

namespace tributary::cli {

// Exit code for a command that ran but found a failure it reports itself (e.g. an unreadable
// file among several).
inline constexpr int kExitPartialFailure = 2;

// Thrown by a command to exit with `code` after it has reported the problem itself.
struct ExitCode {
  int code;
};

void add_validate_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_catalog_command(CLI::App& app);
void add_compact_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_status_command(CLI::App& app);
void add_generate_command(CLI::App& app);
void add_demo_command(CLI::App& app);
void add_replay_command(CLI::App& app);

}  // namespace tributary::cli
