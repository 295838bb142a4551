#include "cli/glue_catalog_option.h"

#include "util/log.h"

namespace tributary::cli {

std::unique_ptr<lake::iceberg::GlueCatalog> open_glue_catalog(const ingest::IngestConfig& config) {
  if (config.glue.database.empty()) return nullptr;
  lake::iceberg::GlueCatalogOptions options;
  options.database = config.glue.database;
  options.catalog_id = config.glue.catalog_id;
  options.region = config.glue.region;
  options.endpoint = config.glue.endpoint;
  options.store = config.store;
  auto glue = std::make_unique<lake::iceberg::GlueCatalog>(options);
  util::log_info("glue.catalog", {{"database", config.glue.database},
                                  {"endpoint", glue->endpoint()},
                                  {"region", glue->region()}});
  return glue;
}

}  // namespace tributary::cli
