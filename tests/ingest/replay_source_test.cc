// lake::layout::parse_bronze_file_key() and BronzeSource: the per-batch archives' members, and the
// one-object files of older lakes, map back to the raw keys and bytes they archive.
#include "ingest/replay_source.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "ingest/archive.h"
#include "store/file_store.h"

namespace tributary::ingest {
namespace {

constexpr const char* kEtag = "0123456789abcdef0123456789abcdef";

// A one-object bronze file as lakes written before the per-batch archives hold it:
// bronze/<stream>/ingest_date=D/<file stem>-<etag><ext>, plain objects wrapped in zstd with
// ".zst" appended.
std::pair<std::string, std::string> legacy_bronze_file(const std::string& date,
                                                       const std::string& raw_key,
                                                       const std::string& etag,
                                                       const std::string& raw) {
  std::string file = raw_key.substr(raw_key.rfind('/') + 1);
  std::string extension;
  if (const auto dot = file.rfind('.'); dot != std::string::npos && dot > 0) {
    extension = file.substr(dot);
    file.resize(dot);
  }
  std::string key =
      "bronze/listen_events/ingest_date=" + date + "/" + file + "-" + etag + extension;
  const BronzeMemberData member = bronze_member(raw);
  if (member.zstd_wrapped) key += ".zst";
  return {key, member.stored};
}

TEST(ParseBronzeFileKey, InvertsTheArchiveNaming) {
  struct Case {
    std::string raw_file;
    std::string etag;
    std::string content;
    bool zstd_appended;
  };
  const std::string gz("\x1f\x8b\x08\x00rest", 8);
  const std::vector<Case> cases = {
      {"2023061719_20.json", kEtag, "{}\n", true},                      // plain: ".zst" appended
      {"2023061719_21.gz", kEtag, gz, false},                           // gzip kept as it is
      {"2023061719_22.json", std::string(kEtag) + "-3", "{}\n", true},  // multipart ETag
      {"odd-name.v2-1.json", kEtag, "{}\n", true},                      // dashes and dots in stem
  };
  for (const Case& c : cases) {
    const auto [key, stored] =
        legacy_bronze_file("2024-06-17", "Raw/listen_events/" + c.raw_file, c.etag, c.content);
    const auto name = lake::layout::parse_bronze_file_key(key);
    ASSERT_TRUE(name) << key;
    EXPECT_EQ(name->stream, event::Stream::kListen);
    EXPECT_EQ(name->ingest_date, "2024-06-17");
    EXPECT_EQ(name->raw_file, c.raw_file) << key;
    EXPECT_EQ(name->etag, c.etag) << key;
    EXPECT_EQ(name->zstd_appended, c.zstd_appended) << key;
  }
}

TEST(ParseBronzeFileKey, RejectsOtherKeys) {
  EXPECT_FALSE(lake::layout::parse_bronze_file_key(
      "silver/listen_events/event_date=2024-06-17/part-1.parquet"));
  EXPECT_FALSE(lake::layout::parse_bronze_file_key(
      "bronze/listen_events/ingest_date=2024-06-17/no-etag.json"));
  EXPECT_FALSE(lake::layout::parse_bronze_file_key(
      std::string("bronze/nope/ingest_date=2024-06-17/a-") + kEtag));
  EXPECT_FALSE(lake::layout::parse_bronze_file_key(
      std::string("bronze/listen_events/2024-06-17/a-") + kEtag));
}

class BronzeSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bronze_source_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    lake_ = std::make_unique<store::FileStore>(dir_.string());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void archive(const std::string& date, const std::string& raw_key, const std::string& etag,
               const std::string& body) {
    const auto [key, stored] = legacy_bronze_file(date, raw_key, etag, body);
    lake_->put(key, stored);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::FileStore> lake_;
};

TEST_F(BronzeSourceTest, ListsRawKeysAndFetchesExactRawBytes) {
  const std::string other_etag = "ffffffffffffffffffffffffffffffff";
  archive("2024-06-17", "Raw/listen_events/2024061710_0.json", kEtag, "line one\n");
  archive("2024-06-18", "Raw/listen_events/2024061710_0.json", other_etag, "line two\n");
  archive("2024-06-18", "Raw/listen_events/2024061711_0.json", kEtag, "line three\n");
  lake_->put("bronze/listen_events/ingest_date=2024-06-18/README", "not an archive name");

  BronzeSource all(*lake_, BronzeSourceOptions{});
  EXPECT_EQ(all.objects(), 3u);
  EXPECT_EQ(all.unparsed(), 1u);
  const store::ListPage page = all.list("Raw/listen_events/");
  ASSERT_EQ(page.objects.size(), 3u);
  EXPECT_FALSE(page.truncated);
  EXPECT_EQ(page.objects[0].key, "Raw/listen_events/2024061710_0.json");
  EXPECT_EQ(page.objects[1].key, "Raw/listen_events/2024061710_0.json");
  EXPECT_EQ(page.objects[2].key, "Raw/listen_events/2024061711_0.json");
  EXPECT_EQ(all.list("Raw/listen_events/", "Raw/listen_events/2024061710_0.json").objects.size(),
            1u);

  const auto first = all.fetch("Raw/listen_events/2024061710_0.json", kEtag);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->raw, "line one\n");
  EXPECT_NE(first->stored, first->raw);  // the archive's zstd frame
  EXPECT_TRUE(first->bronze_key.starts_with("bronze/listen_events/ingest_date=2024-06-17/"));
  const auto second = all.fetch("Raw/listen_events/2024061710_0.json", other_etag);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->raw, "line two\n");
  EXPECT_FALSE(all.fetch("Raw/listen_events/2024061710_0.json", "0000"));
  EXPECT_EQ(all.get("Raw/listen_events/2024061710_0.json").body, "line two\n");  // newest
  EXPECT_THROW(all.put("Raw/x.json", "x"), store::StoreError);

