// Message digests the stores need: MD5 (S3's single-part ETag and Content-MD5), SHA-256 and
// HMAC-SHA256 (AWS Signature V4). Thin wrappers over OpenSSL's EVP interface.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/hex.h"

namespace tributary::store {

using Md5Digest = std::array<std::uint8_t, 16>;
using Sha256Digest = std::array<std::uint8_t, 32>;

// Incremental MD5, for bodies hashed while they are written.
class Md5Hasher {
 public:
  Md5Hasher();
  ~Md5Hasher();
  Md5Hasher(const Md5Hasher&) = delete;
  Md5Hasher& operator=(const Md5Hasher&) = delete;

  void update(std::string_view data);
  // Ends the hash; the hasher must not be updated afterwards.
  Md5Digest finish();

 private:
  void* ctx_;  // EVP_MD_CTX*
};

Md5Digest md5(std::string_view data);
Sha256Digest sha256(std::string_view data);
Sha256Digest hmac_sha256(std::string_view key, std::string_view data);

// Lower-case hexadecimal and standard (padded) base64 encodings of raw bytes.
std::string to_base64(const std::uint8_t* data, std::size_t size);

template <std::size_t N>
std::string to_hex(const std::array<std::uint8_t, N>& d) {
  return util::hex_encode(d.data(), N);
}
template <std::size_t N>
std::string to_base64(const std::array<std::uint8_t, N>& d) {
  return to_base64(d.data(), N);
}

}  // namespace tributary::store
