#include "lake/avro/container_reader.h"

#include <zlib.h>

#include <bit>
#include <limits>
#include <stdexcept>

namespace tributary::lake::avro {
namespace {

[[noreturn]] void corrupt(const std::string& what) {
  throw std::runtime_error("avro: corrupt file: " + what);
}

std::uint8_t take_byte(std::string_view& d) {
  if (d.empty()) corrupt("value past the end");
  const auto b = static_cast<std::uint8_t>(d.front());
  d.remove_prefix(1);
  return b;
}

std::int64_t take_long(std::string_view& d) {
  std::uint64_t z = 0;
  for (int shift = 0;; shift += 7) {
    if (shift >= 70) corrupt("varint longer than 10 bytes");
    const std::uint8_t b = take_byte(d);
    z |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) break;
  }
  return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
}

std::string_view take(std::string_view& d, std::int64_t n) {
  if (n < 0) corrupt("negative length");
  if (static_cast<std::uint64_t>(n) > d.size()) corrupt("length past the end");
  const std::string_view s = d.substr(0, static_cast<std::size_t>(n));
  d.remove_prefix(static_cast<std::size_t>(n));
  return s;
}

std::uint64_t take_little_endian(std::string_view& d, int n) {
  const std::string_view b = take(d, n);
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(b[i])) << (8 * i);
  return v;
}

// The item count of the next block of an array or map (0 at the end); a negative count is
// followed by the block's byte size, which is not needed here.
std::int64_t block_count(std::string_view& d) {
  std::int64_t n = take_long(d);
  if (n < 0) {
    if (n == std::numeric_limits<std::int64_t>::min()) corrupt("block count");
    n = -n;
    take_long(d);
  }
  return n;
}

// Items of most types take at least a byte, but a null or an empty record takes none, so counts
// cannot be checked against the bytes left alone: a forged count of empty items (or of arrays of
// them) would exhaust memory. Each decode gets a budget of items: its bytes plus kSpareItems, far
// above what any manifest's empty items need, low enough to fail fast.
constexpr std::uint64_t kSpareItems = 1 << 20;

void spend(std::uint64_t& budget, std::int64_t n) {
  if (static_cast<std::uint64_t>(n) > budget) {
    corrupt("an item count of " + std::to_string(n) + " is beyond the data");
  }
  budget -= static_cast<std::uint64_t>(n);
}

std::string inflate_raw(std::string_view in) {
  z_stream z{};
  if (inflateInit2(&z, -15) != Z_OK) throw std::runtime_error("avro: inflateInit2 failed");
  std::string out;
  char buf[65536];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  const bool ok = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  if (!ok) corrupt("a deflate block is not one complete raw deflate stream");
  return out;
}

AvroValue decode(const AvroSchema& s, std::string_view& d, std::uint64_t& budget);

}  // namespace

const std::string* AvroFileContents::find_metadata(std::string_view key) const {
  for (const auto& [k, v] : metadata) {
    if (k == key) return &v;
  }
  return nullptr;
}

namespace {

AvroValue decode(const AvroSchema& s, std::string_view& d, std::uint64_t& budget) {
  switch (s.type) {
    case AvroType::kNull:
      return {};
    case AvroType::kBoolean: {
      const std::uint8_t b = take_byte(d);
      if (b > 1) corrupt("boolean byte " + std::to_string(b));
      return b == 1;
    }
    case AvroType::kInt: {
      const std::int64_t v = take_long(d);
      if (v < std::numeric_limits<std::int32_t>::min() ||
          v > std::numeric_limits<std::int32_t>::max()) {
        corrupt("int out of range");
      }
      return v;
    }
    case AvroType::kLong:
      return take_long(d);
    case AvroType::kFloat:
      return static_cast<double>(
          std::bit_cast<float>(static_cast<std::uint32_t>(take_little_endian(d, 4))));
    case AvroType::kDouble:
      return std::bit_cast<double>(take_little_endian(d, 8));
    case AvroType::kBytes:
    case AvroType::kString:
      return std::string(take(d, take_long(d)));
    case AvroType::kFixed:
      return std::string(take(d, s.size));
    case AvroType::kRecord: {
      AvroValue::List fields;
      fields.reserve(s.fields.size());
      for (const AvroField& f : s.fields) fields.push_back(decode(*f.type, d, budget));
      return fields;
    }
    case AvroType::kArray:
    case AvroType::kMap: {
      AvroValue::List items;
      for (std::int64_t n = block_count(d); n != 0; n = block_count(d)) {
        spend(budget, n);
        for (std::int64_t i = 0; i < n; ++i) {
          if (s.type == AvroType::kMap) {
            std::string key(take(d, take_long(d)));
            items.push_back(AvroValue::List{std::move(key), decode(*s.items, d, budget)});
          } else {
            items.push_back(decode(*s.items, d, budget));
          }
        }
      }
      return items;
    }
    case AvroType::kUnion: {
      const std::int64_t index = take_long(d);
      if (index < 0 || static_cast<std::size_t>(index) >= s.branches.size()) {
        corrupt("union index " + std::to_string(index));
      }
      return decode(*s.branches[static_cast<std::size_t>(index)], d, budget);
    }
  }
  return {};
}

}  // namespace

AvroValue decode_value(const AvroSchema& schema, std::string_view& data) {
  std::uint64_t budget = data.size() + kSpareItems;
  return decode(schema, data, budget);
}

AvroFileContents read_avro_file(std::string_view file, const AvroSchema& expected) {
  std::string_view d = file;
  if (take(d, 4) != std::string_view("Obj\x01", 4)) corrupt("not an Avro object container file");
  AvroFileContents out;
  for (std::int64_t n = block_count(d); n != 0; n = block_count(d)) {
    for (std::int64_t i = 0; i < n; ++i) {
      std::string key(take(d, take_long(d)));
      std::string value(take(d, take_long(d)));
      out.metadata.emplace_back(std::move(key), std::move(value));
    }
  }
  const std::string* schema = out.find_metadata("avro.schema");
  const std::string want = schema_json(expected);
  if (schema == nullptr || *schema != want) {
    throw std::runtime_error("avro: the file's schema is not the expected one (expected " + want +
                             ", found " + (schema ? *schema : std::string("none")) + ")");
  }
  const std::string* codec = out.find_metadata("avro.codec");
  const bool deflate = codec != nullptr && *codec == "deflate";
  if (codec != nullptr && !deflate && *codec != "null") {
    throw std::runtime_error("avro: unsupported codec \"" + *codec + "\"");
  }
  const std::string_view sync = take(d, 16);
  while (!d.empty()) {
    const std::int64_t count = take_long(d);
    const std::string_view raw = take(d, take_long(d));
    if (count < 0) corrupt("negative block count");
    const std::string body = deflate ? inflate_raw(raw) : std::string(raw);
    std::string_view b = body;
    std::uint64_t budget = b.size() + kSpareItems;
    spend(budget, count);
    for (std::int64_t i = 0; i < count; ++i) out.records.push_back(decode(expected, b, budget));
    if (!b.empty()) corrupt("a block holds bytes after its records");
    if (take(d, 16) != sync) corrupt("a block's sync marker differs from the header's");
  }
  return out;
}

}  // namespace tributary::lake::avro
