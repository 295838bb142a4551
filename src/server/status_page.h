// The status page served at GET /: one self-contained HTML document (inline CSS, JS and SVG; no
// external requests) that fetches ./status.json (StatusBoard::json) every 2 seconds and renders
// it: pipeline stages with counts and rates, backlog and lag, a throughput chart, quarantine
// reasons with a sample line, recent errors and the warehouse's top lists.
//
// Invariants: every value from status.json reaches the page through textContent or SVG
// attributes, never innerHTML, so a quarantined line cannot inject markup. Elements the tests
// read carry data-testid attributes.
//
// status_page_csp() is the Content-Security-Policy the server sends with every response: nothing
// loads or runs but this page's own inline script (allowed by its SHA-256, so a script injected
// into any page, the report's included, is refused), inline styles, and fetches to the page's
// origin; no page may be framed.
#pragma once

#include <string>
#include <string_view>

namespace tributary::server {

std::string_view status_page_html();
const std::string& status_page_csp();

}  // namespace tributary::server
