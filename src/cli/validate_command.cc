// `tributary validate FILE...`: decodes local files as the ingester would and prints, per file,
// one JSON object: {"file","stream","lines","events","quarantined","reasons":{code:n}}.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "event/decoder.h"
#include "ingest/archive.h"
#include "util/file.h"
#include "util/json_writer.h"

namespace tributary::cli {
namespace {

struct ValidateOptions {
  std::vector<std::string> files;
  std::string stream;
  std::size_t max_line_bytes = event::DecodeOptions{}.max_line_bytes;
  bool show_quarantine = false;
};

std::string stats_json(const std::string& file, event::Stream stream,
                       const event::DecodeStats& stats) {
  std::string out;
  util::JsonWriter w(out);
  w.begin_object()
      .key("file")
      .value(file)
      .key("stream")
      .value(event::stream_name(stream))
      .key("lines")
      .value(stats.lines)
      .key("events")
      .value(stats.events)
      .key("quarantined")
      .value(stats.quarantined)
      .key("reasons")
      .begin_object();
  for (const auto& [reason, n] : stats.reasons) w.key(reason).value(n);
  w.end_object().end_object();
  return out;
}

void run_validate(const ValidateOptions& opts) {
  std::optional<event::Stream> forced;
  if (!opts.stream.empty()) {
    forced = event::stream_from_name(opts.stream);
    if (!forced) throw std::runtime_error("unknown stream '" + opts.stream + "'");
  }
  event::DecodeOptions decode_options;
  decode_options.max_line_bytes = opts.max_line_bytes;
  bool failed = false;
  for (const std::string& file : opts.files) {
    try {
      const auto stream = forced ? forced : event::stream_from_path(file);
      if (!stream) {
        throw std::runtime_error("cannot tell the stream of " + file +
                                 ": pass --stream or keep it under a <stream>/ directory");
      }
      const std::string bytes = util::read_file(file);
      event::ObjectDecoder decoder(*stream, decode_options);
      event::EventBatch batch(*stream);
      std::vector<event::QuarantineRecord> quarantine;
      const event::DecodeStats stats = decoder.decode(file, bytes, batch, quarantine);
      std::printf("%s\n", stats_json(file, *stream, stats).c_str());
      if (opts.show_quarantine) {
        // The same JSON lines as the lake's quarantine files.
        const std::string lines = ingest::quarantine_jsonl(quarantine);
        std::fwrite(lines.data(), 1, lines.size(), stdout);
      }
    } catch (const std::exception& e) {
      std::fflush(stdout);
      std::fprintf(stderr, "tributary validate: %s\n", e.what());
      failed = true;
    }
  }
  std::fflush(stdout);
  if (failed) throw ExitCode{kExitPartialFailure};
}

}  // namespace

void add_validate_command(CLI::App& app) {
  auto opts = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Decode raw event files (plain or gzip NDJSON) and print one JSON summary per file. Exits 0 "
      "even when lines are quarantined; 2 when a file cannot be read.");
  cmd->add_option("files", opts->files, "Files to decode")->required()->type_name("FILE");
  cmd->add_option("--stream", opts->stream,
                  "Stream of every file (listen_events, page_view_events, auth_events, "
                  "status_change_events); default: from each path's <stream>/ directory or name");
  cmd->add_option("--max-line-bytes", opts->max_line_bytes,
                  "Lines longer than this are quarantined as line_too_long")
      ->capture_default_str();
  cmd->add_flag("--show-quarantine", opts->show_quarantine,
                "Also print each quarantined line as a JSON object, as the lake's quarantine files "
                "hold them");
  cmd->callback([opts] { run_validate(*opts); });
}

}  // namespace tributary::cli
