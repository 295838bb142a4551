// ObjectDecoder: raw object bytes (one fluentd chunk, plain or gzip) -> an EventBatch of valid
// events and QuarantineRecords for everything else.
//
// Input handling: gzip is detected by magic bytes, never by name; a UTF-8 byte-order mark at the
// start, CRLF line ends, blank lines and a last line without '\n' are all accepted.
// Each line is parsed with simdjson On-Demand, typed and validated against the schema table, and
// cleaned (userAgent loses its extra quotes; artist and song are repaired from eventsim's
// garbling, util/mojibake.h). Unknown fields go to the row's `extra` JSON.
//
// Memory: a plain object is parsed where it lies; a compressed one is inflated into a buffer of at
// most DecodeOptions::max_object_bytes, reused across calls.
//
// Thread-safety: one decoder per thread; decoders own their parser and scratch buffers and reuse
// them across calls, so the hot path performs no per-field heap allocation.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "event/batch.h"
#include "event/quarantine.h"
#include "event/schema.h"

namespace tributary::event {

struct DecodeOptions {
  // Lines longer than this are quarantined as line_too_long without being parsed.
  std::size_t max_line_bytes = 1 << 20;
  // How much of a rejected line its quarantine record keeps.
  std::size_t quarantine_line_cap = 16 << 10;
  // Bound on an object's decompressed size; protects memory against gzip bombs.
  std::size_t max_object_bytes = 512u << 20;
};

struct DecodeStats {
  std::uint64_t lines = 0;        // non-blank lines (plus one per gzip failure record)
  std::uint64_t events = 0;       // rows appended to the batch
  std::uint64_t quarantined = 0;  // records appended to the quarantine
  std::uint64_t bytes = 0;        // decompressed bytes examined
  std::map<std::string, std::uint64_t> reasons;

  DecodeStats& operator+=(const DecodeStats& other);
};

class ObjectDecoder {
 public:
  explicit ObjectDecoder(Stream stream, DecodeOptions options = {});
  ~ObjectDecoder();
  ObjectDecoder(const ObjectDecoder&) = delete;
  ObjectDecoder& operator=(const ObjectDecoder&) = delete;

  Stream stream() const { return stream_; }

  // Decodes `object` (the raw bytes of the object named `source_key`) and appends its events to
  // `batch` (which must be of this decoder's stream) and its rejects to `quarantine`.
  DecodeStats decode(std::string_view source_key, std::string_view object, EventBatch& batch,
                     std::vector<QuarantineRecord>& quarantine);

 private:
  class LineParser;

  Stream stream_;
  DecodeOptions options_;
  std::unique_ptr<LineParser> parser_;
  std::string inflated_;  // reused buffer for decompressed objects
};

}  // namespace tributary::event
