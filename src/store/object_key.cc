#include "store/object_key.h"

#include <string>

#include "store/object_store.h"

namespace tributary::store {

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

void check_object_key(std::string_view key) {
  auto fail = [&](const std::string& why) {
    throw StoreError(StoreErrorCode::kInvalidArgument, "invalid object key: " + why);
  };
  if (key.empty()) fail("the key is empty");
  if (key.size() > kMaxKeyBytes) {
    fail("the key is " + std::to_string(key.size()) + " bytes, more than S3's limit of " +
         std::to_string(kMaxKeyBytes));
  }
  if (key.front() == '/') fail("'" + std::string(key) + "' starts with '/'");
  if (key.find('\0') != std::string_view::npos) fail("the key contains a NUL byte");
  if (!is_valid_utf8(key)) fail("the key is not valid UTF-8");
}

}  // namespace tributary::store
