#include "lake/parquet/format.h"

namespace tributary::lake::parquet {

std::optional<CompressionCodec> codec_from_name(std::string_view name) {
  if (name == "zstd") return CompressionCodec::kZstd;
  if (name == "snappy") return CompressionCodec::kSnappy;
  if (name == "none") return CompressionCodec::kUncompressed;
  return std::nullopt;
}

std::string_view codec_name(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kZstd:
      return "zstd";
    case CompressionCodec::kSnappy:
      return "snappy";
    case CompressionCodec::kUncompressed:
      return "none";
  }
  return "unknown";
}

}  // namespace tributary::lake::parquet
