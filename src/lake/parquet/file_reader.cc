#include "lake/parquet/file_reader.h"

#include <snappy-c.h>
#include <zstd.h>

#include <cstring>
#include <stdexcept>

#include "lake/parquet/rle_hybrid.h"
#include "lake/parquet/thrift_reader.h"

namespace tributary::lake::parquet {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("parquet: " + what);
}

std::string_view slice(std::string_view file, std::int64_t offset, std::int64_t length,
                       const char* what) {
  if (offset < 0 || length < 0 || static_cast<std::uint64_t>(offset) > file.size() ||
      static_cast<std::uint64_t>(length) > file.size() - static_cast<std::uint64_t>(offset)) {
    fail(std::string(what) + " lies outside the file");
  }
  return file.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
}

// Pages larger than this are rejected before anything is allocated (the writer's pages are
// about 1 MiB); it keeps a corrupt size field from allocating gigabytes.
constexpr std::size_t kMaxPageBytes = 256u << 20;
// Values in one data page; the same protection for the level and index buffers.
constexpr std::int64_t kMaxPageValues = 1 << 24;

// Each codec's own header must announce `size` bytes before the buffer is sized.
void decompress(std::int64_t codec, std::string_view in, std::size_t size, std::string& out) {
  if (size > kMaxPageBytes) fail("page larger than 256 MiB");
  switch (static_cast<CompressionCodec>(codec)) {
    case CompressionCodec::kUncompressed:
      if (in.size() != size) fail("uncompressed page size mismatch");
      out.assign(in);
      return;
    case CompressionCodec::kSnappy: {
      std::size_t n = 0;
      if (snappy_uncompressed_length(in.data(), in.size(), &n) != SNAPPY_OK || n != size) {
        fail("corrupt snappy page");
      }
      out.resize(size);
      if (snappy_uncompress(in.data(), in.size(), out.data(), &n) != SNAPPY_OK || n != size) {
        fail("corrupt snappy page");
      }
      return;
    }
    case CompressionCodec::kZstd: {
      if (ZSTD_getFrameContentSize(in.data(), in.size()) != size) fail("corrupt zstd page");
      out.resize(size);
      const std::size_t n = ZSTD_decompress(out.data(), size, in.data(), in.size());
      if (ZSTD_isError(n) != 0 || n != size) fail("corrupt zstd page");
      return;
    }
  }
  fail("unsupported compression codec " + std::to_string(codec));
}

// Reads `count` PLAIN values of `column`'s type from `data` at `pos`, appending them.
void read_plain(ColumnValues& c, std::string_view data, std::size_t& pos, std::size_t count,
                std::size_t& bool_bit) {
  auto need = [&](std::size_t n) {
    if (data.size() - pos < n) fail("column " + c.name + ": page values end early");
  };
  for (std::size_t i = 0; i < count; ++i) {
    switch (c.type) {
      case PhysicalType::kBoolean: {
        need(bool_bit / 8 + 1);
        c.boolean.push_back(
            (static_cast<std::uint8_t>(data[pos + bool_bit / 8]) >> (bool_bit % 8)) & 1);
        ++bool_bit;
        break;
      }
      case PhysicalType::kInt32: {
        need(4);
        std::int32_t v;
        std::memcpy(&v, data.data() + pos, 4);
        c.i32.push_back(v);
        pos += 4;
        break;
      }
      case PhysicalType::kInt64: {
        need(8);
        std::int64_t v;
        std::memcpy(&v, data.data() + pos, 8);
        c.i64.push_back(v);
        pos += 8;
        break;
      }
      case PhysicalType::kDouble: {
        need(8);
        double v;
        std::memcpy(&v, data.data() + pos, 8);
        c.f64.push_back(v);
        pos += 8;
        break;
      }
      case PhysicalType::kByteArray: {
        need(4);
        std::uint32_t n;
        std::memcpy(&n, data.data() + pos, 4);
        pos += 4;
        need(n);
        c.bytes.append(data.substr(pos, n));
        c.offsets.push_back(c.bytes.size());
        pos += n;
        break;
      }
    }
  }
}

// Appends row `index` of `from` (the dictionary) to `to`.
void append_from(ColumnValues& to, const ColumnValues& from, std::size_t index) {
  switch (to.type) {
    case PhysicalType::kBoolean:
      to.boolean.push_back(from.boolean[index]);
      break;
    case PhysicalType::kInt32:
      to.i32.push_back(from.i32[index]);
      break;
    case PhysicalType::kInt64:
      to.i64.push_back(from.i64[index]);
      break;
    case PhysicalType::kDouble:
      to.f64.push_back(from.f64[index]);
      break;
    case PhysicalType::kByteArray:
      to.bytes.append(from.string_at(index));
      to.offsets.push_back(to.bytes.size());
      break;
  }
}

