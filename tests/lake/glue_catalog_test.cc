// GlueCatalog against tests/fixtures/glue_server.mjs, a small local HTTP server speaking the AWS
// Glue Data Catalog's JSON protocol (AWS JSON 1.1) for GetTable, CreateTable and UpdateTable. No
// Glue can run in this test environment, so that server stands in for it: it keeps the tables in
// memory, applies Glue's rules (UpdateTable replaces the table with its TableInput, refuses
// members a TableInput does not have, checks VersionId), recomputes every request's SigV4
// signature with AWS's own signer, and shows its tables and the requests it received through
// fixture endpoints. The CTest fixture `glue` (glue.sh) starts one for all these tests; each
// test uses a database of its own.
#include "lake/iceberg/glue_catalog.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "lake/iceberg/glue_table.h"
#include "lake/silver_schema.h"
#include "store/http_client.h"

namespace tributary::lake::iceberg {
namespace {

constexpr const char* kSecret = "glue-test-secret";
constexpr const char* kTable = "s3://lake-bucket/lake/silver/listen_events";

std::string metadata(int version) {
  return std::string(kTable) + "/metadata/v" + std::to_string(version) + ".metadata.json";
}

std::string glue_endpoint() {
  std::ifstream in(TRIBUTARY_GLUE_ENV);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("GLUE_ENDPOINT=")) return line.substr(14);
  }
  throw std::runtime_error(std::string("no Glue test server: ") + TRIBUTARY_GLUE_ENV +
                           " is missing (run the test through ctest, which starts the fixture)");
}

class GlueCatalogTest : public ::testing::Test {
 protected:
  // Each test its own database (the fixture's server knows these), so tests can run in parallel.
  std::string database() const {
    return std::string("test_") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  store::EnvLookup env(std::string secret = kSecret) const {
    std::map<std::string, std::string> vars = {{"AWS_ACCESS_KEY_ID", "AKIDGLUETEST"},
                                               {"AWS_SECRET_ACCESS_KEY", std::move(secret)},
                                               {"AWS_EC2_METADATA_DISABLED", "true"},
                                               {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"},
                                               {"AWS_ENDPOINT_URL_GLUE", endpoint_}};
    return [vars](std::string_view name) -> std::optional<std::string> {
      const auto it = vars.find(std::string(name));
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }

  GlueCatalog catalog(std::string secret = kSecret) const {
    GlueCatalogOptions o;
    o.database = database();
    o.region = "eu-west-1";
    return GlueCatalog(o, env(std::move(secret)));
  }

  std::string fixture(const std::string& method, const std::string& path,
                      const std::string& body = "") {
    store::HttpRequest request{method, endpoint_ + path, {}, body};
    const auto outcome = http_.perform(request);
    if (!outcome.response || outcome.response->status != 200) {
      throw std::runtime_error("fixture " + path + " failed");
    }
    return outcome.response->body;
  }

  // The Glue table <database>.<name> as the server holds it (JSON), or "" when absent.
  std::string table(const std::string& name = "listen_events") {
    const std::string all = fixture("GET", "/_fixture/tables");
    simdjson::dom::element t;
    if (parser_.parse(all)[database() + "." + name].get(t) != simdjson::SUCCESS) return "";
    return simdjson::minify(t);
  }

  std::string parameter(const std::string& name) {
    const std::string t = table();
    std::string_view v;
    if (parser_.parse(t)["Parameters"][name].get(v) != simdjson::SUCCESS) return "<absent>";
    return std::string(v);
  }

  // The actions of this test's database, in order, and their bodies.
  std::vector<std::pair<std::string, std::string>> requests() {
    const std::string all = fixture("GET", "/_fixture/requests");
    std::vector<std::pair<std::string, std::string>> out;
    simdjson::dom::parser p;
    for (simdjson::dom::element r : p.parse(all).get_array()) {
      std::string_view db;
      if (r["body"]["DatabaseName"].get(db) != simdjson::SUCCESS || db != database()) continue;
      EXPECT_EQ(std::string_view(r["region"]), "eu-west-1");
      EXPECT_EQ(std::string_view(r["key_id"]), "AKIDGLUETEST");
      out.emplace_back(std::string(std::string_view(r["action"])), simdjson::minify(r["body"]));
    }
    return out;
  }

  void fail_next(const std::string& action, const std::string& type, const std::string& message,
                 int count = 1) {
    fixture("POST", "/_fixture/fail",
            R"({"action":")" + action + R"(","type":")" + type + R"(","message":")" + message +
                R"(","count":)" + std::to_string(count) + "}");
  }

  std::string endpoint_ = glue_endpoint();
  store::HttpClient http_{store::HttpOptions{}};
  simdjson::dom::parser parser_;
};

TEST_F(GlueCatalogTest, CreatesAMissingTableAsAnIcebergTable) {
  catalog().table_published(event::Stream::kListen, metadata(1), "");

  const std::string t = table();
  ASSERT_FALSE(t.empty());
  simdjson::dom::element root = parser_.parse(t);
  EXPECT_EQ(std::string_view(root["TableType"]), "EXTERNAL_TABLE");
  EXPECT_EQ(std::string_view(root["Parameters"]["table_type"]), "ICEBERG");
  EXPECT_EQ(std::string_view(root["Parameters"]["metadata_location"]), metadata(1));
  EXPECT_EQ(std::string_view(root["StorageDescriptor"]["Location"]), kTable);
  simdjson::dom::array columns = root["StorageDescriptor"]["Columns"];
  const auto silver = silver_columns(event::Stream::kListen);
  ASSERT_EQ(columns.size(), silver.size());
  EXPECT_EQ(std::string_view(columns.at(0)["Name"]), silver[0].name);
  EXPECT_EQ(std::string_view(columns.at(0)["Type"]), glue_column_type(silver[0]));
  simdjson::dom::element partitions;
  EXPECT_NE(root["PartitionKeys"].get(partitions), simdjson::SUCCESS) << "hidden partitioning";

  const auto r = requests();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].first, "GetTable");
  EXPECT_EQ(r[0].second, R"({"DatabaseName":")" + database() + R"(","Name":"listen_events"})");
  EXPECT_EQ(r[1].first, "CreateTable");
}

