// The end-to-end tests' hands on an object store and the ledger, through tributary's own store
// client (so s3:// and file:// behave as `tributary run` sees them):
//
//   e2e_store_tool put URI KEY FILE          uploads FILE as KEY
//   e2e_store_tool remove URI KEY            deletes KEY
//   e2e_store_tool keys URI PREFIX           prints every key under PREFIX, one a line
//   e2e_store_tool download URI PREFIX DIR   copies every key under PREFIX to DIR/<key>
//   e2e_store_tool see URI STATE KEY...      records KEYs in the ledger of the state database
//                                            STATE exactly as a listing poll would (HEAD, then
//                                            Ledger::record_listing): "seen, not yet claimed"
//
// Store settings (endpoint, credentials) come from the AWS_* environment, as for tributary.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/fluentd_key.h"
#include "ingest/ledger.h"
#include "store/listing_pager.h"
#include "store/open_store.h"
#include "warehouse/warehouse.h"

namespace {

using namespace tributary;

std::vector<std::string> keys_under(store::ObjectStore& s, const std::string& prefix) {
  std::vector<std::string> keys;
  for (store::ObjectInfo& o : store::list_all(s, prefix)) keys.push_back(std::move(o.key));
  return keys;
}

int run(const std::vector<std::string>& args) {
  if (args.size() < 3) throw std::invalid_argument("usage: see the comment in e2e_store_tool.cc");
  const std::string& command = args[0];
  const auto s = store::open_store(args[1]);
  if (command == "put" && args.size() == 4) {
    std::ifstream in(args[3], std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + args[3]);
    std::ostringstream body;
    body << in.rdbuf();
    s->put(args[2], body.str());
  } else if (command == "remove" && args.size() == 3) {
    s->remove(args[2]);
  } else if (command == "keys" && args.size() == 3) {
    for (const std::string& k : keys_under(*s, args[2])) std::printf("%s\n", k.c_str());
  } else if (command == "download" && args.size() == 4) {
    for (const std::string& k : keys_under(*s, args[2])) {
      const std::filesystem::path out = std::filesystem::path(args[3]) / k;
      std::filesystem::create_directories(out.parent_path());
      const std::string body = s->get(k).body;
      std::ofstream(out, std::ios::binary).write(body.data(), std::streamsize(body.size()));
    }
  } else if (command == "see" && args.size() >= 4) {
    const auto state = warehouse::Warehouse::open(args[2]);
    std::vector<ingest::ListedObject> listed;
    for (std::size_t i = 3; i < args.size(); ++i) {
      const auto parsed = ingest::parse_fluentd_key(args[i], "Raw/");
      const auto info = s->head(args[i]);
      if (!parsed || !info) throw std::runtime_error("not a raw object: " + args[i]);
      listed.push_back(ingest::ListedObject{parsed->stream, *info});
    }
    const std::vector<std::string> extensions{"json", "gz"};
    ingest::Ledger(*state, "e2e-test").record_listing(listed, extensions, 0);
  } else {
    throw std::invalid_argument("unknown command or wrong arguments: " + command);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "e2e_store_tool: %s\n", e.what());
    return 1;
  }
}
