#include "util/log.h"

#include <gtest/gtest.h>

namespace tributary::util {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { log_configure(LogFormat::kJson, LogLevel::kInfo); }
};

TEST_F(LogTest, JsonLinesCarryTimestampLevelEventAndFields) {
  log_configure(LogFormat::kJson, LogLevel::kInfo);
  const std::string line =
      format_log_line(LogLevel::kWarn, "object.vanished",
                      {{"key", "Raw/a \"b\".json"}, {"attempt", 3}, {"ok", false}});
  EXPECT_TRUE(line.starts_with("{\"ts\":\"20")) << line;
  EXPECT_NE(line.find("Z\",\"level\":\"warn\",\"event\":\"object.vanished\","
                      "\"key\":\"Raw/a \\\"b\\\".json\",\"attempt\":3,\"ok\":false}"),
            std::string::npos)
      << line;
}

TEST_F(LogTest, LogfmtQuotesOnlyWhatNeedsIt) {
  log_configure(LogFormat::kLogfmt, LogLevel::kInfo);
  const std::string line =
      format_log_line(LogLevel::kInfo, "batch.committed",
                      {{"events", std::uint64_t{866}}, {"key", "a b"}, {"ratio", 0.5}});
  EXPECT_TRUE(line.starts_with("ts=20")) << line;
  EXPECT_NE(line.find(" level=info event=batch.committed events=866 key=\"a b\" ratio=0.5"),
            std::string::npos)
      << line;
}

TEST_F(LogTest, RegisteredSecretsNeverAppear) {
  log_redact("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  log_redact("ab");  // too short to redact safely: ignored
  const std::string line = format_log_line(
      LogLevel::kError, "s3.error",
      {{"message", "signature with wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY failed"},
       {"event_about",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}});
  EXPECT_EQ(line.find("wJalrXUtnFEMI"), std::string::npos) << line;
  EXPECT_NE(line.find("signature with *** failed"), std::string::npos);
  EXPECT_NE(line.find("\"event_about\":\"******\""), std::string::npos);
  EXPECT_NE(line.find("about"), std::string::npos);  // "ab" was not redacted
  EXPECT_EQ(redact("postgresql://u:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY@h/db"),
            "postgresql://u:***@h/db");
}

TEST_F(LogTest, LevelsAndFormatsParse) {
  EXPECT_EQ(parse_log_level("debug"), LogLevel::kDebug);
  EXPECT_EQ(parse_log_format("logfmt"), LogFormat::kLogfmt);
  EXPECT_THROW(parse_log_level("loud"), std::invalid_argument);
  EXPECT_THROW(parse_log_format("xml"), std::invalid_argument);
}

}  // namespace
}  // namespace tributary::util
