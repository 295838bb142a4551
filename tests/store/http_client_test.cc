// HttpClient's body buffer against a local server: sized once from Content-Length, and an
// impossible Content-Length fails the exchange like any other body cut short.
#include "store/http_client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdint>
#include <limits>

#include "local_server.h"

namespace tributary::store {
namespace {

TEST(HttpClient, ABodyWithAContentLengthArrivesInABufferOfThatSize) {
  // Just past a step of doubling: a buffer grown by doubling as the body arrives would end near
  // twice the body.
  const std::string body((1u << 20) + 1, 'x');
  testing::LocalServer server;
  server.server().Get("/object", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "application/octet-stream");
  });
  HttpClient client(HttpOptions{});
  HttpRequest request;
  request.url = server.url() + "/object";

  const HttpClient::Outcome outcome = client.perform(request);
  ASSERT_TRUE(outcome.response) << outcome.error.message;
  EXPECT_TRUE(outcome.response->body == body);
  // Sized once (reserve() may round up a little), not grown: doubling would leave it near twice
  // the body.
  EXPECT_LT(outcome.response->body.capacity(), body.size() + body.size() / 8);
}

TEST(HttpClient, AnImpossibleContentLengthFailsTheExchangeLikeAShortBody) {
  // Reserved whole, it would throw std::bad_alloc through libcurl (under ASan: abort).
  testing::LocalServer server;
  server.server().Get("/lying", [](const httplib::Request&, httplib::Response& res) {
    res.set_content_provider(std::numeric_limits<std::int64_t>::max(), "application/octet-stream",
                             [](std::size_t, std::size_t, httplib::DataSink& sink) {
                               sink.write("short", 5);
                               return false;  // closes the connection
                             });
  });
  HttpClient client(HttpOptions{});
  HttpRequest request;
  request.url = server.url() + "/lying";

  const HttpClient::Outcome outcome = client.perform(request);
  EXPECT_FALSE(outcome.response);
  EXPECT_FALSE(outcome.error.message.empty());
}

}  // namespace
}  // namespace tributary::store
