#include "ingest/archive.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "util/base64.h"
#include "util/gzip.h"
#include "util/json_writer.h"
#include "util/utf8.h"
#include "util/zstd_frame.h"

namespace tributary::ingest {
BronzeCopy bronze_copy(event::Stream stream, std::string_view ingest_date,
                       std::string_view source_key, std::string_view etag, std::string_view raw) {
  std::string_view file = source_key.substr(source_key.rfind('/') + 1);  // npos + 1 == 0
  std::string_view extension;
  if (const auto dot = file.rfind('.'); dot != std::string_view::npos && dot > 0) {
    extension = file.substr(dot);
    file = file.substr(0, dot);
  }
  std::string key = "bronze/" + std::string(event::stream_name(stream)) +
                    "/ingest_date=" + std::string(ingest_date) + "/" + std::string(file) + "-" +
                    std::string(etag) + std::string(extension);
  if (util::is_gzip(raw) || util::is_zstd(raw)) return {std::move(key), std::string(raw)};
  return {key + ".zst", util::zstd_compress(raw)};
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

std::string quarantine_key(event::Stream stream, std::string_view ingest_date,
                           std::string_view batch_id) {
  return "quarantine/" + std::string(event::stream_name(stream)) +
         "/ingest_date=" + std::string(ingest_date) + "/" + std::string(batch_id) + ".jsonl";
}

std::string quarantine_jsonl(std::span<const event::QuarantineRecord> records) {
  std::string out;
  for (const event::QuarantineRecord& r : records) {
    const bool valid = util::is_valid_utf8(r.line);
    util::JsonWriter w(out);
    w.begin_object()
        .key("source_key")
        .value(r.source_key)
        .key("line_number")
        .value(r.line_number)
        .key("byte_offset")
        .value(r.byte_offset)
        .key("reason")
        .value(r.reason)
        .key("line_bytes")
        .value(r.line_bytes)
        .key("line")
        .value(valid ? r.line : util::utf8_lossy(r.line));
    if (!valid) w.key("line_base64").value(util::base64(r.line));
    w.end_object();
    out.push_back('\n');
  }
  return out;
}

}  // namespace tributary::ingest