void append_null(ColumnValues& c) {
  switch (c.type) {
    case PhysicalType::kBoolean:
      c.boolean.push_back(0);
      break;
    case PhysicalType::kInt32:
      c.i32.push_back(0);
      break;
    case PhysicalType::kInt64:
      c.i64.push_back(0);
      break;
    case PhysicalType::kDouble:
      c.f64.push_back(0);
      break;
    case PhysicalType::kByteArray:
      c.offsets.push_back(c.bytes.size());
      break;
  }
}

std::size_t dictionary_size(const ColumnValues& d) {
  switch (d.type) {
    case PhysicalType::kBoolean:
      return d.boolean.size();
    case PhysicalType::kInt32:
      return d.i32.size();
    case PhysicalType::kInt64:
      return d.i64.size();
    case PhysicalType::kDouble:
      return d.f64.size();
    case PhysicalType::kByteArray:
      return d.offsets.size() - 1;
  }
  return 0;
}

void read_chunk(std::string_view file, const ThriftValue& meta, std::int64_t rows,
                ColumnValues& c) {
  const std::int64_t codec = meta.required_int(4, "codec");
  const std::int64_t num_values = meta.required_int(5, "num_values");
  const std::int64_t compressed = meta.required_int(7, "total_compressed_size");
  std::int64_t start = meta.required_int(9, "data_page_offset");
  if (const ThriftValue* d = meta.field(11)) start = std::min(start, d->integer);
  if (num_values != rows) fail("column " + c.name + ": chunk value count differs from row count");
  const std::string_view chunk = slice(file, start, compressed, "column chunk");

  ColumnValues dictionary;
  dictionary.type = c.type;
  dictionary.name = c.name;
  bool have_dictionary = false;
  std::string page;
  std::vector<std::uint32_t> levels;
  std::vector<std::uint32_t> indices;
  std::int64_t values_read = 0;
  std::size_t pos = 0;
  while (values_read < num_values) {
    if (pos >= chunk.size()) fail("column " + c.name + ": chunk ends before its values");
    ThriftCompactReader reader(chunk.substr(pos));
    const ThriftValue header = reader.read_struct();
    pos += reader.position();
    const std::int64_t type = header.required_int(1, "page type");
    const std::int64_t raw_size = header.required_int(2, "uncompressed_page_size");
    const std::int64_t body_size = header.required_int(3, "compressed_page_size");
    if (raw_size < 0) fail("column " + c.name + ": negative page size");
    const std::string_view body =
        slice(chunk, static_cast<std::int64_t>(pos), body_size, "page body");
    pos += static_cast<std::size_t>(body_size);
    if (type == static_cast<std::int64_t>(PageType::kDictionaryPage)) {
      const ThriftValue* dh = header.field(7);
      if (dh == nullptr) fail("column " + c.name + ": dictionary page without its header");
      const std::int64_t n = dh->required_int(1, "dictionary num_values");
      decompress(codec, body, static_cast<std::size_t>(raw_size), page);
      std::size_t p = 0;
      std::size_t bit = 0;
      if (n < 0 || static_cast<std::uint64_t>(n) > page.size() + 1) {
        fail("column " + c.name + ": bad dictionary size");
      }
      read_plain(dictionary, page, p, static_cast<std::size_t>(n), bit);
      have_dictionary = true;
      continue;
    }
    if (type == 3) fail("column " + c.name + ": data page v2 is not supported");
    if (type != static_cast<std::int64_t>(PageType::kDataPage)) continue;  // index pages
    const ThriftValue* dh = header.field(5);
    if (dh == nullptr) fail("column " + c.name + ": data page without its header");
    const std::int64_t n = dh->required_int(1, "num_values");
    const std::int64_t encoding = dh->required_int(2, "encoding");
    if (n < 0 || n > num_values - values_read || n > kMaxPageValues) {
      fail("column " + c.name + ": bad page value count");
    }
    decompress(codec, body, static_cast<std::size_t>(raw_size), page);
    std::size_t p = 0;
    levels.clear();
    if (!c.required) {
      if (page.size() < 4) fail("column " + c.name + ": page too short for its levels");
      std::uint32_t len;
      std::memcpy(&len, page.data(), 4);
      if (len > page.size() - 4) fail("column " + c.name + ": levels longer than the page");
      RleBitPackedDecoder(std::string_view(page).substr(4, len), 1)
          .decode(static_cast<std::size_t>(n), levels);
      p = 4 + len;
    } else {
      levels.assign(static_cast<std::size_t>(n), 1);
    }
    std::size_t present = 0;
    for (std::uint32_t l : levels) present += l;
    ColumnValues values;
    values.type = c.type;
    values.name = c.name;
    if (encoding == static_cast<std::int64_t>(Encoding::kPlain)) {
      std::size_t bit = 0;
      read_plain(values, page, p, present, bit);
    } else if (encoding == static_cast<std::int64_t>(Encoding::kRleDictionary) || encoding == 2) {
      if (!have_dictionary) fail("column " + c.name + ": dictionary page missing");
      if (p >= page.size() && present > 0) fail("column " + c.name + ": indices missing");
      indices.clear();
      if (present > 0) {
        const int width = static_cast<std::uint8_t>(page[p]);
        RleBitPackedDecoder(std::string_view(page).substr(p + 1), width).decode(present, indices);
      }
      const std::size_t size = dictionary_size(dictionary);
      for (std::uint32_t i : indices) {
        if (i >= size) fail("column " + c.name + ": dictionary index out of range");
        append_from(values, dictionary, i);
      }
    } else {
      fail("column " + c.name + ": unsupported encoding " + std::to_string(encoding));
    }
    std::size_t next = 0;
    for (std::uint32_t l : levels) {
      c.valid.push_back(static_cast<std::uint8_t>(l));
      if (l != 0) {
        append_from(c, values, next++);
      } else {
        append_null(c);
      }
    }
    values_read += n;
  }
}

}  // namespace