TEST_F(GlueCatalogTest, UpdatesThePointerAndKeepsTheRestOfTheTable) {
  // A table as the CDK stack creates it, with a parameter and storage details of its own.
  fixture("PUT", "/_fixture/table",
          R"({"DatabaseName":")" + database() +
              R"(","TableInput":{"Name":"listen_events","TableType":"EXTERNAL_TABLE",)"
              R"("Description":"listens","Parameters":{"table_type":"ICEBERG","owner_team":"bi",)"
              R"("metadata_location":")" +
              metadata(1) + R"("},"StorageDescriptor":{"Location":")" + kTable +
              R"(","Columns":[{"Name":"ts","Type":"timestamp"}],)"
              R"("SerdeInfo":{"Name":"iceberg"}}}})");
  catalog().table_published(event::Stream::kListen, metadata(2), metadata(1));

  simdjson::dom::element root = parser_.parse(table());
  EXPECT_EQ(std::string_view(root["Parameters"]["metadata_location"]), metadata(2));
  EXPECT_EQ(std::string_view(root["Parameters"]["previous_metadata_location"]), metadata(1));
  EXPECT_EQ(std::string_view(root["Parameters"]["table_type"]), "ICEBERG");
  EXPECT_EQ(std::string_view(root["Parameters"]["owner_team"]), "bi");
  EXPECT_EQ(std::string_view(root["Description"]), "listens");
  EXPECT_EQ(std::string_view(root["StorageDescriptor"]["SerdeInfo"]["Name"]), "iceberg");
  EXPECT_EQ(std::string_view(root["StorageDescriptor"]["Columns"].at(0)["Name"]), "ts");
  EXPECT_EQ(std::string_view(root["VersionId"]), "2");

  const auto r = requests();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].first, "UpdateTable");
  // Optimistic concurrency on the version GetTable saw; no Glue table version per commit.
  EXPECT_NE(r[1].second.find(R"("VersionId":"1","SkipArchive":true)"), std::string::npos)
      << r[1].second;
}

TEST_F(GlueCatalogTest, RepublishingChangesNothing) {
  GlueCatalog glue = catalog();
  glue.table_published(event::Stream::kListen, metadata(1), "");
  glue.table_published(event::Stream::kListen, metadata(2), metadata(1));
  glue.table_published(event::Stream::kListen, metadata(2), metadata(1));

  EXPECT_EQ(parameter("metadata_location"), metadata(2));
  const auto r = requests();
  ASSERT_EQ(r.size(), 5u);  // Get+Create, Get+Update, Get
  EXPECT_EQ(r[4].first, "GetTable");
  EXPECT_EQ(std::string_view(parser_.parse(table())["VersionId"]), "2");
}

TEST_F(GlueCatalogTest, NeverMovesBackwardsButCatchesUp) {
  GlueCatalog glue = catalog();
  glue.table_published(event::Stream::kListen, metadata(3), metadata(2));
  // A slower worker finishing an older publish leaves the newer pointer alone.
  glue.table_published(event::Stream::kListen, metadata(2), metadata(1));
  EXPECT_EQ(parameter("metadata_location"), metadata(3));
  // A publish whose Glue call failed left Glue behind: the next one moves it forward, naming
  // what Glue pointed at as the previous location.
  glue.table_published(event::Stream::kListen, metadata(5), metadata(4));
  EXPECT_EQ(parameter("metadata_location"), metadata(5));
  EXPECT_EQ(parameter("previous_metadata_location"), metadata(3));
}

