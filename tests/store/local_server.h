// An httplib server on 127.0.0.1 and a free port, running until destroyed: stands in for the
// HTTP endpoints a test cannot reach (instance metadata, a misbehaving server).
#pragma once

#include <httplib.h>

#include <string>
#include <thread>

namespace tributary::testing {

class LocalServer {
 public:
  LocalServer() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // bind_to_any_port() already listens, so connections queue until the thread accepts them.
  }
  ~LocalServer() {
    server_.stop();
    thread_.join();
  }
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  httplib::Server& server() { return server_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace tributary::testing
