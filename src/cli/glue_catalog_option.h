// The Glue catalog a command keeps in step with the silver tables, from the `glue:` settings:
// `run` after each batch's commit, `compact` after each replace snapshot and expiry.
#pragma once

#include <memory>

#include "ingest/ingest_config.h"
#include "lake/iceberg/glue_catalog.h"

namespace tributary::cli {

// Null when `config` names no Glue database (glue.database / TRIBUTARY_GLUE_DATABASE).
std::unique_ptr<lake::iceberg::GlueCatalog> open_glue_catalog(const ingest::IngestConfig& config);

}  // namespace tributary::cli
