#include "lake/iceberg/glue_catalog.h"

#include <simdjson.h>

#include <array>
#include <regex>
#include <stdexcept>

#include "lake/iceberg/glue_table.h"
#include "store/aws_json_request.h"
#include "store/credentials.h"
#include "store/http_client.h"
#include "util/json_writer.h"
#include "util/log.h"

namespace tributary::lake::iceberg {
namespace {

// The TableInput members UpdateTable accepts, other than Parameters (rebuilt): GetTable's Table
// has these and more (DatabaseName, CreateTime, VersionId, ...), which UpdateTable refuses.
constexpr std::array<std::string_view, 12> kTableInputKeys = {
    "Name",      "Description",       "Owner",         "LastAccessTime",   "LastAnalyzedTime",
    "Retention", "StorageDescriptor", "PartitionKeys", "ViewOriginalText", "ViewExpandedText",
    "TableType", "TargetTable"};

// Parameters the publish sets; the table's other parameters are kept.
bool ours(std::string_view parameter) {
  return parameter == "table_type" || parameter == "metadata_location" ||
         parameter == "previous_metadata_location";
}

}  // namespace

GlueCatalog::GlueCatalog(GlueCatalogOptions options, store::EnvLookup env)
    : options_(std::move(options)) {
  if (options_.database.empty()) throw std::invalid_argument("Glue catalog: no database given");
  const store::StoreConfig resolved = store::resolve_store_config(options_.store, env);
  region_ = options_.region.empty() ? resolved.region : options_.region;
  std::string endpoint = options_.endpoint;
  if (endpoint.empty()) {
    if (auto custom = env("AWS_ENDPOINT_URL_GLUE"); custom && !custom->empty()) endpoint = *custom;
  }
  if (endpoint.empty()) endpoint = "https://glue." + region_ + ".amazonaws.com";
  static const std::regex kUrl(R"((https?)://([^/?#@]+)/?)");
  std::smatch m;
  if (!std::regex_match(endpoint, m, kUrl)) {
    throw std::invalid_argument("Glue endpoint is not http(s)://host[:port]: " +
                                util::redact_userinfo(endpoint));
  }
  endpoint_ = m[1].str() + "://" + m[2].str();
  authority_ = m[2].str();
  store::HttpOptions http;
  http.connect_timeout = *resolved.connect_timeout;
  http.request_timeout = *resolved.request_timeout;
  http.verify_tls = *resolved.verify_tls;
  http.ca_file = resolved.ca_file;
  http_ = std::make_unique<store::HttpClient>(http);
  credentials_ = std::make_unique<store::AwsCredentialChain>(resolved, env);
}

GlueCatalog::~GlueCatalog() = default;

GlueCatalog::Response GlueCatalog::call(const std::string& action, const std::string& body) {
  Response out;
  store::AwsCredentials creds;
  try {
    creds = credentials_->get();
  } catch (const std::exception& e) {
    out.type = "credentials";
    out.body = util::redact(e.what());
    return out;
  }
  const store::AwsJsonService glue{
      endpoint_, authority_, region_, "glue", "application/x-amz-json-1.1", "AWSGlue"};
  const store::HttpClient::Outcome outcome =
      http_->perform(store::aws_json_request(glue, action, body, creds));
  if (!outcome.response) {
    out.type = "network";
    out.body = outcome.error.message;
    return out;
  }
  out.status = outcome.response->status;
  out.body = outcome.response->body;
  if (out.status >= 200 && out.status < 300) return out;
  if (out.status == 401 || out.status == 403) credentials_->invalidate();
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string message;
  if (parser.parse(out.body).get(root) == simdjson::SUCCESS && root.is_object()) {
    std::string_view s;
    if (root["__type"].get(s) == simdjson::SUCCESS) {
      out.type = std::string(s.substr(s.rfind('#') + 1));  // npos + 1 == 0
    }
    if (root["message"].get(s) == simdjson::SUCCESS ||
        root["Message"].get(s) == simdjson::SUCCESS) {
      message = s;
    }
  }
  out.body = message;
  return out;
}

void GlueCatalog::fail(const std::string& action, event::Stream stream,
                       const Response& response) const {
  std::string what = "Glue " + action + " " + options_.database + "." +
                     std::string(event::stream_name(stream)) + " at " + endpoint_ + ": ";
  if (response.status == 0) {
    what += response.type + " error: " + response.body;
  } else {
    what += "HTTP " + std::to_string(response.status);
    if (!response.type.empty()) what += " " + response.type;
    if (!response.body.empty()) what += ": " + response.body;
  }
  throw std::runtime_error(util::redact(what));
}

void GlueCatalog::table_published(event::Stream stream, const std::string& metadata_location,
                                  const std::string& previous_metadata_location) {
  if (!parse_metadata_location(metadata_location)) {
    throw std::invalid_argument("Glue: " + metadata_location +
                                " is not a table's metadata/v<N>.metadata.json");
  }
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    if (publish_once(stream, metadata_location, previous_metadata_location)) return;
    util::log_info("glue.concurrent_change",
                   {{"table", std::string(event::stream_name(stream))}, {"attempt", attempt}});
  }
  throw std::runtime_error("Glue: " + options_.database + "." +
                           std::string(event::stream_name(stream)) + " changed concurrently " +
                           std::to_string(kMaxAttempts) + " times in a row; not moved to " +
                           metadata_location);
}

