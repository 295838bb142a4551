#include "lake/avro/container_writer.h"

#include <xxhash.h>
#include <zlib.h>

#include <set>
#include <stdexcept>

namespace tributary::lake::avro {
namespace {

constexpr std::string_view kMagic("Obj\x01", 4);

std::string raw_deflate(std::string_view in) {
  z_stream z{};
  // Negative window bits: a raw RFC 1951 stream, without the zlib header and checksum.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("avro: deflateInit2 failed");
  }
  std::string out(deflateBound(&z, static_cast<uLong>(in.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  const std::size_t written = out.size() - z.avail_out;
  deflateEnd(&z);
  // deflateBound guarantees room for the whole stream in one call.
  if (rc != Z_STREAM_END) throw std::runtime_error("avro: deflate did not finish");
  out.resize(written);
  return out;
}

}  // namespace

SyncMarker sync_marker_for(std::string_view seed) {
  const XXH128_hash_t h = XXH3_128bits(seed.data(), seed.size());
  SyncMarker m{};
  for (int i = 0; i < 8; ++i) {
    m[i] = static_cast<std::uint8_t>(h.low64 >> (8 * i));
    m[8 + i] = static_cast<std::uint8_t>(h.high64 >> (8 * i));
  }
  return m;
}

AvroContainerWriter::AvroContainerWriter(AvroSchemaPtr schema,
                                         std::vector<std::pair<std::string, std::string>> metadata,
                                         ContainerOptions options)
    : schema_(std::move(schema)), options_(options) {
  if (!schema_) throw std::invalid_argument("avro: container without a schema");
  std::set<std::string_view> keys;
  for (const auto& [key, value] : metadata) {
    if (key.empty() || key.starts_with("avro.") || !keys.insert(key).second) {
      throw std::invalid_argument("avro: metadata key \"" + key +
                                  "\" is empty, repeated or reserved (avro.*)");
    }
  }
  metadata.insert(metadata.begin(),
                  {{"avro.schema", schema_json(*schema_)},
                   {"avro.codec", options_.codec == AvroCodec::kDeflate ? "deflate" : "null"}});
  file_.append(kMagic);
  AvroEncoder out(file_);
  out.begin_collection(static_cast<std::int64_t>(metadata.size()));
  for (const auto& [key, value] : metadata) {
    out.write_string(key);
    out.write_bytes(value);
  }
  out.end_collection();
  file_.append(reinterpret_cast<const char*>(options_.sync.data()), options_.sync.size());
}

void AvroContainerWriter::append(const AvroValue& record) {
  scratch_.clear();
  AvroEncoder out(scratch_);
  encode_value(*schema_, record, out);
  block_ += scratch_;
  ++block_records_;
  ++records_;
  if (block_.size() >= options_.block_bytes) flush_block();
}

void AvroContainerWriter::flush_block() {
  if (block_records_ == 0) return;
  const std::string body =
      options_.codec == AvroCodec::kDeflate ? raw_deflate(block_) : std::move(block_);
  AvroEncoder out(file_);
  out.write_long(block_records_);
  out.write_long(static_cast<std::int64_t>(body.size()));
  file_ += body;
  file_.append(reinterpret_cast<const char*>(options_.sync.data()), options_.sync.size());
  block_.clear();
  block_records_ = 0;
}

std::string AvroContainerWriter::finish() {
  flush_block();
  return std::move(file_);
}

}  // namespace tributary::lake::avro
