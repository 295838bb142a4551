#include "store/object_key.h"

#include <string>

#include "store/object_store.h"
#include "util/utf8.h"

namespace tributary::store {

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
  if (!util::is_valid_utf8(key)) fail("the key is not valid UTF-8");
}

}  // namespace tributary::store
