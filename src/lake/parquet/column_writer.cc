#include "lake/parquet/column_writer.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "lake/parquet/compression.h"
#include "lake/parquet/metadata_encoder.h"
#include "lake/parquet/rle_hybrid.h"

namespace tributary::lake::parquet {
namespace {

static_assert(std::endian::native == std::endian::little,
              "PLAIN encoding is written with memcpy, which assumes a little-endian host");

template <typename T>
void append_le(std::string& out, T value) {
  char buf[sizeof(T)];
  std::memcpy(buf, &value, sizeof(T));
  out.append(buf, sizeof(T));
}

// Per physical type: how a value is fetched from a ColumnInput, PLAIN-encoded, ordered, kept as a
// statistic and keyed in the dictionary.
struct Int32Traits {
  using Value = std::int32_t;
  using Stored = std::int32_t;
  using DictKey = std::int32_t;
  static const void* array(const ColumnInput& in) { return in.i32; }
  static Value get(const ColumnInput& in, std::size_t p) { return in.i32[p]; }
  static void plain(std::string& out, Value v) { append_le(out, v); }
  static std::size_t plain_size(Value) { return 4; }
  static DictKey key(Value v) { return v; }
  static bool orderable(Value) { return true; }
  static std::string stat(const Stored& v, bool) {
    std::string s;
    append_le(s, v);
    return s;
  }
};

struct Int64Traits {
  using Value = std::int64_t;
  using Stored = std::int64_t;
  using DictKey = std::int64_t;
  static const void* array(const ColumnInput& in) { return in.i64; }
  static Value get(const ColumnInput& in, std::size_t p) { return in.i64[p]; }
  static void plain(std::string& out, Value v) { append_le(out, v); }
  static std::size_t plain_size(Value) { return 8; }
  static DictKey key(Value v) { return v; }
  static bool orderable(Value) { return true; }
  static std::string stat(const Stored& v, bool) {
    std::string s;
    append_le(s, v);
    return s;
  }
};

struct DoubleTraits {
  using Value = double;
  using Stored = double;
  using DictKey = std::uint64_t;  // the bit pattern: -0.0 and 0.0 stay distinct
  static const void* array(const ColumnInput& in) { return in.f64; }
  static Value get(const ColumnInput& in, std::size_t p) { return in.f64[p]; }
  static void plain(std::string& out, Value v) { append_le(out, v); }
  static std::size_t plain_size(Value) { return 8; }
  static DictKey key(Value v) { return std::bit_cast<std::uint64_t>(v); }
  static bool orderable(Value v) { return !std::isnan(v); }
  static std::string stat(Stored v, bool is_min) {
    if (v == 0.0) v = is_min ? -0.0 : 0.0;
    std::string s;
    append_le(s, v);
    return s;
  }
};

struct ByteArrayTraits {
  using Value = std::string_view;
  using Stored = std::string;
  using DictKey = std::string;
  static const void* array(const ColumnInput& in) {
    return in.offsets != nullptr && in.bytes != nullptr ? in.offsets : nullptr;
  }
  static Value get(const ColumnInput& in, std::size_t p) {
    return {in.bytes + in.offsets[p], static_cast<std::size_t>(in.offsets[p + 1] - in.offsets[p])};
  }
  static void plain(std::string& out, Value v) {
    append_le(out, static_cast<std::uint32_t>(v.size()));
    out.append(v);
  }
  static std::size_t plain_size(Value v) { return 4 + v.size(); }
  static std::string_view key(Value v) { return v; }
  static bool orderable(Value) { return true; }
  static std::string stat(const Stored& v, bool) { return v; }
};

struct BoolTraits {
  using Value = bool;
  using Stored = bool;
  using DictKey = bool;
  static DictKey key(Value v) { return v; }
  static const void* array(const ColumnInput& in) { return in.boolean; }
  static Value get(const ColumnInput& in, std::size_t p) { return in.boolean[p] != 0; }
  static bool orderable(Value) { return true; }
  static std::string stat(Stored v, bool) { return std::string(1, v ? '\1' : '\0'); }
};

// Transparent hashing so string dictionaries are probed with string_views.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <typename Traits>
using Dictionary =
    std::conditional_t<std::is_same_v<Traits, ByteArrayTraits>,
                       std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>>,
                       std::unordered_map<typename Traits::DictKey, std::uint32_t>>;

// Running min/max/null count of a page or a chunk.
template <typename Traits>
struct RunningStatistics {
  std::int64_t nulls = 0;
  bool has = false;
  typename Traits::Stored min{};
  typename Traits::Stored max{};

