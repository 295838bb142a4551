// Constants of the Parquet format (parquet-format's parquet.thrift) that the writer uses. The
// numeric values are part of the file format and must not change.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tributary::lake::parquet {

inline constexpr std::string_view kMagic = "PAR1";

enum class PhysicalType : std::int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kDouble = 5,
  kByteArray = 6,
};

enum class Encoding : std::int32_t {
  kPlain = 0,
  kRle = 3,
  kRleDictionary = 8,
};

enum class CompressionCodec : std::int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kZstd = 6,
};

// "zstd", "snappy", "none" (the CLI and config spelling).
std::optional<CompressionCodec> codec_from_name(std::string_view name);
std::string_view codec_name(CompressionCodec codec);

enum class PageType : std::int32_t {
  kDataPage = 0,
  kDictionaryPage = 2,
};

enum class Repetition : std::int32_t {
  kRequired = 0,
  kOptional = 1,
};

// ConvertedType values written next to the logical type for readers that predate LogicalType.
enum class ConvertedType : std::int32_t {
  kUtf8 = 0,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kJson = 19,
};

// Field ids of the LogicalType union.
enum class LogicalTypeId : std::int16_t {
  kString = 1,
  kTimestamp = 8,
  kJson = 12,
};

}  // namespace tributary::lake::parquet
