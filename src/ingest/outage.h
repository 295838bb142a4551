// Outages: failures that say a dependency is out of reach, not that something is wrong with the
// objects being ingested. The ingester waits them out (backing off, reconnecting) and does not
// count them against the objects' ingest.max_attempts, so an outage of any length never marks an
// object failed; every other failure counts one attempt (a poison object ends `failed`). A read
// of one object that fails while the store still answers is that object's failure alone, decided
// where it is read (batch_committer.h, step 1): it never reaches this classification.
#pragma once

#include <exception>
#include <optional>
#include <string_view>

#include "store/object_store.h"

namespace tributary::ingest {

// The source's bucket or root directory does not exist, as its listing found (code
// kNoSuchBucket): the generator, MinIO's set-up or a deploy may create it after the worker
// starts, so it is waited out like an outage. Only the source's listing throws it; any other
// missing bucket, and a root that exists but cannot be read, are failures.
class SourceMissing : public store::StoreError {
 public:
  explicit SourceMissing(const store::StoreError& e);
};

// "database" for warehouse::DatabaseUnavailable (the connection was lost or cannot be made);
// "source" for SourceMissing; "store" for a store::StoreError the client gave up on after its
// own retries (throttling, 5xx, network errors, timeouts, corrupted transfers); nullopt for
// anything else (access denied, a missing lake bucket, an SQL error, a bad argument, a lost
// lease).
std::optional<std::string_view> outage_kind(const std::exception& e);

}  // namespace tributary::ingest