  void add(typename Traits::Value v) {
    if (!Traits::orderable(v)) return;
    if (!has) {
      min = typename Traits::Stored(v);
      max = typename Traits::Stored(v);
      has = true;
      return;
    }
    if (v < min) min = typename Traits::Stored(v);
    if (max < v) max = typename Traits::Stored(v);
  }

  void merge(const RunningStatistics& o) {
    nulls += o.nulls;
    if (!o.has) return;
    if (!has) {
      min = o.min;
      max = o.max;
      has = true;
      return;
    }
    if (o.min < min) min = o.min;
    if (max < o.max) max = o.max;
  }

  EncodedStatistics encode(std::size_t max_bytes) const {
    EncodedStatistics s;
    s.null_count = nulls;
    if (has) {
      s.min = Traits::stat(min, true);
      s.max = Traits::stat(max, false);
      s.has_min_max = s.min.size() <= max_bytes && s.max.size() <= max_bytes;
      if (!s.has_min_max) {
        s.min.clear();
        s.max.clear();
      }
    }
    return s;
  }
};

std::int32_t checked_i32(std::size_t n, const std::string& column) {
  if (n > static_cast<std::size_t>(INT32_MAX)) {
    throw std::length_error("parquet column " + column + ": a page exceeds 2 GiB");
  }
  return static_cast<std::int32_t>(n);
}

template <typename Traits>
class TypedColumnWriter final : public ParquetColumnWriter {
 public:
  static constexpr bool kIsBool = std::is_same_v<Traits, BoolTraits>;

  TypedColumnWriter(ColumnSpec spec, const WriterOptions& options)
      : spec_(std::move(spec)),
        options_(options),
        compressor_(options.codec, options.zstd_level),
        use_dictionary_(spec_.dictionary && !kIsBool) {}

  const ColumnSpec& spec() const override { return spec_; }

  void write(const ColumnInput& in, std::span<const std::uint32_t> rows) override {
    if (Traits::array(in) == nullptr) {
      throw std::invalid_argument("parquet column " + spec_.name +
                                  ": input has no values of the column's type");
    }
    if (spec_.required && in.valid != nullptr) {
      for (std::uint32_t r : rows) {
        if (in.valid[r] == 0) {
          throw std::invalid_argument("parquet column " + spec_.name +
                                      ": null in a required column");
        }
      }
    }
    for (std::uint32_t r : rows) {
      const bool present = in.valid == nullptr || in.valid[r] != 0;
      if (!spec_.required) levels_.push_back(present ? 1 : 0);
      ++page_values_;
      if (present) {
        const std::size_t p = in.indirection != nullptr ? in.indirection[r] : r;
        append_value(Traits::get(in, p));
      } else {
        ++page_stats_.nulls;
      }
      if (page_values_ >= options_.page_rows || page_encoded_bytes() >= options_.page_bytes ||
          fall_back_after_page_) {
        close_page();
      }
    }
  }

  std::size_t buffered_bytes() const override { return pages_.size() + page_encoded_bytes(); }

  ColumnChunkInfo finish_chunk(std::string& file) override {
    close_page();
    ColumnChunkInfo info;
    info.start_offset = static_cast<std::int64_t>(file.size());
    std::int32_t plain_pages = 0;
    std::int32_t dictionary_pages = 0;
    for (const Encoding e : page_encodings_) {
      plain_pages += e == Encoding::kPlain ? 1 : 0;
      dictionary_pages += e == Encoding::kRleDictionary ? 1 : 0;
    }
    const bool any_plain = plain_pages > 0;
    const bool any_dictionary = dictionary_pages > 0;
    if (any_dictionary) {
      info.encoding_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
      info.encoding_stats.push_back(
          {PageType::kDataPage, Encoding::kRleDictionary, dictionary_pages});
    }
    if (any_plain)
      info.encoding_stats.push_back({PageType::kDataPage, Encoding::kPlain, plain_pages});
    if (any_dictionary) {
      info.dictionary_page_offset = info.start_offset;
      write_dictionary_page(file, info);
    }
    info.data_page_offset = static_cast<std::int64_t>(file.size());
    file.append(pages_);
    info.num_values = chunk_values_;
    info.total_uncompressed_size += pages_uncompressed_;
    info.total_compressed_size += static_cast<std::int64_t>(pages_.size());
    if (any_plain || any_dictionary) info.encodings.push_back(Encoding::kPlain);
    if (!spec_.required || any_dictionary) info.encodings.push_back(Encoding::kRle);
    if (any_dictionary) info.encodings.push_back(Encoding::kRleDictionary);
    info.statistics = chunk_stats_.encode(options_.max_statistics_bytes);
    info.pages = std::move(page_infos_);
    for (PageInfo& p : info.pages) p.offset += info.data_page_offset;
    reset_chunk();
    return info;
  }

