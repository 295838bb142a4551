// The operations server over real HTTP on 127.0.0.1, driven by cpp-httplib's client.
#include "server/operations_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <thread>

#include "util/log.h"

namespace tributary::server {
namespace {

struct Fixture {
  MetricsRegistry metrics;
  std::atomic<bool> source_ok{true};
  std::vector<std::string> bodies;
  std::mutex mutex;
  OperationsServer server;

  explicit Fixture(std::string token = {})
      : server(OperationsServerOptions{"127.0.0.1:0", std::move(token), 1024}, metrics,
               {{"source",
                 [this]() -> std::optional<std::string> {
                   if (source_ok) return std::nullopt;
                   return "cannot list s3://raw: connection refused";
                 }}},
               [this](const std::string& body) -> std::size_t {
                 if (body == "bad") throw std::invalid_argument("not an S3 event");
                 std::lock_guard lock(mutex);
                 bodies.push_back(body);
                 return 1;
               }) {
    server.start();
  }

  httplib::Client client() {
    httplib::Client c("127.0.0.1", server.port());
    c.set_connection_timeout(5);
    c.set_read_timeout(5);
    return c;
  }
};

TEST(OperationsServer, BindsLoopbackOnAFreePort) {
  Fixture f;
  EXPECT_GT(f.server.port(), 0);
  auto res = f.client().Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "ok\n");
}

TEST(OperationsServer, ReadinessReflectsChecks) {
  Fixture f;
  auto ok = f.client().Get("/readyz");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "{\"checks\":{\"source\":\"ok\"},\"ready\":true}\n");
  f.source_ok = false;
  auto down = f.client().Get("/readyz");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503);
  EXPECT_NE(down->body.find("connection refused"), std::string::npos);
}

TEST(OperationsServer, MetricsAreServedAsPrometheusText) {
  Fixture f;
  f.metrics.counter("tributary_test_total", "a test counter").inc(7);
  auto res = f.client().Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(res->body.find("tributary_test_total 7\n"), std::string::npos);
  EXPECT_NE(res->body.find("# TYPE tributary_http_requests_total counter"), std::string::npos);
}

TEST(OperationsServer, WebhookPassesBodiesAndRejectsBadOnes) {
  Fixture f;
  auto res = f.client().Post("/hooks/minio", "{\"Records\":[]}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "{\"objects\":1}\n");
  auto bad = f.client().Post("/hooks/minio", "bad", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->body, "not an S3 event\n");
  auto big = f.client().Post("/hooks/minio", std::string(4096, 'x'), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  std::lock_guard lock(f.mutex);
  EXPECT_EQ(f.bodies, std::vector<std::string>{"{\"Records\":[]}"});
}

TEST(OperationsServer, WebhookRequiresTheBearerTokenWhenSet) {
  Fixture f("s3cr3t-token");
  // MinIO's liveness probe of the target carries no token and must succeed.
  auto probe = f.client().Head("/hooks/minio");
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->status, 200);
  auto none = f.client().Post("/hooks/minio", "{}", "application/json");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  httplib::Headers wrong{{"Authorization", "Bearer s3cr3t-tokex"}};
  auto bad = f.client().Post("/hooks/minio", wrong, "{}", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  httplib::Headers right{{"Authorization", "Bearer s3cr3t-token"}};
  auto good = f.client().Post("/hooks/minio", right, "{}", "application/json");
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200);
  std::lock_guard lock(f.mutex);
  EXPECT_EQ(f.bodies.size(), 1u);
  EXPECT_EQ(f.metrics.counter("tributary_webhook_rejected_total", "").value(), 2u);
}

// A database or store that stops answering (a network partition: connects time out) makes every
// handler that asks it hang: /readyz, the status data, the report, the webhook. They must not take
// every thread, or /healthz, the liveness probe, times out too and the orchestrator kills a worker
// that would ride the outage out.
TEST(OperationsServer, HangingDependenciesLeaveAThreadForTheLivenessProbe) {
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t inside = 0;  // readiness checks running
  bool release = false;
  MetricsRegistry metrics;
  OperationsServerOptions options{"127.0.0.1:0", "", 1024};
  options.threads = 3;
  OperationsServer server(options, metrics,
                          {{"state",
                            [&]() -> std::optional<std::string> {
                              std::unique_lock lock(mutex);
                              ++inside;
                              changed.notify_all();
                              changed.wait(lock, [&] { return release; });
                              return std::nullopt;
                            }}},
                          [](const std::string&) -> std::size_t { return 0; });
  server.start();
  // Probes arrive one after another, each held by the check or answered (503, busy) before the
  // next: far more than there are threads.
  std::vector<int> statuses(8, 0);
  std::vector<std::thread> probes;
  // Whatever fails below, the checks are released and the probes joined.
  struct Joiner {
    std::function<void()> done;
    ~Joiner() { done(); }
  } joiner{[&] {
    {
      std::lock_guard lock(mutex);
      release = true;
      changed.notify_all();
    }
    for (std::thread& t : probes) t.join();
  }};
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    const std::size_t before = [&] {
      std::lock_guard lock(mutex);
      return inside;
    }();
    probes.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", server.port());
      c.set_read_timeout(30);
      auto res = c.Get("/readyz");
      std::lock_guard lock(mutex);
      statuses[i] = res ? res->status : -1;
      changed.notify_all();
    });
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(5),
                                 [&] { return inside > before || statuses[i] != 0; }))
        << "readiness probe " << i + 1 << " neither ran nor was answered: every thread waits";
  }
  httplib::Client c("127.0.0.1", server.port());
  c.set_read_timeout(5);
  auto live = c.Get("/healthz");
  ASSERT_TRUE(live) << "/healthz did not answer while the readiness checks hang";
  EXPECT_EQ(live->status, 200);
  {
    std::lock_guard lock(mutex);
    EXPECT_LT(inside, options.threads);
  }
  joiner.done();
  joiner.done = [] {};
  for (const int status : statuses) EXPECT_TRUE(status == 200 || status == 503) << status;
  EXPECT_EQ(c.Get("/readyz")->status, 200);
}

