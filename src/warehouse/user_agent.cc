#include "warehouse/user_agent.h"

#include <array>
#include <cctype>
#include <utility>

namespace tributary::warehouse {
namespace {

bool contains(std::string_view text, std::string_view token) {
  return text.find(token) != std::string_view::npos;
}

// The characters after `token` up to the first that is not a digit, '.' or '_' ("" when
// `token` is absent).
std::string_view version_after(std::string_view text, std::string_view token) {
  const std::size_t at = text.find(token);
  if (at == std::string_view::npos) return {};
  std::size_t end = at + token.size();
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) != 0 ||
                               text[end] == '.' || text[end] == '_')) {
    ++end;
  }
  return text.substr(at + token.size(), end - at - token.size());
}

std::string major(std::string_view version) {
  return std::string(version.substr(0, version.find_first_of("._")));
}

// "10_9_4" or "10.9.4" as "10.9": major and minor, dot-separated.
std::string major_minor(std::string_view version) {
  std::string out;
  int parts = 0;
  for (char c : version) {
    if (c == '.' || c == '_') {
      if (++parts == 2) break;
      out += '.';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

std::string browser_of(std::string_view ua, std::string& version) {
  struct Token {
    std::string_view token;
    std::string_view name;
  };
  // Most specific first: each later token also appears in the strings of the earlier browsers.
  static constexpr std::array<Token, 5> kTokens = {{{"Edg/", "Edge"},
                                                    {"Edge/", "Edge"},
                                                    {"OPR/", "Opera"},
                                                    {"Chromium/", "Chromium"},
                                                    {"Chrome/", "Chrome"}}};
  for (const Token& t : kTokens) {
    if (contains(ua, t.token)) {
      version = major(version_after(ua, t.token));
      return std::string(t.name);
    }
  }
  if (contains(ua, "Firefox/")) {
    version = major(version_after(ua, "Firefox/"));
    return "Firefox";
  }
  if (contains(ua, "MSIE ")) {
    version = major(version_after(ua, "MSIE "));
    return "Internet Explorer";
  }
  if (contains(ua, "Trident/")) {
    version = major(version_after(ua, "rv:"));
    return "Internet Explorer";
  }
  if (contains(ua, "Safari/") && contains(ua, "Version/")) {
    version = major(version_after(ua, "Version/"));
    return "Safari";
  }
  return "Other";
}

std::string windows_name(std::string_view nt) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kReleases = {{
      {"10.0", "Windows 10"},
      {"6.3", "Windows 8.1"},
      {"6.2", "Windows 8"},
      {"6.1", "Windows 7"},
      {"6.0", "Windows Vista"},
      {"5.2", "Windows XP"},
      {"5.1", "Windows XP"},
  }};
  for (const auto& [version, name] : kReleases) {
    if (nt == version) return std::string(name);
  }
  return nt.empty() ? "Windows" : "Windows NT " + std::string(nt);
}

std::string os_of(std::string_view ua) {
  if (contains(ua, "Windows Phone")) return "Windows Phone";
  if (contains(ua, "Windows NT")) return windows_name(version_after(ua, "Windows NT "));
  if (contains(ua, "iPhone") || contains(ua, "iPad") || contains(ua, "iPod")) {
    const std::string version = major_minor(version_after(ua, " OS "));
    return version.empty() ? "iOS" : "iOS " + version;
  }
  if (contains(ua, "Mac OS X")) {
    const std::string version = major_minor(version_after(ua, "Mac OS X "));
    return version.empty() ? "Mac OS X" : "Mac OS X " + version;
  }
  if (contains(ua, "Android")) {
    const std::string version = major_minor(version_after(ua, "Android "));
    return version.empty() ? "Android" : "Android " + version;
  }
  if (contains(ua, "CrOS")) return "Chrome OS";
  if (contains(ua, "Linux") || contains(ua, "X11")) return "Linux";
  if (contains(ua, "Windows")) return "Windows";
  return "Other";
}

std::string device_of(std::string_view ua) {
  if (contains(ua, "iPad")) return "tablet";
  if (contains(ua, "iPhone") || contains(ua, "iPod")) return "mobile";
  if (contains(ua, "Android") || contains(ua, "Windows Phone")) {
    return contains(ua, "Mobile") ? "mobile" : "tablet";
  }
  return "desktop";
}

}  // namespace

UserAgentParts parse_user_agent(std::string_view user_agent) {
  UserAgentParts parts;
  parts.browser = browser_of(user_agent, parts.browser_version);
  parts.os = os_of(user_agent);
  parts.device_type = device_of(user_agent);
  return parts;
}

}  // namespace tributary::warehouse