 private:
  std::size_t page_encoded_bytes() const {
    return levels_.size() / 8 + (dictionary_mode() ? indices_.size() * 4 : plain_.size());
  }

  bool dictionary_mode() const { return use_dictionary_ && !fallen_back_; }

  void append_value(typename Traits::Value v) {
    if constexpr (kIsBool) {
      page_stats_.add(v);
      if (v) plain_bits_acc_ |= static_cast<std::uint8_t>(1u << plain_bits_);
      if (++plain_bits_ == 8) {
        plain_.push_back(static_cast<char>(plain_bits_acc_));
        plain_bits_ = 0;
        plain_bits_acc_ = 0;
      }
    } else {
      if (!dictionary_mode()) {
        page_stats_.add(v);
        Traits::plain(plain_, v);
        return;
      }
      auto it = dictionary_.find(Traits::key(v));
      if (it == dictionary_.end()) {
        const auto index = static_cast<std::uint32_t>(dictionary_values_.size());
        it =
            dictionary_.emplace(typename Dictionary<Traits>::key_type(Traits::key(v)), index).first;
        dictionary_values_.push_back(v);
        dictionary_bytes_ += Traits::plain_size(v);
        if constexpr (std::is_same_v<Traits, ByteArrayTraits>) {
          // The map owns the bytes (its nodes never move); the value list points into its key.
          dictionary_values_.back() = it->first;
        }
      }
      // A dictionary value enters the page's statistics once per page, not once per row.
      if (stamps_.size() <= it->second) stamps_.resize(it->second + 1, 0);
      if (stamps_[it->second] != page_serial_) {
        stamps_[it->second] = page_serial_;
        page_stats_.add(v);
      }
      indices_.push_back(it->second);
      if (dictionary_bytes_ > options_.dictionary_bytes_limit) fall_back_after_page_ = true;
    }
  }

  void close_page() {
    if (page_values_ == 0) return;
    const bool dict = dictionary_mode();
    body_.clear();
    if (!spec_.required) {
      body_.append(4, '\0');
      RleBitPackedEncoder levels(body_, 1);
      for (std::uint8_t l : levels_) levels.put(l);
      levels.finish();
      const auto n = static_cast<std::uint32_t>(body_.size() - 4);
      std::memcpy(body_.data(), &n, 4);
    }
    if (dict) {
      const auto width = std::max(
          1, bit_width_for(dictionary_values_.empty()
                               ? 0
                               : static_cast<std::uint32_t>(dictionary_values_.size() - 1)));
      body_.push_back(static_cast<char>(width));
      RleBitPackedEncoder encoder(body_, width);
      for (std::uint32_t i : indices_) encoder.put(i);
      encoder.finish();
    } else {
      if constexpr (kIsBool) {
        if (plain_bits_ > 0) plain_.push_back(static_cast<char>(plain_bits_acc_));
      }
      body_.append(plain_);
    }
    compressor_.compress(body_, compressed_);

    PageInfo page;
    page.offset = static_cast<std::int64_t>(pages_.size());
    page.first_row = chunk_values_;
    page.values = static_cast<std::int64_t>(page_values_);
    page.statistics = page_stats_.encode(options_.max_statistics_bytes);
    const std::size_t header_start = pages_.size();
    encode_data_page_header(pages_, checked_i32(body_.size(), spec_.name),
                            checked_i32(compressed_.size(), spec_.name),
                            checked_i32(page_values_, spec_.name),
                            dict ? Encoding::kRleDictionary : Encoding::kPlain, &page.statistics);
    const std::size_t header_size = pages_.size() - header_start;
    pages_.append(compressed_);
    page.compressed_size = checked_i32(header_size + compressed_.size(), spec_.name);
    pages_uncompressed_ += static_cast<std::int64_t>(header_size + body_.size());
    page_infos_.push_back(std::move(page));
    page_encodings_.push_back(dict ? Encoding::kRleDictionary : Encoding::kPlain);

    // The dictionary stops paying off when it grows past its limit, or when the first page shows
    // mostly distinct values; the rest of the chunk is PLAIN.
    // fall_back_after_page_ asks for this one early close only: left set, it would close a page
    // after every later value of the chunk.
    if (dict && (fall_back_after_page_ ||
                 (page_infos_.size() == 1 &&
                  dictionary_values_.size() * 2 >
                      page_values_ - static_cast<std::size_t>(page_stats_.nulls)))) {
      fallen_back_ = true;
    }
    fall_back_after_page_ = false;
    ++page_serial_;
    chunk_values_ += static_cast<std::int64_t>(page_values_);
    chunk_stats_.merge(page_stats_);
    page_stats_ = {};
    page_values_ = 0;
    levels_.clear();
    indices_.clear();
    plain_.clear();
    plain_bits_ = 0;
    plain_bits_acc_ = 0;
  }

