// The parts of a browser's User-Agent string a BI user groups by, for dim_user_agent.
//
// The rules read the tokens that browsers of eventsim's era and later put in the string, most
// specific first (a Chrome string also says Safari, an Edge string also says Chrome, Chromium's
// says Chrome), and the platform in the first parenthesis:
//   browser          Edge, Opera, Chromium, Chrome, Firefox, Internet Explorer (MSIE or Trident),
//                    Safari (Version/ with Safari/), else "Other";
//   browser_version  the browser's major version ("36" for Chrome/36.0.1985.125), else "";
//   os               "Windows 7" and the like from the Windows NT version, "Mac OS X 10.9",
//                    "iOS 7.1", "Android 4.4", "Linux", else "Other";
//   device_type      "mobile" (iPhone, iPod, or Android/Windows Phone with "Mobile"), "tablet"
//                    (iPad, Android without "Mobile"), else "desktop".
// Total: any byte string parses (to "Other" parts when nothing is recognised), so a load never
// fails on a user agent; the raw string is kept beside the parts.
#pragma once

#include <string>
#include <string_view>

namespace tributary::warehouse {

struct UserAgentParts {
  std::string browser;
  std::string browser_version;
  std::string os;
  std::string device_type;

  friend bool operator==(const UserAgentParts&, const UserAgentParts&) = default;
};

UserAgentParts parse_user_agent(std::string_view user_agent);

}  // namespace tributary::warehouse
