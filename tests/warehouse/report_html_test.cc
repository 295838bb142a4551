#include "warehouse/report_html.h"

#include <gtest/gtest.h>

namespace tributary::warehouse {
namespace {

Report sample_report() {
  Report r;
  r.period = {"2023-12-01", "2023-12-25"};
  r.top_locations = {{"Anaheim", "CA", 19, 18, 1.2554063527777777, 1, 1},
                     {"Tom's <Town>", "TX", 3, 0, 0.0, 1, 2}};
  r.top_songs = {{"Sam Sparro", "Black & Gold", 4, 2}};
  r.user_listening = {{730, "Andre", "Johnson", 18, 1.2554063527777777},
                      {12, std::nullopt, std::nullopt, 1, 0.05}};
  return r;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

TEST(ReportHtml, CarriesTheExactNumbersAndEscapesText) {
  const std::string html = report_html(sample_report(), {{{"Anaheim", "CA"}, {33.83, -117.91}}});
  // Exact values as in JSON (shortest round trip), rounded for display.
  EXPECT_NE(html.find(R"(data-value="1.2554063527777777">1.26</td>)"), std::string::npos);
  EXPECT_NE(html.find(R"(<g class="bar" data-label="Anaheim, CA" data-value="19">)"),
            std::string::npos);
  EXPECT_EQ(count(html, "<g class=\"bar\""), 2u + 1u + 2u);
  EXPECT_NE(html.find("Tom&#39;s &lt;Town&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<Town>"), std::string::npos);
  EXPECT_NE(html.find("Black &amp; Gold"), std::string::npos);
  // A user without a name is labelled by id.
  EXPECT_NE(html.find(R"(data-label="user 12")"), std::string::npos);
  // The map: one dot for the located location, and a note for the other.
  EXPECT_EQ(count(html, "<g class=\"dot\""), 1u);
  EXPECT_NE(html.find(R"(data-label="Anaheim, CA" data-usage="37")"), std::string::npos);
  EXPECT_NE(html.find("1 location(s) without coordinates"), std::string::npos);
  // Self-contained: no script and nothing fetched.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
}

TEST(ReportHtml, EmptyReportSaysSoAndIsDeterministic) {
  Report r;
  r.period = {"2020-01-01", "2020-01-02"};
  const std::string html = report_html(r, {});
  EXPECT_EQ(count(html, "No data in this period."), 3u);
  EXPECT_NE(html.find("No located data in this period."), std::string::npos);
  EXPECT_EQ(html, report_html(r, {}));
}

TEST(HtmlEscape, EscapesTheFiveCharacters) {
  EXPECT_EQ(html_escape(R"(<a href="x">&'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
}

}  // namespace
}  // namespace tributary::warehouse
