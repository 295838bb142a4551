// Rules every store applies to object keys before touching storage, so that a key one backend
// accepts is accepted by all (the conformance suite relies on this).
#pragma once

#include <string_view>

namespace tributary::store {

// S3's own limit on a key's UTF-8 length.
inline constexpr std::size_t kMaxKeyBytes = 1024;

// Throws StoreError{kInvalidArgument} naming the problem unless `key` is 1..1024 bytes of valid
// UTF-8 without NUL and without a leading '/'. Stores may add rules of their own (FileStore
// cannot represent every S3 key as a path; see file_store.h).
void check_object_key(std::string_view key);

}  // namespace tributary::store
