#include "store/digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "util/base64.h"

namespace tributary::store {

namespace {

EVP_MD_CTX* as_ctx(void* p) {
  return static_cast<EVP_MD_CTX*>(p);
}

}  // namespace

Md5Hasher::Md5Hasher() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(as_ctx(ctx_), EVP_md5(), nullptr) != 1) {
    EVP_MD_CTX_free(as_ctx(ctx_));
    throw std::runtime_error("OpenSSL: cannot initialise MD5");
  }
}

Md5Hasher::~Md5Hasher() {
  EVP_MD_CTX_free(as_ctx(ctx_));
}

void Md5Hasher::update(std::string_view data) {
  if (EVP_DigestUpdate(as_ctx(ctx_), data.data(), data.size()) != 1) {
    throw std::runtime_error("OpenSSL: MD5 update failed");
  }
}

Md5Digest Md5Hasher::finish() {
  Md5Digest out{};
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(as_ctx(ctx_), out.data(), &n) != 1 || n != out.size()) {
    throw std::runtime_error("OpenSSL: MD5 final failed");
  }
  return out;
}

Md5Digest md5(std::string_view data) {
  Md5Hasher h;
  h.update(data);
  return h.finish();
}

Sha256Digest sha256(std::string_view data) {
  Sha256Digest out{};
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &n, EVP_sha256(), nullptr) != 1 ||
      n != out.size()) {
    throw std::runtime_error("OpenSSL: SHA-256 failed");
  }
  return out;
}

Sha256Digest hmac_sha256(std::string_view key, std::string_view data) {
  Sha256Digest out{};
  unsigned int n = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
           &n) == nullptr ||
      n != out.size()) {
    throw std::runtime_error("OpenSSL: HMAC-SHA256 failed");
  }
  return out;
}

std::string to_base64(const std::uint8_t* data, std::size_t size) {
  return util::base64(std::string_view(reinterpret_cast<const char*>(data), size));
}

}  // namespace tributary::store