  BronzeSourceOptions dated;
  dated.since = "2024-06-18";
  dated.until = "2024-06-19";
  dated.raw_prefix = "data/";
  BronzeSource some(*lake_, dated);
  EXPECT_EQ(some.objects(), 2u);
  EXPECT_EQ(some.list("data/listen_events/").objects.size(), 2u);
  EXPECT_TRUE(some.list("Raw/").objects.empty());

  BronzeSourceOptions ledger;
  ledger.raw_key_of_bronze[first->bronze_key] = "elsewhere/listen_events/sub/2024061710_0.json";
  BronzeSource mapped(*lake_, ledger);
  EXPECT_TRUE(mapped.fetch("elsewhere/listen_events/sub/2024061710_0.json", kEtag));
}

TEST_F(BronzeSourceTest, PerBatchArchivesGiveBackEveryObjectUnderItsExactKey) {
  const std::string gz("\x1f\x8b\x08\x00rest", 8);
  struct Object {
    std::string key, etag, raw;
  };
  // Keys a name-based layout could not carry: a newline, non-ASCII, spaces, a second version.
  const std::vector<Object> first = {
      {"data/listen_events/2024061710_0.json", kEtag, "line one\n"},
      {"data/listen_events/odd\nname \xc3\xa9.json", kEtag, "line two\n"},
      {"data/listen_events/2024061711_0.gz", kEtag, gz},
  };
  const std::vector<Object> second = {
      {"data/listen_events/2024061710_0.json", "ffffffffffffffffffffffffffffffff", "newer\n"},
  };
  const auto write = [&](const std::string& date, const std::string& batch,
                         const std::vector<Object>& objects) {
    lake::TarWriter archive;
    for (const Object& o : objects) add_bronze_member(archive, o.key, o.etag, bronze_member(o.raw));
    lake_->put(lake::layout::bronze_archive_key(event::Stream::kListen, date, batch),
               archive.finish());
  };
  write("2024-06-17", "b1", first);
  write("2024-06-18", "b2", second);
  write("2024-06-18", "b3", first);  // a batch that failed after archiving, retried as b1's objects

  BronzeSource all(*lake_, BronzeSourceOptions{});
  EXPECT_EQ(all.objects(), 4u);
  EXPECT_EQ(all.unparsed(), 0u);
  ASSERT_TRUE(all.archived_raw_prefix());
  EXPECT_EQ(*all.archived_raw_prefix(), "data/");
  for (const Object& o : first) {
    const auto got = all.fetch(o.key, o.etag);
    ASSERT_TRUE(got) << o.key;
    EXPECT_EQ(got->raw, o.raw) << o.key;
    EXPECT_TRUE(lake::layout::parse_bronze_archive_key(got->bronze_key)) << got->bronze_key;
  }
  EXPECT_EQ(all.fetch(second[0].key, second[0].etag)->raw, "newer\n");
  EXPECT_EQ(all.list("data/listen_events/odd").objects.size(), 1u);

  BronzeSourceOptions dated;
  dated.since = "2024-06-18";
  EXPECT_EQ(BronzeSource(*lake_, dated).objects(), 4u);  // b2 and b3
  dated.since = "2024-06-19";
  EXPECT_EQ(BronzeSource(*lake_, dated).objects(), 0u);
}

TEST_F(BronzeSourceTest, ADamagedArchiveIsAnIntegrityErrorNotAnEmptyBronze) {
  lake::TarWriter archive;
  add_bronze_member(archive, "Raw/listen_events/a.json", kEtag, bronze_member("x\n"));
  std::string bytes = archive.finish();
  bytes[100] ^= 1;  // inside the first header: its checksum no longer matches
  lake_->put(lake::layout::bronze_archive_key(event::Stream::kListen, "2024-06-17", "b1"), bytes);
  try {
    BronzeSource broken(*lake_, BronzeSourceOptions{});
    FAIL() << "a damaged archive was read";
  } catch (const store::StoreError& e) {
    EXPECT_EQ(e.code(), store::StoreErrorCode::kIntegrity);
    EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tributary::ingest
