// The user-agent parts dim_user_agent carries, on the strings eventsim emits and on a few of
// later browsers whose strings name an earlier browser too.
#include "warehouse/user_agent.h"

#include <gtest/gtest.h>

namespace tributary::warehouse {
namespace {

UserAgentParts parts(std::string browser, std::string version, std::string os, std::string device) {
  return {std::move(browser), std::move(version), std::move(os), std::move(device)};
}

TEST(UserAgent, EventsimBrowsers) {
  EXPECT_EQ(parse_user_agent("Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, "
                             "like Gecko) Chrome/36.0.1985.143 Safari/537.36"),
            parts("Chrome", "36", "Windows 7", "desktop"));
  EXPECT_EQ(
      parse_user_agent(
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9; rv:31.0) Gecko/20100101 Firefox/31.0"),
      parts("Firefox", "31", "Mac OS X 10.9", "desktop"));
  EXPECT_EQ(
      parse_user_agent("Mozilla/5.0 (Windows NT 6.3; WOW64; Trident/7.0; rv:11.0) like Gecko"),
      parts("Internet Explorer", "11", "Windows 8.1", "desktop"));
  EXPECT_EQ(
      parse_user_agent("Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; WOW64; Trident/6.0)"),
      parts("Internet Explorer", "10", "Windows 7", "desktop"));
  EXPECT_EQ(parse_user_agent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.78.2 "
                             "(KHTML, like Gecko) Version/7.0.6 Safari/537.78.2"),
            parts("Safari", "7", "Mac OS X 10.9", "desktop"));
  EXPECT_EQ(parse_user_agent("Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) "
                             "AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 "
                             "Safari/9537.53"),
            parts("Safari", "7", "iOS 7.1", "mobile"));
  EXPECT_EQ(parse_user_agent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
                             "Gecko) Ubuntu Chromium/36.0.1985.125 Chrome/36.0.1985.125 "
                             "Safari/537.36"),
            parts("Chromium", "36", "Linux", "desktop"));
  EXPECT_EQ(parse_user_agent("Mozilla/5.0 (Windows NT 5.1; rv:31.0) Gecko/20100101 Firefox/31.0"),
            parts("Firefox", "31", "Windows XP", "desktop"));
}

TEST(UserAgent, LaterBrowsersAndDevices) {
  EXPECT_EQ(
      parse_user_agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                       "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.61"),
      parts("Edge", "120", "Windows 10", "desktop"));
  EXPECT_EQ(parse_user_agent("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, "
                             "like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36"),
            parts("Chrome", "116", "Android 13", "mobile"));
  EXPECT_EQ(parse_user_agent("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
                             "(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1"),
            parts("Safari", "16", "iOS 16.6", "tablet"));
}

TEST(UserAgent, AnythingElseIsOther) {
  EXPECT_EQ(parse_user_agent(""), parts("Other", "", "Other", "desktop"));
  EXPECT_EQ(parse_user_agent("curl/8.4.0"), parts("Other", "", "Other", "desktop"));
  EXPECT_EQ(parse_user_agent("Chrome/"), parts("Chrome", "", "Other", "desktop"));
  EXPECT_EQ(parse_user_agent(std::string("\xff\x00 Windows NT", 13)),
            parts("Other", "", "Windows", "desktop"));
}

}  // namespace
}  // namespace tributary::warehouse