TEST(OperationsServer, UnknownPathsAre404AndStopIsIdempotent) {
  Fixture f;
  auto res = f.client().Get("/nope");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  f.server.stop();
  f.server.stop();
  EXPECT_FALSE(f.client().Get("/healthz"));
}

TEST(OperationsServer, ListenAddressesAreValidated) {
  EXPECT_EQ(parse_listen_address("127.0.0.1:8080"), std::make_pair(std::string("127.0.0.1"), 8080));
  EXPECT_EQ(parse_listen_address("[::1]:9"), std::make_pair(std::string("::1"), 9));
  EXPECT_THROW(parse_listen_address("localhost"), std::invalid_argument);
  EXPECT_THROW(parse_listen_address("h:70000"), std::invalid_argument);
  EXPECT_THROW(parse_listen_address("h:80x"), std::invalid_argument);
  MetricsRegistry m;
  OperationsServer taken(OperationsServerOptions{"127.0.0.1:0", "", 1024}, m, {},
                         [](const std::string&) { return std::size_t{0}; });
  taken.start();
  OperationsServer clash(
      OperationsServerOptions{"127.0.0.1:" + std::to_string(taken.port()), "", 1024}, m, {},
      [](const std::string&) { return std::size_t{0}; });
  // One line that says which address and why.
  try {
    clash.start();
    ADD_FAILURE() << "a taken port was bound";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(e.what(), "cannot listen on 127.0.0.1:" + std::to_string(taken.port()) +
                            ": Address already in use");
  }
  OperationsServer foreign(OperationsServerOptions{"192.0.2.1:0", "", 1024}, m, {},
                           [](const std::string&) { return std::size_t{0}; });
  try {
    foreign.start();
    ADD_FAILURE() << "an address of no interface was bound";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot listen on 192.0.2.1:0: Cannot assign requested address");
  }
}

}  // namespace
}  // namespace tributary::server

