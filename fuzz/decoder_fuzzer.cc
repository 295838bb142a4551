// libFuzzer target for ObjectDecoder. The first byte picks the stream and whether the rest is
// gzip-compressed first; the decoder must never crash, and must account for every line.
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "event/decoder.h"
#include "util/gzip.h"

namespace {

using namespace tributary::event;

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Stream stream = kAllStreams[data[0] % kStreamCount];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string compressed;
  if (data[0] & 0x80) {
    compressed = tributary::util::gzip_compress(input, Z_BEST_SPEED);
    input = compressed;
  }
  DecodeOptions options;
  options.max_line_bytes = 4096;
  options.max_object_bytes = 1 << 20;
  options.quarantine_line_cap = 64;
  ObjectDecoder decoder(stream, options);
  EventBatch batch(stream);
  std::vector<QuarantineRecord> quarantine;
  const DecodeStats stats = decoder.decode("fuzz", input, batch, quarantine);

  // Nothing silently dropped: every line is an event or a quarantine record.
  check(stats.lines == stats.events + stats.quarantined);
  check(batch.size() == stats.events);
  check(quarantine.size() == stats.quarantined);
  std::uint64_t by_reason = 0;
  for (const auto& [reason, n] : stats.reasons) by_reason += n;
  check(by_reason == stats.quarantined);
  for (const QuarantineRecord& r : quarantine) {
    check(r.line.size() <= options.quarantine_line_cap);
    check(r.line.size() <= r.line_bytes);
  }
  // Columns are dense and consistent.
  for (std::size_t i = 0; i < batch.fields().size(); ++i) {
    const Column& c = batch.column(i);
    if (c.type == FieldType::kString) check(c.str.offsets.size() == batch.size() + 1);
    if (c.nullable) check(c.valid.size() == batch.size());
  }
  return 0;
}
