// Object store throughput: list 10,000 keys, put and get 1,000 small objects, on file:// and on
// an S3 endpoint (s3rver), printing requests/s and, for S3, the connection reuse rate.
//
//   store_bench --file-root /tmp/x [--s3-endpoint http://127.0.0.1:PORT --bucket NAME]
//               [--keys 10000] [--objects 1000] [--size 1024]
//
// The S3 side uses the key pair S3RVER/S3RVER unless AWS credentials are in the environment.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "store/open_store.h"
#include "store/s3_store.h"

namespace {

using tributary::store::ObjectStore;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string file_root;
  std::string s3_endpoint;
  std::string bucket = "tributary-test";
  int keys = 10000;
  int objects = 1000;
  std::size_t size = 1024;
};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string key_of(const char* dir, int i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s/%06d.json", dir, i);
  return buf;
}

void run(const char* name, ObjectStore& store, const Options& o, tributary::store::S3Store* s3) {
  const std::string body(o.size, 'x');
  // Setup: the keys to list (not timed).
  for (int i = 0; i < o.keys; ++i) store.put(key_of("list", i), "");

  auto t = Clock::now();
  int listed = 0, pages = 0;
  std::string after;
  for (;;) {
    const auto page = store.list("list/", after);
    ++pages;
    listed += static_cast<int>(page.objects.size());
    if (!page.truncated) break;
    after = page.objects.back().key;
  }
  const double list_s = seconds_since(t);
  if (listed != o.keys) {
    std::fprintf(stderr, "%s: listed %d keys, expected %d\n", name, listed, o.keys);
    std::exit(1);
  }

  const auto before = s3 ? s3->http_stats() : tributary::store::HttpStats{};
  t = Clock::now();
  for (int i = 0; i < o.objects; ++i) store.put(key_of("small", i), body);
  const double put_s = seconds_since(t);
  t = Clock::now();
  for (int i = 0; i < o.objects; ++i) {
    if (store.get(key_of("small", i)).body.size() != o.size) {
      std::fprintf(stderr, "%s: short object\n", name);
      std::exit(1);
    }
  }
  const double get_s = seconds_since(t);

  std::printf("| %s | list %d keys (%d pages) | %.3f s | %.0f keys/s, %.1f pages/s |\n", name,
              o.keys, pages, list_s, o.keys / list_s, pages / list_s);
  std::printf("| %s | put %d x %zu B | %.3f s | %.0f requests/s |\n", name, o.objects, o.size,
              put_s, o.objects / put_s);
  std::printf("| %s | get %d x %zu B | %.3f s | %.0f requests/s |\n", name, o.objects, o.size,
              get_s, o.objects / get_s);
  if (s3) {
    const auto after_stats = s3->http_stats();
    const double requests = static_cast<double>(after_stats.requests - before.requests);
    const double fresh = static_cast<double>(after_stats.new_connections - before.new_connections);
    std::printf(
        "| %s | connection reuse (put+get) | %.0f requests, %.0f new connections | "
        "%.2f%% reused |\n",
        name, requests, fresh, 100.0 * (1.0 - fresh / requests));
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--file-root") {
      o.file_root = value;
    } else if (flag == "--s3-endpoint") {
      o.s3_endpoint = value;
    } else if (flag == "--bucket") {
      o.bucket = value;
    } else if (flag == "--keys") {
      o.keys = std::stoi(value);
    } else if (flag == "--objects") {
      o.objects = std::stoi(value);
    } else if (flag == "--size") {
      o.size = std::stoul(value);
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (o.file_root.empty() && o.s3_endpoint.empty()) {
    std::fprintf(stderr, "usage: store_bench --file-root DIR [--s3-endpoint URL --bucket B]\n");
    return 2;
  }
  try {
    std::printf("| store | operation | time | rate |\n| --- | --- | --- | --- |\n");
    if (!o.file_root.empty()) {
      auto store = tributary::store::open_store("file://" + o.file_root);
      run("file://", *store, o, nullptr);
    }
    if (!o.s3_endpoint.empty()) {
      tributary::store::StoreConfig c;
      c.endpoint = o.s3_endpoint;
      if (std::getenv("AWS_ACCESS_KEY_ID") == nullptr) {
        c.access_key_id = "S3RVER";
        c.secret_access_key = "S3RVER";
      }
      auto store = tributary::store::open_s3_store(
          "s3://" + o.bucket + "/bench-" + std::to_string(std::time(nullptr)),
          tributary::store::resolve_store_config(c));
      run("s3:// (s3rver)", *store, o, store.get());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "store_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
