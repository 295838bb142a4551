// ExternalCatalog: a catalog outside the state database that must follow where each silver
// table's current metadata lives (AWS Glue, which Athena reads). The state database's
// iceberg_tables row is the table's commit point; an external catalog is a copy of that pointer,
// moved after the metadata file it names has been published to the lake.
#pragma once

#include <string>

#include "event/schema.h"

namespace tributary::lake::iceberg {

class ExternalCatalog {
 public:
  virtual ~ExternalCatalog() = default;

  // Points the table of `stream` at `metadata_location`, a metadata file already in the lake.
  // `previous_metadata_location` is where the state database's catalog pointed before this
  // commit (empty for a table's first commit); an implementation may use it to detect a
  // concurrent writer, but must accept a table that already points at `metadata_location`
  // (a republish repeats the call). Throws on failure; the caller logs it and moves the pointer
  // again on the table's next publish, which names a newer metadata file.
  virtual void table_published(event::Stream stream, const std::string& metadata_location,
                               const std::string& previous_metadata_location) = 0;
};

}  // namespace tributary::lake::iceberg