  void write_dictionary_page(std::string& file, ColumnChunkInfo& info) {
    body_.clear();
    if constexpr (!kIsBool) {
      for (const auto& v : dictionary_values_) Traits::plain(body_, v);
    }
    compressor_.compress(body_, compressed_);
    const std::size_t header_start = file.size();
    encode_dictionary_page_header(file, checked_i32(body_.size(), spec_.name),
                                  checked_i32(compressed_.size(), spec_.name),
                                  checked_i32(dictionary_values_.size(), spec_.name));
    const std::size_t header_size = file.size() - header_start;
    file.append(compressed_);
    info.total_uncompressed_size += static_cast<std::int64_t>(header_size + body_.size());
    info.total_compressed_size += static_cast<std::int64_t>(header_size + compressed_.size());
  }

  void reset_chunk() {
    pages_.clear();
    pages_uncompressed_ = 0;
    page_infos_.clear();
    page_encodings_.clear();
    chunk_values_ = 0;
    chunk_stats_ = {};
    dictionary_values_.clear();
    dictionary_.clear();
    stamps_.clear();
    dictionary_bytes_ = 0;
    fallen_back_ = false;
    fall_back_after_page_ = false;
  }

  ColumnSpec spec_;
  WriterOptions options_;
  PageCompressor compressor_;
  const bool use_dictionary_;

  // The open page.
  std::size_t page_values_ = 0;  // rows, nulls included
  std::vector<std::uint8_t> levels_;
  std::vector<std::uint32_t> indices_;  // dictionary mode
  std::string plain_;                   // PLAIN mode
  int plain_bits_ = 0;                  // BOOLEAN: bits pending in plain_bits_acc_
  std::uint8_t plain_bits_acc_ = 0;
  RunningStatistics<Traits> page_stats_;

  // The open chunk.
  std::string pages_;  // finished data pages, headers included, compressed
  std::int64_t pages_uncompressed_ = 0;
  std::vector<PageInfo> page_infos_;  // offsets relative to pages_
  std::vector<Encoding> page_encodings_;
  std::int64_t chunk_values_ = 0;
  RunningStatistics<Traits> chunk_stats_;
  Dictionary<Traits> dictionary_;
  std::vector<typename Traits::Value> dictionary_values_;  // in index order
  std::size_t dictionary_bytes_ = 0;                       // PLAIN size of the dictionary page
  // stamps_[i] == page_serial_ once dictionary value i is in the open page's statistics.
  std::vector<std::uint32_t> stamps_;
  std::uint32_t page_serial_ = 1;
  bool fallen_back_ = false;
  bool fall_back_after_page_ = false;

  // Scratch buffers reused across pages.
  std::string body_;
  std::string compressed_;
};

template <typename Traits>
std::unique_ptr<ParquetColumnWriter> make(const ColumnSpec& spec, const WriterOptions& options) {
  return std::make_unique<TypedColumnWriter<Traits>>(spec, options);
}

}  // namespace

std::unique_ptr<ParquetColumnWriter> ParquetColumnWriter::create(const ColumnSpec& spec,
                                                                 const WriterOptions& options) {
  const bool byte_array_logical =
      spec.logical == LogicalType::kString || spec.logical == LogicalType::kJson;
  if (byte_array_logical && spec.type != PhysicalType::kByteArray) {
    throw std::invalid_argument("parquet column " + spec.name +
                                ": STRING and JSON need BYTE_ARRAY");
  }
  if ((spec.logical == LogicalType::kTimestampMillisUtc ||
       spec.logical == LogicalType::kTimestampMicrosUtc) &&
      spec.type != PhysicalType::kInt64) {
    throw std::invalid_argument("parquet column " + spec.name + ": TIMESTAMP needs INT64");
  }
  if (spec.name.empty()) throw std::invalid_argument("parquet column without a name");
  switch (spec.type) {
    case PhysicalType::kBoolean:
      return make<BoolTraits>(spec, options);
    case PhysicalType::kInt32:
      return make<Int32Traits>(spec, options);
    case PhysicalType::kInt64:
      return make<Int64Traits>(spec, options);
    case PhysicalType::kDouble:
      return make<DoubleTraits>(spec, options);
    case PhysicalType::kByteArray:
      return make<ByteArrayTraits>(spec, options);
  }
  throw std::invalid_argument("parquet column " + spec.name + ": unsupported physical type");
}

}  // namespace tributary::lake::parquet
