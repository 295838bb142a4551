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

namespace tributary::ingest {

// "database" for warehouse::DatabaseUnavailable (the connection was lost or cannot be made);
// "store" for a store::StoreError the client gave up on after its own retries (throttling, 5xx,
// network errors, timeouts, corrupted transfers); nullopt for anything else (access denied, a
// missing bucket, an SQL error, a bad argument, a lost lease).
std::optional<std::string_view> outage_kind(const std::exception& e);

}  // namespace tributary::ingest