namespace tributary::server {
namespace {

TEST(OperationsServer, ServesTheStatusPageItsDataAndTheReport) {
  MetricsRegistry metrics;
  StatusBoard board;
  board.record_discovered(3);
  OperationsServer server(OperationsServerOptions{"127.0.0.1:0", "", 1024}, metrics, {},
                          [](const std::string&) -> std::size_t { return 0; });
  server.serve_status(board, [] { return std::string("<!doctype html><p>report</p>"); });
  server.start();
  httplib::Client c("127.0.0.1", server.port());
  auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<title>tributary status</title>"), std::string::npos);
  // Self-contained: nothing is loaded from elsewhere.
  EXPECT_EQ(page->body.find("src=\"http"), std::string::npos);
  EXPECT_EQ(page->body.find("href=\"http"), std::string::npos);
  auto data = c.Get("/status.json");
  ASSERT_TRUE(data);
  EXPECT_EQ(data->get_header_value("Cache-Control"), "no-store");
  EXPECT_NE(data->body.find(R"("report_link":"report")"), std::string::npos);
  EXPECT_NE(data->body.find(R"("stage":"discovered","unit":"objects","count":3,)"),
            std::string::npos);
  auto report = c.Get("/report");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->body, "<!doctype html><p>report</p>");
}

TEST(OperationsServer, AFailingReportIs503WithARedactedReason) {
  MetricsRegistry metrics;
  StatusBoard board;
  util::log_redact("hunter2-secret");
  OperationsServer server(OperationsServerOptions{"127.0.0.1:0", "", 1024}, metrics, {},
                          [](const std::string&) -> std::size_t { return 0; });
  server.serve_status(board, []() -> std::string {
    throw std::runtime_error("cannot connect to postgresql://u:hunter2-secret@db/wh");
  });
  server.start();
  httplib::Client c("127.0.0.1", server.port());
  auto report = c.Get("/report");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->status, 503);
  EXPECT_EQ(report->body.find("hunter2"), std::string::npos) << report->body;
  // Without a report provider there is no /report and no link.
  OperationsServer bare(OperationsServerOptions{"127.0.0.1:0", "", 1024}, metrics, {},
                        [](const std::string&) -> std::size_t { return 0; });
  StatusBoard other;
  bare.serve_status(other, {});
  bare.start();
  httplib::Client b("127.0.0.1", bare.port());
  EXPECT_EQ(b.Get("/report")->status, 404);
  EXPECT_NE(b.Get("/status.json")->body.find(R"("report_link":"")"), std::string::npos);
}

// With a status token, what shows data (the page, its JSON, the report, any other path) asks
// for credentials; the probes, the metrics and the webhook (its own token) stay open.
TEST(OperationsServer, AStatusTokenGuardsThePageItsDataAndTheReportButNotTheProbes) {
  constexpr const char* kToken = "status-token-3c9e";
  MetricsRegistry metrics;
  StatusBoard board;
  OperationsServerOptions options{"127.0.0.1:0", "", 1024};
  options.status_token = kToken;
  OperationsServer server(options, metrics, {},
                          [](const std::string&) -> std::size_t { return 1; });
  server.serve_status(board, [] { return std::string("<!doctype html><p>report</p>"); });
  server.start();
  httplib::Client c("127.0.0.1", server.port());
  for (const char* path : {"/", "/status.json", "/report", "/no-such-page"}) {
    auto refused = c.Get(path);
    ASSERT_TRUE(refused) << path;
    EXPECT_EQ(refused->status, 401) << path;
    EXPECT_EQ(refused->get_header_value("WWW-Authenticate"),
              "Basic realm=\"tributary\", charset=\"UTF-8\"")
        << path;
    EXPECT_EQ(refused->body.find("quarantine"), std::string::npos) << path;
  }
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    auto open = c.Get(path);
    ASSERT_TRUE(open) << path;
    EXPECT_EQ(open->status, 200) << path;
  }
  auto hook = c.Post("/hooks/minio", "{}", "application/json");
  ASSERT_TRUE(hook);
  EXPECT_EQ(hook->status, 200);

  httplib::Client bearer("127.0.0.1", server.port());
  bearer.set_bearer_token_auth(kToken);
  EXPECT_EQ(bearer.Get("/status.json")->status, 200);
  EXPECT_EQ(bearer.Get("/report")->body, "<!doctype html><p>report</p>");
  httplib::Client browser("127.0.0.1", server.port());
  browser.set_basic_auth("tributary", kToken);
  EXPECT_EQ(browser.Get("/")->status, 200);
  for (const auto& [user, password] : {std::pair<const char*, const char*>{"tributary", "wrong"},
                                       {"admin", kToken},
                                       {"tributary", "status-token-3c9"}}) {
    httplib::Client wrong("127.0.0.1", server.port());
    wrong.set_basic_auth(user, password);
    EXPECT_EQ(wrong.Get("/status.json")->status, 401) << user << ":" << password;
  }
  httplib::Client wrong_bearer("127.0.0.1", server.port());
  wrong_bearer.set_bearer_token_auth("status-token-3c9e-and-more");
  EXPECT_EQ(wrong_bearer.Get("/report")->status, 401);
}