bool GlueCatalog::publish_once(event::Stream stream, const std::string& metadata_location,
                               const std::string& previous_metadata_location) {
  const std::string name(event::stream_name(stream));
  const auto with_ids = [&](util::JsonWriter& w) -> util::JsonWriter& {
    if (!options_.catalog_id.empty()) w.key("CatalogId").value(options_.catalog_id);
    return w.key("DatabaseName").value(options_.database);
  };
  std::string get;
  {
    util::JsonWriter w(get);
    w.begin_object();
    with_ids(w).key("Name").value(name).end_object();
  }
  const Response got = call("GetTable", get);
  if (got.status == 400 && got.type == "EntityNotFoundException") {
    const MetadataFile file = *parse_metadata_location(metadata_location);
    std::string create;
    util::JsonWriter w(create);
    w.begin_object();
    with_ids(w)
        .key("TableInput")
        .raw(glue_table_input(stream, file.table_location, metadata_location))
        .end_object();
    const Response created = call("CreateTable", create);
    if (created.status == 400 && created.type == "AlreadyExistsException") return false;
    if (created.status < 200 || created.status >= 300) fail("CreateTable", stream, created);
    util::log_info("glue.table_created",
                   {{"table", options_.database + "." + name}, {"metadata", metadata_location}});
    return true;
  }
  if (got.status < 200 || got.status >= 300) fail("GetTable", stream, got);

  simdjson::dom::parser parser;
  simdjson::dom::element table;
  if (parser.parse(got.body).get(table) != simdjson::SUCCESS ||
      table["Table"].get(table) != simdjson::SUCCESS || !table.is_object()) {
    fail("GetTable", stream, Response{got.status, "", "the response has no Table object"});
  }
  std::string current;
  std::string_view s;
  simdjson::dom::object parameters;
  const bool has_parameters = table["Parameters"].get(parameters) == simdjson::SUCCESS;
  if (has_parameters && parameters["metadata_location"].get(s) == simdjson::SUCCESS) current = s;
  if (current == metadata_location) return true;
  const auto now = parse_metadata_location(metadata_location);
  if (const auto then = parse_metadata_location(current);
      then && then->table_location == now->table_location && then->version > now->version) {
    util::log_info("glue.table_ahead", {{"table", options_.database + "." + name},
                                        {"glue", current},
                                        {"published", metadata_location}});
    return true;
  }

  std::string update;
  util::JsonWriter w(update);
  w.begin_object();
  with_ids(w).key("TableInput").begin_object();
  for (std::string_view key : kTableInputKeys) {
    simdjson::dom::element value;
    if (table[key].get(value) == simdjson::SUCCESS) {
      w.key(key).raw(simdjson::minify(value));
    }
  }
  w.key("Parameters").begin_object();
  if (has_parameters) {
    for (auto [key, value] : parameters) {
      if (ours(key) || value.get(s) != simdjson::SUCCESS) continue;
      w.key(key).value(s);
    }
  }
  w.key("table_type").value("ICEBERG").key("metadata_location").value(metadata_location);
  const std::string& previous = current.empty() ? previous_metadata_location : current;
  if (!previous.empty()) w.key("previous_metadata_location").value(previous);
  w.end_object().end_object();
  if (table["VersionId"].get(s) == simdjson::SUCCESS) w.key("VersionId").value(s);
  w.key("SkipArchive").value(true).end_object();
  const Response updated = call("UpdateTable", update);
  if (updated.status == 400 && updated.type == "ConcurrentModificationException") return false;
  if (updated.status < 200 || updated.status >= 300) fail("UpdateTable", stream, updated);
  return true;
}

}  // namespace tributary::lake::iceberg
