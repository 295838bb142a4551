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

TEST_F(LogTest, SecretsAreRedactedInEverySpellingTheyCanTake) {
  // A password with characters a URI percent-encodes and JSON escapes.
  const std::string secret = "pa\"ss/wo\\rd+Zq9";
  log_redact(secret);
  for (LogFormat format : {LogFormat::kJson, LogFormat::kLogfmt}) {
    log_configure(format, LogLevel::kInfo);
    const std::string line = format_log_line(LogLevel::kError, "warehouse.failed",
                                             {{"error", "auth failed for " + secret},
                                              {"uri", "postgresql://u:pa%22ss%2Fwo%5Crd%2BZq9@h"}});
    EXPECT_EQ(line.find("Zq9"), std::string::npos) << line;
    EXPECT_NE(line.find("auth failed for ***"), std::string::npos) << line;
    EXPECT_NE(line.find("postgresql://u:***@h"), std::string::npos) << line;
  }
  EXPECT_EQ(redact("token=pa%22ss%2Fwo%5Crd%2BZq9"), "token=***");
}

TEST_F(LogTest, UserInfoIsRedactedFromUrisThatAreEchoed) {
  EXPECT_EQ(redact_userinfo("s3://AKIA:Secr3t@bucket/raw"), "s3://***@bucket/raw");
  EXPECT_EQ(redact_userinfo("http://minio:pw@127.0.0.1:9000"), "http://***@127.0.0.1:9000");
  // A password with an unencoded '/' or '@' is hidden whole, not cut at the first of them.
  EXPECT_EQ(redact_userinfo("postgresql://u:pa/ss@w@h:5432/db?sslmode=require"),
            "postgresql://***@h:5432/db?sslmode=require");
  EXPECT_EQ(redact_userinfo("s3://bucket/raw"), "s3://bucket/raw");
  EXPECT_EQ(redact_userinfo("file:///tmp/x?a@b"), "file:///tmp/x?a@b");
  EXPECT_EQ(redact_userinfo("minio:pw@127.0.0.1:9000"), "***@127.0.0.1:9000");
}

TEST_F(LogTest, LevelsAndFormatsParse) {
  EXPECT_EQ(parse_log_level("debug"), LogLevel::kDebug);
  EXPECT_EQ(parse_log_format("logfmt"), LogFormat::kLogfmt);
  EXPECT_THROW(parse_log_level("loud"), std::invalid_argument);
  EXPECT_THROW(parse_log_format("xml"), std::invalid_argument);
}

}  // namespace
}  // namespace tributary::util
