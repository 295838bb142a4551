// The pax tar writer and reader (lake/tar_archive.h): round trips of any path and content, and
// archives that GNU tar, an independent reader, lists and extracts byte for byte.
#include "lake/tar_archive.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/temp_dir.h"

namespace tributary::lake {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(TarArchive, RoundTripsPathsRecordsAndContent) {
  const std::string long_path = "Raw/listen_events/" + std::string(180, 'x') + ".json";
  const std::string binary("\0\x01\xff\n", 4);
  TarWriter w;
  w.add("Raw/listen_events/a.json", "hello\n", {{"TRIBUTARY.etag", "abc"}});
  w.add(long_path, std::string(513, 'y'));
  w.add("odd\nkey \xc3\xa9", binary, {{"TRIBUTARY.sha256", std::string(64, 'f')}});
  w.add("empty", "");
  const std::string archive = w.finish();
  EXPECT_EQ(archive.size() % 512, 0u);

  const std::vector<TarMember> members = read_tar(archive);
  ASSERT_EQ(members.size(), 4u);
  EXPECT_EQ(members[0].path, "Raw/listen_events/a.json");
  EXPECT_EQ(members[0].records.at("TRIBUTARY.etag"), "abc");
  EXPECT_EQ(archive.substr(members[0].offset, members[0].size), "hello\n");
  EXPECT_EQ(members[1].path, long_path);
  EXPECT_EQ(archive.substr(members[1].offset, members[1].size), std::string(513, 'y'));
  EXPECT_EQ(members[2].path, "odd\nkey \xc3\xa9");
  EXPECT_EQ(archive.substr(members[2].offset, members[2].size), binary);
  EXPECT_EQ(members[2].records.at("TRIBUTARY.sha256"), std::string(64, 'f'));
  EXPECT_EQ(members[3].size, 0u);

  TarWriter again;
  again.add("Raw/listen_events/a.json", "hello\n", {{"TRIBUTARY.etag", "abc"}});
  again.add(long_path, std::string(513, 'y'));
  again.add("odd\nkey \xc3\xa9", binary, {{"TRIBUTARY.sha256", std::string(64, 'f')}});
  again.add("empty", "");
  EXPECT_EQ(again.finish(), archive) << "the writer is deterministic";
}

TEST(TarArchive, RejectsDamage) {
  TarWriter w;
  w.add("a", std::string(1000, 'a'));
  const std::string archive = w.finish();
  std::string flipped = archive;
  flipped[1024 + 100] ^= 1;  // the ustar header after the pax header: checksum mismatch
  EXPECT_THROW(read_tar(flipped), std::runtime_error);
  EXPECT_THROW(read_tar(archive.substr(0, 1536)), std::runtime_error);  // data cut short
  EXPECT_THROW(read_tar(archive.substr(0, archive.size() - 1024)), std::runtime_error);  // no end
  EXPECT_TRUE(read_tar(std::string(1024, '\0')).empty());
}

TEST(TarArchive, GnuTarListsAndExtractsTheMembersByteForByte) {
  if (std::system("tar --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no tar on PATH";
  testing::TempDir dir;
  const std::string long_name = std::string(150, 'n') + ".json";
  TarWriter w;
  w.add("Raw/listen_events/2024061710_0.json", "line\n", {{"TRIBUTARY.etag", "e1"}});
  w.add("Raw/page_view_events/" + long_name, std::string(2000, 'p'));
  {
    std::ofstream out(dir.path() / "a.tar", std::ios::binary);
    out << w.finish();
  }
  const std::filesystem::path x = dir.path() / "x";
  std::filesystem::create_directories(x);
  const std::string cmd = "tar -xf '" + (dir.path() / "a.tar").string() + "' -C '" + x.string() +
                          "' 2>'" + (dir.path() / "err").string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << read_file(dir.path() / "err");
  EXPECT_EQ(read_file(x / "Raw/listen_events/2024061710_0.json"), "line\n");
  EXPECT_EQ(read_file(x / "Raw/page_view_events" / long_name), std::string(2000, 'p'));
}

}  // namespace
}  // namespace tributary::lake
