// open_store: the one way the rest of tributary gets an ObjectStore, from a URI.
//
//   file:///abs/dir         FileStore rooted at /abs/dir (percent-escapes decoded, e.g. %20)
//   s3://bucket             S3Store on the whole bucket
//   s3://bucket/prefix      S3Store whose keys are relative to "prefix/"
//
// Anything else throws StoreError{kInvalidArgument} saying what is wrong with the URI.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "store/object_store.h"
#include "store/store_config.h"

namespace tributary::store {

// `config` is resolved against the environment (resolve_store_config) before use.
std::unique_ptr<ObjectStore> open_store(std::string_view uri, const StoreConfig& config = {});

// The file:// URI that open_store() reads as the directory `dir` (absolute): the characters a
// file URI gives a meaning to ('%', '?', '#') are percent-escaped, so any path round-trips.
std::string file_store_uri(const std::filesystem::path& dir);

}  // namespace tributary::store
