// fault_proxy_server: FaultProxy (tests/store/fault_proxy.h) as a process of its own, between a
// whole `tributary run` and s3rver, for the fault-injection tests (faults_test.sh).
//
//   fault_proxy_server --upstream http://127.0.0.1:PORT --ready FILE [--stats FILE] [--seed N]
//       [--rate R] [--mix NAME=WEIGHT,...] [--latency-rate R] [--latency-ms MIN-MAX]
//       [--method METHOD] [--path-prefix PATH]
//
// Once it listens, it writes FILE (atomically: the caller polls for it) with one line,
// PROXY_ENDPOINT=http://127.0.0.1:<port>. A share R of the requests matching METHOD and PATH (the
// request target, e.g. /bucket/prefix/lake/) gets a fault drawn from the mix (names as
// fault_name() gives them: slow_down, server_error, reset, truncate, corrupt, drop, ...); a share
// of them waits a uniform MIN-MAX ms more. Control requests on the same port (S3 bucket names
// cannot start with '_', so they never collide with the proxied API):
//
//   GET  /_fault_proxy/stats   {"requests":..,"matched":..,"delayed":..,"faults_total":..,
//                               "faults":{"<name>":n,...},"rate":R}
//   POST /_fault_proxy/rate    body: the new R (e.g. 1 to start a window of failures, 0 to end it)
//
// SIGTERM or SIGINT: writes the stats to the --stats FILE, if given, and exits 0.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

#include "fault_proxy.h"
#include "util/json_writer.h"

namespace {

using tributary::testing::Fault;
using tributary::testing::FaultProxy;
using tributary::testing::RandomFaults;

constexpr std::string_view kControlPrefix = "/_fault_proxy/";

std::string stats_json(FaultProxy& proxy, double rate) {
  const tributary::testing::FaultCounts c = proxy.counts();
  std::string out;
  tributary::util::JsonWriter w(out);
  std::uint64_t total = 0;
  for (const auto& [fault, n] : c.faults) total += n;
  w.begin_object()
      .key("requests")
      .value(static_cast<std::uint64_t>(c.requests))
      .key("matched")
      .value(static_cast<std::uint64_t>(c.matched))
      .key("delayed")
      .value(static_cast<std::uint64_t>(c.delayed))
      .key("faults_total")
      .value(total)
      .key("faults")
      .begin_object();
  for (const auto& [fault, n] : c.faults) {
    w.key(tributary::testing::fault_name(fault)).value(static_cast<std::uint64_t>(n));
  }
  w.end_object().key("rate").value(rate).end_object();
  return out;
}

// "slow_down=3,reset=1" -> the mix.
std::vector<std::pair<Fault, unsigned>> parse_mix(const std::string& text) {
  std::vector<std::pair<Fault, unsigned>> mix;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    const std::size_t eq = item.find('=');
    const auto fault = tributary::testing::fault_from_name(item.substr(0, eq));
    if (!fault || eq == std::string::npos) throw std::invalid_argument("bad --mix item " + item);
    mix.emplace_back(*fault, static_cast<unsigned>(std::stoul(item.substr(eq + 1))));
    start = end + 1;
  }
  return mix;
}

int run(int argc, char** argv) {
  std::string upstream, ready, stats;
  RandomFaults random;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--upstream") {
      upstream = value;
    } else if (flag == "--ready") {
      ready = value;
    } else if (flag == "--stats") {
      stats = value;
    } else if (flag == "--seed") {
      random.seed = std::stoull(value);
    } else if (flag == "--rate") {
      random.rate = std::stod(value);
    } else if (flag == "--mix") {
      random.mix = parse_mix(value);
    } else if (flag == "--latency-rate") {
      random.latency_rate = std::stod(value);
    } else if (flag == "--latency-ms") {
      const std::size_t dash = value.find('-');
      random.latency_min = std::chrono::milliseconds(std::stoll(value.substr(0, dash)));
      random.latency_max = dash == std::string::npos
                               ? random.latency_min
                               : std::chrono::milliseconds(std::stoll(value.substr(dash + 1)));
    } else if (flag == "--method") {
      random.method = value;
    } else if (flag == "--path-prefix") {
      random.path_prefix = value;
    } else {
      throw std::invalid_argument("unknown flag " + flag);
    }
  }
  const std::string http = "http://";
  const std::size_t colon = upstream.rfind(':');
  if (!upstream.starts_with(http) || colon == std::string::npos || colon < http.size() ||
      ready.empty()) {
    throw std::invalid_argument(
        "usage: fault_proxy_server --upstream http://HOST:PORT --ready FILE [options]");
  }

  // Signals are taken by sigwait below, not by handlers; blocked before any thread starts so
  // that every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  FaultProxy proxy(upstream.substr(http.size(), colon - http.size()),
                   std::stoi(upstream.substr(colon + 1)));
  std::atomic<double> rate{random.rate};
  proxy.set_random(random);
  proxy.set_control(std::string(kControlPrefix),
                    [&](std::string_view method, std::string_view target,
                        std::string_view body) -> std::optional<std::string> {
                      const std::string_view command = target.substr(kControlPrefix.size());
                      if (method == "GET" && command == "stats")
                        return stats_json(proxy, rate.load());
                      if (method == "POST" && command == "rate") {
                        double value = 0;
                        try {
                          value = std::stod(std::string(body));
                        } catch (const std::exception&) {
                          return std::nullopt;  // not a number: answered 404, nothing changed
                        }
                        rate = value;
                        proxy.set_fault_rate(value);
                        return stats_json(proxy, value);
                      }
                      return std::nullopt;
                    });

  {
    const std::string tmp = ready + ".tmp";
    std::ofstream(tmp) << "PROXY_ENDPOINT=" << proxy.endpoint() << "\n";
    if (std::rename(tmp.c_str(), ready.c_str()) != 0) {
      throw std::runtime_error("cannot write " + ready);
    }
  }
  int sig = 0;
  sigwait(&signals, &sig);
  if (!stats.empty()) std::ofstream(stats) << stats_json(proxy, rate.load()) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "fault_proxy_server: " << e.what() << "\n";
    return 2;
  }
}