TEST_F(GlueCatalogTest, RetriesAConcurrentModification) {
  GlueCatalog glue = catalog();
  glue.table_published(event::Stream::kListen, metadata(1), "");
  fail_next("UpdateTable", "ConcurrentModificationException", "Update table failed");
  glue.table_published(event::Stream::kListen, metadata(2), metadata(1));
  EXPECT_EQ(parameter("metadata_location"), metadata(2));

  fail_next("UpdateTable", "ConcurrentModificationException", "Update table failed",
            GlueCatalog::kMaxAttempts);
  try {
    glue.table_published(event::Stream::kListen, metadata(3), metadata(2));
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(database() + ".listen_events changed concurrently"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(parameter("metadata_location"), metadata(2));
}

// The error of a publish: its message.
std::string publish_error(const std::function<void()>& publish) {
  try {
    publish();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

TEST_F(GlueCatalogTest, ErrorsNameTheTableAndGluesErrorWithoutSecrets) {
  GlueCatalog glue = catalog();
  fail_next("GetTable", "AccessDeniedException",
            "User: arn:aws:sts::123:assumed-role/worker is not authorized to perform: "
            "glue:GetTable");
  std::string e =
      publish_error([&] { glue.table_published(event::Stream::kAuth, metadata(1), ""); });
  EXPECT_NE(e.find("Glue GetTable " + database() + ".auth_events"), std::string::npos) << e;
  EXPECT_NE(e.find("HTTP 400 AccessDeniedException: User: arn:aws:sts"), std::string::npos) << e;
  EXPECT_EQ(e.find(kSecret), std::string::npos) << e;

  // A database Glue does not have: the table looks missing, and creating it names the cause.
  GlueCatalogOptions o;
  o.database = "no_such_database";
  o.region = "eu-west-1";
  GlueCatalog nowhere(o, env());
  e = publish_error([&] { nowhere.table_published(event::Stream::kAuth, metadata(1), ""); });
  EXPECT_NE(e.find("Glue CreateTable no_such_database.auth_events"), std::string::npos) << e;
  EXPECT_NE(e.find("EntityNotFoundException: Database no_such_database not found"),
            std::string::npos)
      << e;

  // A wrong secret: Glue refuses the signature; the message does not show either secret.
  GlueCatalog wrong = catalog("a-wrong-secret-key");
  e = publish_error([&] { wrong.table_published(event::Stream::kAuth, metadata(1), ""); });
  EXPECT_NE(e.find("HTTP 403 InvalidSignatureException"), std::string::npos) << e;
  EXPECT_EQ(e.find("a-wrong-secret-key"), std::string::npos) << e;
  EXPECT_EQ(table("auth_events"), "");

  // Not a metadata file of the layout: refused before any request.
  e = publish_error(
      [&] { glue.table_published(event::Stream::kAuth, kTable + std::string("/x"), ""); });
  EXPECT_NE(e.find("is not a table's metadata/v<N>.metadata.json"), std::string::npos) << e;
}

TEST(GlueTable, MetadataLocationsAreTakenApart) {
  const auto m =
      parse_metadata_location("s3://b/lake/silver/auth_events/metadata/v12.metadata.json");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->table_location, "s3://b/lake/silver/auth_events");
  EXPECT_EQ(m->version, 12);
  EXPECT_FALSE(parse_metadata_location("s3://b/t/metadata/v0.metadata.json"));
  EXPECT_FALSE(parse_metadata_location("s3://b/t/metadata/vx.metadata.json"));
  EXPECT_FALSE(parse_metadata_location("s3://b/t/metadata/00001-abc.metadata.json"));
  EXPECT_FALSE(parse_metadata_location("/metadata/v1.metadata.json"));
}

TEST(GlueCatalogOptionsTest, EndpointDefaultsToTheRegionsAndRefusesJunk) {
  const store::EnvLookup none = [](std::string_view) -> std::optional<std::string> {
    return std::nullopt;
  };
  GlueCatalogOptions o;
  o.database = "tributary";
  o.region = "ap-southeast-2";
  EXPECT_EQ(GlueCatalog(o, none).endpoint(), "https://glue.ap-southeast-2.amazonaws.com");
  o.endpoint = "http://127.0.0.1:4566/";
  EXPECT_EQ(GlueCatalog(o, none).endpoint(), "http://127.0.0.1:4566");
  o.endpoint = "ftp://glue";
  EXPECT_THROW(GlueCatalog(o, none), std::invalid_argument);
  o.endpoint.clear();
  o.database.clear();
  EXPECT_THROW(GlueCatalog(o, none), std::invalid_argument);
}

}  // namespace
}  // namespace tributary::lake::iceberg
