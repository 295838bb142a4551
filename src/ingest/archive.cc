#include "ingest/archive.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "util/base64.h"
#include "util/gzip.h"
#include "util/hex.h"
#include "util/json_writer.h"
#include "util/utf8.h"
#include "util/zstd_frame.h"

namespace tributary::ingest {
namespace {

// Raw objects decompress to at most this (decode.max_object_bytes is lower): a bound on what a
// damaged or hostile zstd frame in bronze can make a reader allocate.
constexpr std::size_t kMaxRawObjectBytes = 1ull << 32;

}  // namespace

BronzeMemberData bronze_member(std::string_view raw) {
  BronzeMemberData m;
  m.sha256 = sha256_hex(raw);
  if (util::is_gzip(raw) || util::is_zstd(raw)) {
    m.stored = std::string(raw);
  } else {
    // Level 1: bronze is written once and read only by replay, and compressing every plain
    // object is on the ingest's critical path; higher levels cost 2-3x the CPU for a few percent.
    m.stored = util::zstd_compress(raw, 1);
    m.zstd_wrapped = true;
  }
  return m;
}

void add_bronze_member(lake::TarWriter& archive, std::string_view source_key, std::string_view etag,
                       const BronzeMemberData& member) {
  std::string path(source_key);
  if (member.zstd_wrapped) path += ".zst";
  archive.add(path, member.stored,
              {{"TRIBUTARY.etag", std::string(etag)},
               {"TRIBUTARY.sha256", member.sha256},
               {"TRIBUTARY.encoding", member.zstd_wrapped ? "zstd" : "as-is"}});
}

std::vector<BronzeEntry> read_bronze_archive(std::string_view archive) {
  std::vector<BronzeEntry> out;
  for (lake::TarMember& m : lake::read_tar(archive)) {
    const auto record = [&](const char* name) -> std::string& {
      const auto it = m.records.find(name);
      if (it == m.records.end()) {
        throw std::runtime_error("bronze archive member " + m.path + " has no " + name);
      }
      return it->second;
    };
    BronzeEntry e;
    e.zstd_wrapped = record("TRIBUTARY.encoding") == "zstd";
    e.etag = std::move(record("TRIBUTARY.etag"));
    e.sha256 = std::move(record("TRIBUTARY.sha256"));
    e.source_key = std::move(m.path);
    if (e.zstd_wrapped) {
      if (!e.source_key.ends_with(".zst")) {
        throw std::runtime_error("bronze archive member " + e.source_key +
                                 " is wrapped in zstd but not named .zst");
      }
      e.source_key.resize(e.source_key.size() - 4);
    }
    e.offset = m.offset;
    e.size = m.size;
    out.push_back(std::move(e));
  }
  return out;
}

std::string raw_from_bronze(std::string stored, bool zstd_wrapped, std::string_view where) {
  if (!zstd_wrapped) return stored;
  std::string raw;
  const util::GunzipResult r = util::unzstd(stored, raw, kMaxRawObjectBytes);
  if (r.error != util::GunzipError::kNone) {
    throw std::runtime_error("bronze object " + std::string(where) +
                             " is not a valid zstd frame (" +
                             std::string(util::gunzip_error_name(r.error)) + ")");
  }
  return raw;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return util::hex_encode(digest, len);
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
