#include "util/base64.h"

#include <openssl/evp.h>

namespace tributary::util {

std::string base64(std::string_view bytes) {
  // EVP_EncodeBlock writes 4 characters per 3 bytes (or part) and a terminating NUL.
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace tributary::util