// The pages show raw bucket contents (quarantined lines, song and user names): every response,
// errors and refusals included, forbids content sniffing, framing and caching, and its policy
// lets no script run but the status page's own (by hash, not 'unsafe-inline').
TEST(OperationsServer, EveryResponseForbidsSniffingFramingCachingAndForeignScripts) {
  constexpr const char* kToken = "status-token-71aa";
  MetricsRegistry metrics;
  StatusBoard board;
  OperationsServerOptions options{"127.0.0.1:0", "", 1024};
  options.status_token = kToken;
  OperationsServer server(options, metrics, {},
                          [](const std::string&) -> std::size_t { return 1; });
  server.serve_status(board, [] { return std::string("<!doctype html><p>report</p>"); });
  server.start();
  httplib::Client anonymous("127.0.0.1", server.port());
  httplib::Client browser("127.0.0.1", server.port());
  browser.set_basic_auth("tributary", kToken);
  std::vector<std::pair<std::string, httplib::Result>> responses;
  for (const char* path : {"/", "/status.json", "/report", "/metrics", "/healthz", "/readyz",
                           "/hooks/minio", "/no-such-page"}) {
    responses.emplace_back(path, browser.Get(path));
  }
  responses.emplace_back("/ without credentials", anonymous.Get("/"));
  responses.emplace_back("DELETE /", browser.Delete("/"));
  for (const auto& [what, res] : responses) {
    ASSERT_TRUE(res) << what;
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff") << what;
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store") << what;
    EXPECT_EQ(res->get_header_value("X-Frame-Options"), "DENY") << what;
    const std::string csp = res->get_header_value("Content-Security-Policy");
    EXPECT_TRUE(csp.starts_with("default-src 'none'; ")) << what << ": " << csp;
    EXPECT_NE(csp.find("; frame-ancestors 'none'"), std::string::npos) << what << ": " << csp;
    const auto script = csp.find("script-src 'sha256-");
    ASSERT_NE(script, std::string::npos) << what << ": " << csp;
    EXPECT_EQ(csp.substr(script, csp.find(';', script) - script).find("unsafe"), std::string::npos)
        << what << ": " << csp;
  }
}

// Without a token the status page, its data and the report are open because only this machine
// reaches 127.0.0.1. A web page the operator visits could still read them through DNS rebinding
// (its own name, re-resolved to 127.0.0.1): the browser then sends that name as Host. So on
// loopback they answer only requests addressed to a loopback name; the probes, the metrics and
// the webhook stay open whatever the Host.
TEST(OperationsServer, OnLoopbackWithoutATokenThePagesAnswerOnlyLoopbackHostNames) {
  MetricsRegistry metrics;
  StatusBoard board;
  OperationsServer server(OperationsServerOptions{"127.0.0.1:0", "", 1024}, metrics, {},
                          [](const std::string&) -> std::size_t { return 1; });
  server.serve_status(board, [] { return std::string("<!doctype html><p>report</p>"); });
  server.start();
  httplib::Client c("127.0.0.1", server.port());
  const std::string port = ":" + std::to_string(server.port());
  const auto status = [&](const char* path, const std::string& host) {
    auto res = c.Get(path, httplib::Headers{{"Host", host}});
    return res ? res->status : -1;
  };
  for (const char* path : {"/", "/status.json", "/report"}) {
    for (const std::string& host : std::vector<std::string>{
             "rebound.example" + port, "rebound.example", "127.rebound.example" + port,
             "localhost.rebound.example" + port, "127.0.0.1.rebound.example"}) {
      EXPECT_EQ(status(path, host), 403) << path << " Host: " << host;
    }
    for (const std::string& host :
         std::vector<std::string>{"127.0.0.1" + port, "localhost" + port, "LocalHost",
                                  "[::1]" + port, "127.1.2.3", "status.localhost" + port}) {
      EXPECT_EQ(status(path, host), 200) << path << " Host: " << host;
    }
  }
  for (const char* path : {"/healthz", "/readyz", "/metrics", "/hooks/minio"}) {
    EXPECT_EQ(status(path, "rebound.example" + port), 200) << path;
  }
}

// A status page served beyond loopback without a token says so in the log, once, at start.
TEST(OperationsServer, AnUnprotectedStatusPageBeyondLoopbackIsLogged) {
  MetricsRegistry metrics;
  for (const bool with_token : {false, true}) {
    StatusBoard board;
    OperationsServerOptions options{"0.0.0.0:0", "", 1024};
    if (with_token) options.status_token = "t0ken-for-the-status-page";
    OperationsServer server(options, metrics, {},
                            [](const std::string&) -> std::size_t { return 0; });
    server.serve_status(board, {});
    ::testing::internal::CaptureStderr();
    server.start();
    const std::string log = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(log.find("http.status_unprotected") != std::string::npos, !with_token) << log;
  }
}

}  // namespace
}  // namespace tributary::server
