// libFuzzer target for the Parquet writer and tributary's own readers. The input is a script: it
// picks one of two modes, then every choice (schema, writer options, values, row selection).
//
//  - Writer: a random flat schema (every physical and logical type the writer offers, required or
//    optional, dictionary or not) gets random values (extremes, NaN and -0.0, empty and long
//    strings, arbitrary bytes, values repeated from a small pool so dictionaries form and fall
//    back), written by ParquetFileWriter in one or more calls through a row selection and an
//    optional indirection, with tiny pages and row groups, any codec. read_parquet_file must give
//    back exactly those values (doubles bit for bit), and the footer must describe them: row
//    counts, each chunk's statistics (null count, min and max in the type's order, NaN left out,
//    a zero min written as -0.0 and a zero max as +0.0, none when longer than
//    max_statistics_bytes), and with the page index every page's row range, header statistics
//    and ColumnIndex entry; the schema read back keeps each column's field_id and logical type
//    (milliseconds or microseconds); the file's metrics (ParquetFileWriter::metrics()) hold the
//    value and null counts of every column, its bounds over the whole file, and each row group's
//    offset.
//  - Silver: a random, schema-valid EventBatch of a random stream, split into parts, through
//    SilverTableWriter (small files, so partitions roll) into an in-memory store; every file read
//    back with read_silver_file must hold its partition's rows in batch order, and each manifest
//    entry its file's row count, byte size and ts range.
//
// Any difference aborts. The invariants checked are the Parquet specification's and the writer's
// documented contracts (column_writer.h, file_writer.h, silver_table_writer.h), computed here
// independently of the writer's code.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "event/batch.h"
#include "event/event_key.h"
#include "lake/event_date.h"
#include "lake/layout.h"
#include "lake/manifest.h"
#include "lake/parquet/file_reader.h"
#include "lake/parquet/file_writer.h"
#include "lake/parquet/thrift_reader.h"
#include "lake/silver_reader.h"
#include "lake/silver_table_writer.h"
#include "store/object_store.h"

namespace {

using namespace tributary;
using namespace tributary::lake::parquet;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "parquet_writer_fuzzer: %s\n", what);
    std::abort();
  }
}