ParquetContents read_parquet_file(std::string_view file) {
  if (file.size() < 12 || file.substr(0, 4) != kMagic || file.substr(file.size() - 4) != kMagic) {
    fail("not a Parquet file (magic bytes missing)");
  }
  std::uint32_t footer_length;
  std::memcpy(&footer_length, file.data() + file.size() - 8, 4);
  if (footer_length > file.size() - 12) fail("footer length exceeds the file");
  ThriftCompactReader reader(file.substr(file.size() - 8 - footer_length, footer_length));
  const ThriftValue meta = reader.read_struct();

  ParquetContents out;
  const ThriftValue* schema = meta.field(2);
  if (schema == nullptr || schema->elements.empty()) fail("footer has no schema");
  const std::int64_t children =
      schema->elements[0].field(5) ? schema->elements[0].field(5)->integer : 0;
  if (children != static_cast<std::int64_t>(schema->elements.size()) - 1) {
    fail("only flat schemas are supported");
  }
  for (std::size_t i = 1; i < schema->elements.size(); ++i) {
    const ThriftValue& e = schema->elements[i];
    ColumnValues c;
    const ThriftValue* name = e.field(4);
    if (name == nullptr || e.field(1) == nullptr) fail("schema element without name or type");
    c.name = std::string(name->binary);
    const std::int64_t type = e.field(1)->integer;
    if (type != 0 && type != 1 && type != 2 && type != 5 && type != 6) {
      fail("column " + c.name + ": unsupported physical type " + std::to_string(type));
    }
    c.type = static_cast<PhysicalType>(type);
    const std::int64_t repetition = e.field(3) ? e.field(3)->integer : 0;
    if (repetition == 2) fail("column " + c.name + ": repeated columns are not supported");
    c.required = repetition == 0;
    if (const ThriftValue* converted = e.field(6)) {
      switch (converted->integer) {
        case static_cast<std::int64_t>(ConvertedType::kUtf8):
          c.logical = LogicalType::kString;
          break;
        case static_cast<std::int64_t>(ConvertedType::kJson):
          c.logical = LogicalType::kJson;
          break;
        case static_cast<std::int64_t>(ConvertedType::kTimestampMillis):
          c.logical = LogicalType::kTimestampMillisUtc;
          break;
        case static_cast<std::int64_t>(ConvertedType::kTimestampMicros):
          c.logical = LogicalType::kTimestampMicrosUtc;
          break;
        default:
          break;
      }
    }
    if (const ThriftValue* id = e.field(9)) c.field_id = static_cast<std::int32_t>(id->integer);
    out.columns.push_back(std::move(c));
  }
  if (const ThriftValue* kvs = meta.field(5)) {
    for (const ThriftValue& kv : kvs->elements) {
      const ThriftValue* k = kv.field(1);
      const ThriftValue* v = kv.field(2);
      if (k != nullptr)
        out.key_values.push_back({std::string(k->binary), v ? std::string(v->binary) : ""});
    }
  }
  if (const ThriftValue* groups = meta.field(4)) {
    for (const ThriftValue& rg : groups->elements) {
      const std::int64_t rows = rg.required_int(3, "row group num_rows");
      const ThriftValue* chunks = rg.field(1);
      if (chunks == nullptr || chunks->elements.size() != out.columns.size()) {
        fail("row group has a different number of columns than the schema");
      }
      for (std::size_t i = 0; i < out.columns.size(); ++i) {
        const ThriftValue* cm = chunks->elements[i].field(3);
        if (cm == nullptr) fail("column chunk without metadata");
        if (cm->required_int(1, "column type") != static_cast<std::int64_t>(out.columns[i].type)) {
          fail("column " + out.columns[i].name + ": chunk type differs from the schema");
        }
        read_chunk(file, *cm, rows, out.columns[i]);
      }
      out.rows += static_cast<std::uint64_t>(rows);
    }
  }
  const std::int64_t total = meta.required_int(3, "num_rows");
  if (total < 0 || static_cast<std::uint64_t>(total) != out.rows) {
    fail("footer row count differs from its row groups");
  }
  return out;
}

}  // namespace tributary::lake::parquet
