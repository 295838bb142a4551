// GlueCatalog: keeps the AWS Glue Data Catalog's tables of the silver streams pointing at each
// table's current Iceberg metadata, so Athena (and anything else reading Glue) sees every commit.
//
// Protocol: Glue's JSON protocol (AWS JSON 1.1): POST / to the endpoint with
// `Content-Type: application/x-amz-json-1.1` and `X-Amz-Target: AWSGlue.<Action>`, signed with
// SigV4 (service "glue") through the store's credential chain. Actions: GetTable, CreateTable,
// UpdateTable. The table of a stream is <database>.<stream name>, registered as
// glue_table.h describes.
//
// table_published(stream, new, previous):
//  - GetTable. Missing (EntityNotFoundException): CreateTable pointing at `new`.
//  - Glue already points at `new`: nothing (a republish repeats the call).
//  - Glue points at a newer version of the same table (v<M>, M > N of `new`): nothing. The
//    pointer never moves backwards; a slow worker finishing an older publish must not undo a
//    newer one.
//  - Otherwise (Glue points at `previous`, at an older version because an earlier call failed,
//    at nothing, or at a location that is not one of this table's metadata files): UpdateTable
//    with Parameters metadata_location=`new`, previous_metadata_location=what Glue pointed at
//    (`previous` when it pointed at nothing), table_type=ICEBERG, and the rest of the table's
//    TableInput (StorageDescriptor, other Parameters, ...) as GetTable returned it. The state
//    database is the table's commit point, so Glue, a copy of its pointer, follows it.
//  - UpdateTable passes the VersionId GetTable returned: a concurrent change (another worker)
//    answers ConcurrentModificationException, and the whole decision is made again on a fresh
//    GetTable, up to kMaxAttempts times. CreateTable racing another worker's (AlreadyExists)
//    likewise. SkipArchive is set: Glue keeps no table version per commit (it limits them).
// Thread-safe: calls for different tables may run at once (each is its own GetTable/UpdateTable).
// Errors throw std::runtime_error naming the action, the table and Glue's error type and message
// (e.g. "Glue UpdateTable tributary.listen_events: HTTP 400 ConcurrentModificationException:
// ..."); never a credential. Network errors are not retried here: the caller's next publish of
// the table moves the pointer.
#pragma once

#include <memory>
#include <string>

#include "lake/iceberg/external_catalog.h"
#include "store/store_config.h"

namespace tributary::store {
class AwsCredentialChain;
class HttpClient;
}  // namespace tributary::store

namespace tributary::lake::iceberg {

struct GlueCatalogOptions {
  std::string database;    // the Glue database of the silver tables (required)
  std::string catalog_id;  // the Data Catalog's AWS account id; empty: the caller's account
  // scheme://host[:port]; empty: AWS_ENDPOINT_URL_GLUE, else https://glue.<region>.amazonaws.com.
  std::string endpoint;
  std::string region;  // empty: the store's (AWS_REGION, ...)
  // Credentials, TLS and timeouts: the store's configuration and the same AWS credential chain.
  store::StoreConfig store;
};

class GlueCatalog : public ExternalCatalog {
 public:
  static constexpr int kMaxAttempts = 5;

  // Throws std::invalid_argument for an empty database or a malformed endpoint.
  explicit GlueCatalog(GlueCatalogOptions options, store::EnvLookup env = store::process_env());
  ~GlueCatalog() override;
  GlueCatalog(const GlueCatalog&) = delete;
  GlueCatalog& operator=(const GlueCatalog&) = delete;

  void table_published(event::Stream stream, const std::string& metadata_location,
                       const std::string& previous_metadata_location) override;

  const std::string& endpoint() const { return endpoint_; }
  const std::string& region() const { return region_; }

 private:
  struct Response {
    long status = 0;   // 0: no response (network error)
    std::string type;  // Glue's error type without its namespace, e.g. EntityNotFoundException
    std::string body;  // the response, or what went wrong
  };
  Response call(const std::string& action, const std::string& body);
  // One GetTable-decide-write round; false when it must be redone (a concurrent change).
  bool publish_once(event::Stream stream, const std::string& metadata_location,
                    const std::string& previous_metadata_location);
  [[noreturn]] void fail(const std::string& action, event::Stream stream,
                         const Response& response) const;

  GlueCatalogOptions options_;
  std::string endpoint_;   // scheme://host[:port]
  std::string authority_;  // host[:port]
  std::string region_;
  std::unique_ptr<store::HttpClient> http_;
  std::unique_ptr<store::AwsCredentialChain> credentials_;
};

}  // namespace tributary::lake::iceberg