// Reads the fuzz input as a stream of choices; past its end every read is 0, so every input is
// a complete script.
class Script {
 public:
  Script(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint64_t bits(int n) {
    std::uint64_t v = 0;
    for (int i = 0; i < n; i += 8) v |= static_cast<std::uint64_t>(byte()) << i;
    return n == 64 ? v : v & ((std::uint64_t{1} << n) - 1);
  }
  // A number in [lo, hi].
  std::uint64_t range(std::uint64_t lo, std::uint64_t hi) {
    const std::uint64_t span = hi - lo + 1;
    return lo + (span <= 256 ? byte() % span : bits(32) % span);
  }
  bool flag() { return (byte() & 1) != 0; }
  std::string bytes(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(byte()));
    return s;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

WriterOptions writer_options(Script& in) {
  WriterOptions o;
  const CompressionCodec codecs[] = {CompressionCodec::kUncompressed, CompressionCodec::kSnappy,
                                     CompressionCodec::kZstd};
  o.codec = codecs[in.range(0, 2)];
  o.page_rows = in.range(1, 64);
  o.page_bytes = in.range(1, 4096);
  o.dictionary_bytes_limit = in.range(0, 2048);
  o.row_group_rows = in.range(1, 300);
  o.row_group_bytes = in.range(1, 1 << 17);
  o.max_statistics_bytes = in.range(0, 80);
  o.page_index = in.flag();
  return o;
}

// ---------------------------------------------------------------------------------------------
// Writer mode.

// One column's input arrays, as ColumnInput will point at them, plus its spec.
struct GenColumn {
  ColumnSpec spec;
  std::vector<std::uint8_t> valid;      // by row (empty: no array, every row present)
  std::vector<std::uint32_t> indirect;  // by row (empty: value position = row)
  std::vector<std::int32_t> i32;
  std::vector<std::int64_t> i64;
  std::vector<double> f64;
  std::vector<std::uint8_t> boolean;
  std::vector<std::uint64_t> offsets{0};
  std::string bytes;

  std::size_t position(std::size_t row) const { return indirect.empty() ? row : indirect[row]; }
  bool present(std::size_t row) const { return valid.empty() || valid[row] != 0; }
  std::string_view string_at(std::size_t p) const {
    return std::string_view(bytes).substr(offsets[p], offsets[p + 1] - offsets[p]);
  }

  ColumnInput input() const {
    ColumnInput c;
    c.valid = valid.empty() ? nullptr : valid.data();
    c.indirection = indirect.empty() ? nullptr : indirect.data();
    switch (spec.type) {
      case PhysicalType::kBoolean:
        c.boolean = boolean.data();
        break;
      case PhysicalType::kInt32:
        c.i32 = i32.data();
        break;
      case PhysicalType::kInt64:
        c.i64 = i64.data();
        break;
      case PhysicalType::kDouble:
        c.f64 = f64.data();
        break;
      case PhysicalType::kByteArray:
        c.offsets = offsets.data();
        c.bytes = bytes.data();
        break;
    }
    return c;
  }
};

std::int32_t fresh_i32(Script& in) {
  const std::int32_t special[] = {0, -1, 1, std::numeric_limits<std::int32_t>::min(),
                                  std::numeric_limits<std::int32_t>::max()};
  const std::uint8_t pick = in.byte();
  return pick < 5 * 16 ? special[pick % 5] : static_cast<std::int32_t>(in.bits(32));
}

std::int64_t fresh_i64(Script& in) {
  const std::int64_t special[] = {0, -1, 1, std::numeric_limits<std::int64_t>::min(),
                                  std::numeric_limits<std::int64_t>::max()};
  const std::uint8_t pick = in.byte();
  return pick < 5 * 16 ? special[pick % 5] : static_cast<std::int64_t>(in.bits(64));
}

double fresh_f64(Script& in) {
  const double special[] = {0.0,
                            -0.0,
                            std::numeric_limits<double>::quiet_NaN(),
                            -std::numeric_limits<double>::quiet_NaN(),
                            std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity(),
                            std::numeric_limits<double>::denorm_min(),
                            std::numeric_limits<double>::max(),
                            std::numeric_limits<double>::lowest(),
                            1.5};
  const std::uint8_t pick = in.byte();
  return pick < 10 * 16 ? special[pick % 10] : std::bit_cast<double>(in.bits(64));
}

std::string fresh_bytes(Script& in) {
  switch (in.range(0, 3)) {
    case 0:
      return {};
    case 1:
    case 2:
      return in.bytes(in.range(1, 16));
    default: {
      // Long: past any max_statistics_bytes, so statistics are left out.
      const std::string unit = in.bytes(in.range(1, 4));
      std::string s;
      const std::size_t n = in.range(81, 600);
      while (s.size() < n) s += unit.empty() ? std::string(1, 'x') : unit;
      return s;
    }
  }
}

// Fills `c` with `positions` values: fresh ones, or repeats from a small pool (dictionaries).
void fill_values(GenColumn& c, std::size_t positions, Script& in) {
  const std::size_t pool_size = in.range(1, 16);
  const std::uint8_t repeat_below = in.byte();  // the chance of a pool value, in 256ths
  std::vector<std::size_t> pool;  // positions already filled that later ones may repeat
  for (std::size_t p = 0; p < positions; ++p) {
    std::optional<std::size_t> from;
    if (!pool.empty() && in.byte() < repeat_below) from = pool[in.range(0, pool.size() - 1)];
    switch (c.spec.type) {
      case PhysicalType::kBoolean:
        c.boolean.push_back(from ? c.boolean[*from] : static_cast<std::uint8_t>(in.flag()));
        break;
      case PhysicalType::kInt32:
        c.i32.push_back(from ? c.i32[*from] : fresh_i32(in));
        break;
      case PhysicalType::kInt64:
        c.i64.push_back(from ? c.i64[*from] : fresh_i64(in));
        break;
      case PhysicalType::kDouble:
        c.f64.push_back(from ? c.f64[*from] : fresh_f64(in));
        break;
      case PhysicalType::kByteArray: {
        const std::string v = from ? std::string(c.string_at(*from)) : fresh_bytes(in);
        c.bytes += v;
        c.offsets.push_back(c.bytes.size());
        break;
      }
    }
    if (!from && pool.size() < pool_size) pool.push_back(p);
  }
}

GenColumn gen_column(std::size_t index, std::size_t rows, Script& in) {
  GenColumn c;
  c.spec.name = "c" + std::to_string(index);
  const PhysicalType types[] = {PhysicalType::kBoolean, PhysicalType::kInt32, PhysicalType::kInt64,
                                PhysicalType::kDouble, PhysicalType::kByteArray};
  c.spec.type = types[in.range(0, 4)];
  if (c.spec.type == PhysicalType::kByteArray) {
    const LogicalType logical[] = {LogicalType::kNone, LogicalType::kString, LogicalType::kJson};
    c.spec.logical = logical[in.range(0, 2)];
  } else if (c.spec.type == PhysicalType::kInt64 && in.flag()) {
    c.spec.logical =
        in.flag() ? LogicalType::kTimestampMillisUtc : LogicalType::kTimestampMicrosUtc;
  }
  c.spec.required = in.flag();
  c.spec.dictionary = in.flag();
  if (in.flag()) c.spec.field_id = static_cast<std::int32_t>(in.bits(32));
  // A required column may still get a validity array, all ones; an optional one may get none.
  const std::uint8_t null_rate = in.byte();
  if (!c.spec.required ? in.byte() < 224 : in.flag()) {
    for (std::size_t r = 0; r < rows; ++r) {
      c.valid.push_back(c.spec.required || in.byte() >= null_rate ? 1 : 0);
    }
  }
  std::size_t positions = rows;
  if (in.flag()) {
    positions = in.range(1, 32);
    for (std::size_t r = 0; r < rows; ++r) {
      c.indirect.push_back(static_cast<std::uint32_t>(in.range(0, positions - 1)));
    }
  }
  fill_values(c, positions, in);
  return c;
}

// Statistics as the footer, the page headers and the ColumnIndex must hold them for rows
// [first, last) of `selection`.
struct Stats {
  std::int64_t nulls = 0;
  bool has_min_max = false;
  std::string min, max;  // PLAIN encodings (byte arrays without their length)
};

template <typename T>
std::string plain(T v) {
  std::string s(sizeof v, '\0');
  std::memcpy(s.data(), &v, sizeof v);
  return s;
}

Stats expected_stats(const GenColumn& c, const std::vector<std::uint32_t>& selection,
                     std::size_t first, std::size_t last, std::size_t max_bytes) {
  Stats s;
  // The type-defined order: signed integers, false < true, IEEE doubles without NaN (a zero min
  // is -0.0, a zero max +0.0), byte arrays as unsigned bytes.
  std::optional<std::int64_t> imin, imax;
  std::optional<double> dmin, dmax;
  std::optional<std::string_view> bmin, bmax;
  for (std::size_t i = first; i < last; ++i) {
    const std::uint32_t r = selection[i];
    if (!c.present(r)) {
      ++s.nulls;
      continue;
    }
    const std::size_t p = c.position(r);
    switch (c.spec.type) {
      case PhysicalType::kBoolean:
      case PhysicalType::kInt32:
      case PhysicalType::kInt64: {
        const std::int64_t v = c.spec.type == PhysicalType::kBoolean ? c.boolean[p]
                               : c.spec.type == PhysicalType::kInt32 ? c.i32[p]
                                                                     : c.i64[p];
        imin = imin ? std::min(*imin, v) : v;
        imax = imax ? std::max(*imax, v) : v;
        break;
      }
      case PhysicalType::kDouble: {
        const double v = c.f64[p];
        if (std::isnan(v)) break;
        dmin = dmin ? std::min(*dmin, v) : v;
        dmax = dmax ? std::max(*dmax, v) : v;
        break;
      }
      case PhysicalType::kByteArray: {
        const std::string_view v = c.string_at(p);
        bmin = bmin ? std::min(*bmin, v) : v;
        bmax = bmax ? std::max(*bmax, v) : v;
        break;
      }
    }
  }
  switch (c.spec.type) {
    case PhysicalType::kBoolean:
      if (imin) {
        s.min = std::string(1, static_cast<char>(*imin));
        s.max = std::string(1, static_cast<char>(*imax));
      }
      break;
    case PhysicalType::kInt32:
      if (imin) {
        s.min = plain(static_cast<std::int32_t>(*imin));
        s.max = plain(static_cast<std::int32_t>(*imax));
      }
      break;
    case PhysicalType::kInt64:
      if (imin) {
        s.min = plain(*imin);
        s.max = plain(*imax);
      }
      break;
    case PhysicalType::kDouble:
      if (dmin) {
        s.min = plain(*dmin == 0.0 ? -0.0 : *dmin);
        s.max = plain(*dmax == 0.0 ? 0.0 : *dmax);
      }
      break;
    case PhysicalType::kByteArray:
      if (bmin) {
        s.min = std::string(*bmin);
        s.max = std::string(*bmax);
      }
      break;
  }
  s.has_min_max = (imin || dmin || bmin) && s.min.size() <= max_bytes && s.max.size() <= max_bytes;
  if (!s.has_min_max) s.min.clear(), s.max.clear();
  return s;
}

// A Statistics struct (chunk metadata or page header) must equal `want`.
void check_statistics(const ThriftValue* stats, const Stats& want, const char* where) {
  check(stats != nullptr, where);
  const ThriftValue* nulls = stats->field(3);
  check(nulls != nullptr && nulls->integer == want.nulls, where);
  const ThriftValue* max = stats->field(5);
  const ThriftValue* min = stats->field(6);
  check((min != nullptr) == want.has_min_max && (max != nullptr) == want.has_min_max, where);
  if (want.has_min_max) check(min->binary == want.min && max->binary == want.max, where);
}

std::string_view from(std::string_view file, std::int64_t offset) {
  check(offset >= 0 && static_cast<std::uint64_t>(offset) < file.size(), "offset outside file");
  return file.substr(static_cast<std::size_t>(offset));
}

// The page index and the page headers of one column chunk of a row group whose rows are
// selection[first, first + rows).
void check_pages(std::string_view file, const ThriftValue& chunk, const GenColumn& c,
                 const std::vector<std::uint32_t>& selection, std::size_t first, std::int64_t rows,
                 const WriterOptions& options) {
  const ThriftValue* offset_index = chunk.field(4);
  check((offset_index != nullptr) == options.page_index, "offset index presence");
  if (offset_index == nullptr) {
    check(chunk.field(6) == nullptr, "a column index without the page index");
    return;
  }
  ThriftCompactReader oi(from(file, offset_index->integer));
  const ThriftValue locations = oi.read_struct();
  const ThriftValue* pages = locations.field(1);
  check(pages != nullptr && !pages->elements.empty(), "offset index without pages");
  check(chunk.field(5) != nullptr &&
            static_cast<std::size_t>(chunk.field(5)->integer) == oi.position(),
        "offset index length");
  std::vector<Stats> page_stats;
  bool complete = true;  // every page has min/max or holds only nulls
  for (std::size_t k = 0; k < pages->elements.size(); ++k) {
    const ThriftValue& loc = pages->elements[k];
    const std::int64_t page_first = loc.required_int(3, "first_row_index");
    const std::int64_t page_end = k + 1 < pages->elements.size()
                                      ? pages->elements[k + 1].required_int(3, "first_row_index")
                                      : rows;
    check(k == 0 ? page_first == 0 : page_first > 0, "first page starts at row 0");
    check(page_first < page_end && page_end <= rows, "page row ranges");
    check(static_cast<std::size_t>(page_end - page_first) <= options.page_rows, "page_rows");
    ThriftCompactReader header_reader(from(file, loc.required_int(1, "page offset")));
    const ThriftValue header = header_reader.read_struct();
    check(header.required_int(1, "page type") == static_cast<std::int64_t>(PageType::kDataPage),
          "offset index points at a data page");
    check(header.required_int(3, "compressed size") +
                  static_cast<std::int64_t>(header_reader.position()) ==
              loc.required_int(2, "compressed_page_size"),
          "compressed_page_size covers header and body");
    const ThriftValue* data = header.field(5);
    check(data != nullptr && data->required_int(1, "num_values") == page_end - page_first,
          "page value count");
    page_stats.push_back(expected_stats(c, selection, first + static_cast<std::size_t>(page_first),
                                        first + static_cast<std::size_t>(page_end),
                                        options.max_statistics_bytes));
    check_statistics(data->field(5), page_stats.back(), "page header statistics");
    complete = complete &&
               (page_stats.back().has_min_max || page_stats.back().nulls == page_end - page_first);
  }
  const ThriftValue* column_index = chunk.field(6);
  check((column_index != nullptr) == complete, "column index iff every page has statistics");
  if (column_index == nullptr) return;
  ThriftCompactReader ci(from(file, column_index->integer));
  const ThriftValue index = ci.read_struct();
  const ThriftValue* null_pages = index.field(1);
  const ThriftValue* mins = index.field(2);
  const ThriftValue* maxes = index.field(3);
  const ThriftValue* null_counts = index.field(5);
  check(null_pages && mins && maxes && null_counts, "column index fields");
  check(null_pages->elements.size() == page_stats.size() &&
            mins->elements.size() == page_stats.size() &&
            maxes->elements.size() == page_stats.size() &&
            null_counts->elements.size() == page_stats.size(),
        "column index has an entry per page");
  for (std::size_t k = 0; k < page_stats.size(); ++k) {
    check((null_pages->elements[k].integer != 0) == !page_stats[k].has_min_max, "null_pages");
    check(mins->elements[k].binary == page_stats[k].min, "column index min");
    check(maxes->elements[k].binary == page_stats[k].max, "column index max");
    check(null_counts->elements[k].integer == page_stats[k].nulls, "column index null count");
  }
}

void check_values(const ColumnValues& got, const GenColumn& c,
                  const std::vector<std::uint32_t>& selection) {
  check(got.name == c.spec.name && got.type == c.spec.type && got.required == c.spec.required &&
            got.field_id == c.spec.field_id && got.logical == c.spec.logical,
        "schema read back");
  check(got.valid.size() == selection.size(), "value count");
  for (std::size_t i = 0; i < selection.size(); ++i) {
    const std::uint32_t r = selection[i];
    const bool present = c.present(r);
    check((got.valid[i] != 0) == present, "null read back");
    if (!present) continue;
    const std::size_t p = c.position(r);
    switch (c.spec.type) {
      case PhysicalType::kBoolean:
        check(got.boolean[i] == c.boolean[p], "boolean read back");
        break;
      case PhysicalType::kInt32:
        check(got.i32[i] == c.i32[p], "int32 read back");
        break;
      case PhysicalType::kInt64:
        check(got.i64[i] == c.i64[p], "int64 read back");
        break;
      case PhysicalType::kDouble:
        check(std::bit_cast<std::uint64_t>(got.f64[i]) == std::bit_cast<std::uint64_t>(c.f64[p]),
              "double read back bit for bit");
        break;
      case PhysicalType::kByteArray:
        check(got.string_at(i) == c.string_at(p), "byte array read back");
        break;
    }
  }
}

void writer_mode(Script& in) {
  const WriterOptions options = writer_options(in);
  const std::size_t rows = in.range(0, 200);
  std::vector<GenColumn> columns;
  const std::size_t column_count = in.range(1, 6);
  for (std::size_t i = 0; i < column_count; ++i) columns.push_back(gen_column(i, rows, in));

  // Which rows, in which order: all, a subset, a permutation, or rows repeated.
  std::vector<std::uint32_t> selection;
  switch (in.range(0, 3)) {
    case 0:
      for (std::uint32_t r = 0; r < rows; ++r) selection.push_back(r);
      break;
    case 1:
      for (std::uint32_t r = 0; r < rows; ++r) {
        if (in.flag()) selection.push_back(r);
      }
      break;
    case 2:
      for (std::uint32_t r = 0; r < rows; ++r) selection.push_back(r);
      for (std::size_t i = selection.size(); i > 1; --i) {
        std::swap(selection[i - 1], selection[in.range(0, i - 1)]);
      }
      break;
    default:
      if (rows > 0) {
        for (std::size_t i = in.range(0, 400); i > 0; --i) {
          selection.push_back(static_cast<std::uint32_t>(in.range(0, rows - 1)));
        }
      }
      break;
  }
  std::vector<KeyValue> key_values;
  for (std::size_t i = in.range(0, 2); i > 0; --i) {
    key_values.push_back({in.bytes(in.range(0, 8)), in.bytes(in.range(0, 8))});
  }

  std::vector<ColumnSpec> schema;
  std::vector<ColumnInput> inputs;
  for (const GenColumn& c : columns) {
    schema.push_back(c.spec);
    inputs.push_back(c.input());
  }
  ParquetFileWriter writer(schema, options);
  // In one or several calls: row groups and pages must not care where calls end.
  for (std::size_t at = 0; at < selection.size();) {
    const std::size_t n = std::min<std::size_t>(selection.size() - at, in.range(1, 400));
    writer.write_rows(inputs, std::span(selection).subspan(at, n));
    at += n;
  }
  check(writer.rows_written() == selection.size(), "rows_written");
  const std::string file = writer.finish(key_values);

  const ParquetContents contents = read_parquet_file(file);
  check(contents.rows == selection.size(), "row count read back");
  check(contents.columns.size() == columns.size(), "column count read back");
  for (std::size_t i = 0; i < columns.size(); ++i) {
    check_values(contents.columns[i], columns[i], selection);
  }
  check(contents.key_values.size() == key_values.size(), "key-value count");
  for (std::size_t i = 0; i < key_values.size(); ++i) {
    check(contents.key_values[i].key == key_values[i].key &&
              contents.key_values[i].value == key_values[i].value,
          "key-value read back");
  }

  // The footer: row groups cover the selection in order, each chunk describes its rows.
  std::uint32_t footer_length = 0;
  std::memcpy(&footer_length, file.data() + file.size() - 8, 4);
  ThriftCompactReader footer_reader(
      std::string_view(file).substr(file.size() - 8 - footer_length, footer_length));
  const ThriftValue meta = footer_reader.read_struct();
  check(meta.required_int(3, "num_rows") == static_cast<std::int64_t>(selection.size()),
        "footer num_rows");
  const ThriftValue* groups = meta.field(4);
  std::size_t first = 0;
  for (const ThriftValue& group : groups ? groups->elements : std::vector<ThriftValue>{}) {
    const std::int64_t group_rows = group.required_int(3, "row group num_rows");
    check(group_rows > 0 && static_cast<std::size_t>(group_rows) <= options.row_group_rows,
          "row group size within row_group_rows");
    const ThriftValue* chunks = group.field(1);
    check(chunks != nullptr && chunks->elements.size() == columns.size(), "chunk count");
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const ThriftValue& chunk = chunks->elements[i];
      const ThriftValue* cm = chunk.field(3);
      check(cm != nullptr, "column metadata");
      check(cm->required_int(4, "codec") == static_cast<std::int64_t>(options.codec), "codec");
      check(cm->required_int(5, "num_values") == group_rows, "chunk num_values");
      const bool dictionary = cm->field(11) != nullptr;
      check(!dictionary ||
                (columns[i].spec.dictionary && columns[i].spec.type != PhysicalType::kBoolean),
            "dictionary page only for dictionary columns");
      check_statistics(
          cm->field(12),
          expected_stats(columns[i], selection, first, first + static_cast<std::size_t>(group_rows),
                         options.max_statistics_bytes),
          "chunk statistics");
      check_pages(file, chunk, columns[i], selection, first, group_rows, options);
    }
    first += static_cast<std::size_t>(group_rows);
  }
  check(first == selection.size(), "row groups cover every row");

  // The file's metrics: counts over every row; bounds the whole file's smallest and largest
  // value, absent only when no value orders (all null or NaN) or, for byte arrays, when some
  // value is too long for statistics (a chunk then has none, so the file cannot have bounds).
  const FileMetrics metrics = writer.metrics();
  check(metrics.columns.size() == columns.size(), "metrics per column");
  const std::size_t group_count = groups ? groups->elements.size() : 0;
  check(metrics.row_group_offsets.size() == group_count, "a row group offset per row group");
  for (std::size_t g = 0; g < group_count; ++g) {
    const ThriftValue& chunk = groups->elements[g].field(1)->elements[0];
    check(metrics.row_group_offsets[g] == chunk.required_int(2, "file_offset"), "row group offset");
  }
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const ColumnMetrics& m = metrics.columns[i];
    const Stats whole = expected_stats(columns[i], selection, 0, selection.size(),
                                       std::numeric_limits<std::size_t>::max());
    check(m.values == static_cast<std::int64_t>(selection.size()), "metrics value count");
    check(m.nulls == whole.nulls, "metrics null count");
    check(m.compressed_bytes >= 0 && (selection.empty() || m.compressed_bytes > 0),
          "metrics column size");
    // Whether some value's statistics are longer than max_statistics_bytes.
    bool any_long = false;
    if (columns[i].spec.type == PhysicalType::kByteArray) {
      for (const std::uint32_t r : selection) {
        if (columns[i].present(r) &&
            columns[i].string_at(columns[i].position(r)).size() > options.max_statistics_bytes) {
          any_long = true;
        }
      }
    } else {
      any_long = whole.min.size() > options.max_statistics_bytes;
    }
    if (m.has_bounds) {
      check(whole.has_min_max && m.min == whole.min && m.max == whole.max, "metrics bounds");
    } else {
      check(!whole.has_min_max || any_long, "metrics bounds missing");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Silver mode.

// A bucket in memory: the silver writer only puts.
class MemoryStore final : public store::ObjectStore {
 public:
  std::map<std::string, std::string, std::less<>> objects;

  store::ListPage list(std::string_view, std::string_view, std::size_t) override { return {}; }
  store::GetResult get(std::string_view key) override {
    const auto it = objects.find(key);
    if (it == objects.end()) throw store::StoreError(store::StoreErrorCode::kNotFound, "absent");
    return {it->second, {it->first, it->second.size(), {}, 0}};
  }
  store::GetResult get_range(std::string_view key, std::uint64_t, std::uint64_t) override {
    return get(key);
  }
  std::optional<store::ObjectInfo> head(std::string_view) override { return std::nullopt; }
  store::ObjectInfo put(std::string_view key, std::string_view body,
                        const store::PutOptions&) override {
    objects[std::string(key)] = std::string(body);
    return {std::string(key), body.size(), {}, 0};
  }
  void remove(std::string_view key) override {
    if (const auto it = objects.find(key); it != objects.end()) objects.erase(it);
  }
  std::string uri() const override { return "memory://"; }
};

// Valid UTF-8, as the decoder guarantees: empty, ASCII, multi-byte, or long.
std::string event_string(Script& in) {
  static constexpr std::string_view kPieces[] = {"a", "Z", " ", "\"", "\\", "é", "€", "🎵", "0"};
  std::string s;
  const std::size_t n = in.range(0, 3) == 3 ? in.range(100, 400) : in.range(0, 8);
  for (std::size_t i = 0; i < n; ++i) s += kPieces[in.range(0, std::size(kPieces) - 1)];
  return s;
}

double event_double(Script& in) {
  const double v = fresh_f64(in);
  return std::isfinite(v) ? v : 0.5;  // JSON numbers are finite
}

bool same_value(const event::Column& a, std::size_t ra, const event::Column& b, std::size_t rb) {
  if (a.is_valid(ra) != b.is_valid(rb)) return false;
  if (!a.is_valid(ra)) return true;
  switch (a.type) {
    case event::FieldType::kString:
      return a.str.at(ra) == b.str.at(rb);
    case event::FieldType::kInt32:
      return a.i32[ra] == b.i32[rb];
    case event::FieldType::kInt64:
    case event::FieldType::kTimestampMs:
      return a.i64[ra] == b.i64[rb];
    case event::FieldType::kDouble:
      return std::bit_cast<std::uint64_t>(a.f64[ra]) == std::bit_cast<std::uint64_t>(b.f64[rb]);
    case event::FieldType::kBool:
      return a.b[ra] == b.b[rb];
  }
  return false;
}

void silver_mode(Script& in) {
  const event::Stream stream = event::kAllStreams[in.range(0, event::kStreamCount - 1)];
  event::EventBatch batch(stream);
  std::vector<std::uint32_t> sources;
  for (std::size_t i = in.range(1, 3); i > 0; --i) {
    sources.push_back(batch.add_source("Raw/" + std::string(event::stream_name(stream)) + "/" +
                                       std::to_string(2024010100 + i) + "_0.json"));
  }
  const auto fields = batch.fields();
  // Event times within a few days, so rows spread over several partitions.
  constexpr std::int64_t kBase = 1'700'000'000'000;
  for (std::size_t row = in.range(0, 120); row > 0; --row) {
    std::vector<std::string> strings(fields.size());
    std::vector<event::FieldValue> values(fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i) {
      event::FieldValue& v = values[i];
      v.present = fields[i].required() || in.flag();
      if (!v.present) continue;
      switch (fields[i].info().type) {
        case event::FieldType::kString:
          strings[i] = event_string(in);
          v.s = strings[i];
          break;
        case event::FieldType::kInt32:
          v.i = fresh_i32(in);
          break;
        case event::FieldType::kInt64:
          v.i = fresh_i64(in);
          break;
        case event::FieldType::kTimestampMs:
          v.i = kBase + static_cast<std::int64_t>(in.range(0, 4 * 86'400)) * 1000 - 86'400'000;
          break;
        case event::FieldType::kDouble:
          v.d = event_double(in);
          break;
        case event::FieldType::kBool:
          v.b = in.flag();
          break;
      }
    }
    const std::string extra = in.flag() ? "" : "{\"k\":\"" + event_string(in) + "\"}";
    const event::EventKey key{in.bits(64), in.bits(64)};
    batch.append(values, extra, key, sources[in.range(0, sources.size() - 1)]);
  }

  // The batch as 1-3 consecutive parts: the files must be those of the whole batch.
  std::vector<event::EventBatch> parts;
  std::size_t part_start = 0;
  for (std::size_t p = in.range(1, 3); p > 0; --p) {
    const std::size_t end =
        p == 1 ? batch.size() : std::min(batch.size(), part_start + in.range(0, 100));
    parts.emplace_back(stream);
    for (std::size_t r = part_start; r < end; ++r) parts.back().append_row(batch, r);
    part_start = end;
  }
  std::vector<const event::EventBatch*> part_pointers;
  for (const event::EventBatch& p : parts) part_pointers.push_back(&p);

  lake::SilverWriteOptions options;
  options.parquet = writer_options(in);
  // Small files, so partitions roll, but not one file per row: each file costs a footer and a
  // writer per column, which would spend the run on set-up rather than on values.
  options.target_file_bytes = in.range(1, 1 << 16);
  options.max_file_rows = in.range(8, 128);
  options.threads = 1;
  MemoryStore lake;
  const std::vector<lake::ManifestEntry> entries =
      lake::SilverTableWriter(lake, options).write(part_pointers, "fuzz-batch");
  check(lake.objects.size() == entries.size(), "one object per manifest entry");

  // Each partition's rows, in batch order, must be its files' rows in file order.
  std::map<std::int64_t, std::vector<std::size_t>> want;
  for (std::size_t r = 0; r < batch.size(); ++r) {
    want[lake::utc_day(batch.column(event::Field::kTs).i64[r])].push_back(r);
  }
  std::map<std::string, std::map<int, const lake::ManifestEntry*>> files;  // partition -> n
  for (const lake::ManifestEntry& e : entries) {
    const std::size_t dash = e.key.rfind('-');
    files[e.partition][std::atoi(e.key.c_str() + dash + 1)] = &e;
  }
  check(files.size() == want.size(), "one partition per event date");
  for (const auto& [day, rows] : want) {
    const std::string partition = "event_date=" + lake::format_day(day);
    check(files.count(partition) == 1, "partition of every event date");
    std::size_t next = 0;
    int expected_n = 0;
    for (const auto& [n, entry] : files[partition]) {
      check(n == expected_n++, "file numbers count from 0");
      check(entry->key == lake::layout::silver_partition_prefix(stream, day) + "part-fuzz-batch-" +
                              std::to_string(n) + ".parquet",
            "file key");
      const std::string& body = lake.objects.at(entry->key);
      check(entry->bytes == body.size() && entry->rows > 0, "entry size");
      check(entry->rows <= options.max_file_rows, "max_file_rows");
      const event::EventBatch got = lake::read_silver_file(body, stream);
      check(got.size() == entry->rows, "entry rows");
      std::int64_t min_ts = std::numeric_limits<std::int64_t>::max();
      std::int64_t max_ts = std::numeric_limits<std::int64_t>::min();
      for (std::size_t g = 0; g < got.size(); ++g, ++next) {
        check(next < rows.size(), "more rows than the partition has");
        const std::size_t r = rows[next];
        for (std::size_t i = 0; i < fields.size(); ++i) {
          check(same_value(got.column(i), g, batch.column(i), r), "silver value read back");
        }
        check(same_value(got.extra(), g, batch.extra(), r), "silver extra read back");
        check(got.keys()[g] == batch.keys()[r], "event_key read back");
        check(got.source_key(g) == batch.source_key(r), "source_key read back");
        const std::int64_t ts = got.column(event::Field::kTs).i64[g];
        min_ts = std::min(min_ts, ts);
        max_ts = std::max(max_ts, ts);
      }
      check(entry->min_ts_ms == min_ts && entry->max_ts_ms == max_ts, "entry ts range");
    }
    check(next == rows.size(), "every row of the partition written");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Script in(data, size);
  if (in.byte() < 192) {
    writer_mode(in);
  } else {
    silver_mode(in);
  }
  return 0;
}
