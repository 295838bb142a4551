#include "ingest/outage.h"

#include "store/object_store.h"
#include "store/s3_error.h"
#include "warehouse/sql_connection.h"

namespace tributary::ingest {

SourceMissing::SourceMissing(const store::StoreError& e)
    : StoreError(e.code(),
                 std::string(e.what()) + " (not created yet? a streaming run waits for it)",
                 e.request_id()) {}

std::optional<std::string_view> outage_kind(const std::exception& e) {
  if (dynamic_cast<const warehouse::DatabaseUnavailable*>(&e) != nullptr) return "database";
  if (dynamic_cast<const SourceMissing*>(&e) != nullptr) return "source";
  if (const auto* store_error = dynamic_cast<const store::StoreError*>(&e)) {
    if (store::is_retryable(store_error->code())) return "store";
  }
  return std::nullopt;
}

}  // namespace tributary::ingest
