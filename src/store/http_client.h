// HttpClient: one HTTP/1.1 exchange at a time per borrowed libcurl handle, with connection reuse.
// It knows nothing about S3; S3Store and the credential providers build on it.
//
// Invariants:
//  - Handles are pooled and reused, so consecutive requests to one host reuse the TCP/TLS
//    connection (stats() counts how often a new connection was needed).
//  - A transfer that ends before Content-Length bytes arrived is reported as a transport error,
//    never as a response.
//  - A body with a Content-Length is received into one buffer of that size (up to 1 GiB, so a
//    wrong length cannot allocate more), not one grown by doubling to up to twice the body.
//  - Nothing here logs; request headers (which carry signatures and tokens) never leave it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::store {

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string url;             // sent as it is: no dot-segment removal (S3 keys may contain "/../")
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
  // When set and it becomes true, the exchange is abandoned within about a second (a transport
  // error): lets a long poll end promptly on shutdown.
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; the last value wins
  std::string body;

  // The header's value, or "" when absent.
  std::string header(const std::string& lower_name) const;
};

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{60000};
  bool verify_tls = true;
  std::string ca_file;  // empty: the system's trust store
};

// A failed exchange: no complete response arrived.
struct HttpTransportError {
  std::string message;  // curl's description, without URL credentials or headers
  bool timed_out = false;
};

struct HttpStats {
  std::uint64_t requests = 0;
  std::uint64_t new_connections = 0;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs the exchange once (no retries). Thread-safe.
  // Returns the response, or the transport error.
  struct Outcome {
    std::optional<HttpResponse> response;
    HttpTransportError error;
  };
  Outcome perform(const HttpRequest& request);

  HttpStats stats() const { return {requests_.load(), new_connections_.load()}; }

 private:
  void* acquire();  // CURL*
  void release(void* handle);

  HttpOptions options_;
  std::mutex mu_;
  std::vector<void*> idle_;  // CURL* handles, each holding its own connection cache
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> new_connections_{0};
};

}  // namespace tributary::store
