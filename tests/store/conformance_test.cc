// The ObjectStore contract, run against every backend: FileStore on a temporary directory and
// S3Store on a real S3 API server (s3rver, started by the CTest fixture). A behaviour that
// differs between backends fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <thread>

#include "s3rver_env.h"
#include "store/listing_pager.h"
#include "store/open_store.h"
#include "temp_dir.h"

namespace tributary::store {
namespace {

using testing::TempDir;

struct Backend {
  std::string name;
  std::function<std::unique_ptr<ObjectStore>()> open;  // a fresh, empty store
};

void PrintTo(const Backend& b, std::ostream* os) {
  *os << b.name;
}

class Conformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { store_ = GetParam().open(); }
  ObjectStore& store() { return *store_; }

  std::vector<std::string> list_all(std::string_view prefix, std::size_t page_size = 1000) {
    std::vector<std::string> keys;
    std::string after;
    for (;;) {
      const ListPage page = store().list(prefix, after, page_size);
      EXPECT_LE(page.objects.size(), page_size);
      for (const auto& o : page.objects) keys.push_back(o.key);
      if (!page.truncated) break;
      EXPECT_FALSE(page.objects.empty());
      after = page.objects.back().key;
    }
    return keys;
  }

  static StoreErrorCode code_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const StoreError& e) {
      return e.code();
    }
    ADD_FAILURE() << "no StoreError thrown";
    return StoreErrorCode::kOther;
  }

 private:
  std::unique_ptr<ObjectStore> store_;
};

std::string binary_blob(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  std::mt19937 rng(seed);
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

TEST_P(Conformance, PutThenGetReturnsTheExactBytes) {
  const std::string body = binary_blob(100'000, 1);
  const ObjectInfo put = store().put("dir/blob.bin", body);
  EXPECT_EQ(put.key, "dir/blob.bin");
  EXPECT_EQ(put.size, body.size());
  const GetResult got = store().get("dir/blob.bin");
  EXPECT_EQ(got.body, body);
  EXPECT_EQ(got.info.size, body.size());
  EXPECT_EQ(got.info.etag, put.etag);
  EXPECT_GT(got.info.last_modified_ms, 1'600'000'000'000);
}

TEST_P(Conformance, EtagsAgreeAcrossPutHeadGetAndList) {
  const ObjectInfo put = store().put("k.json", "{\"a\":1}\n");
  // The MD5 of the content, as S3 gives for single-part uploads.
  EXPECT_EQ(put.etag, "4588ff3797b78d819d858fa3bdd82b09");  // md5sum
  EXPECT_EQ(store().head("k.json")->etag, put.etag);
  EXPECT_EQ(store().get("k.json").info.etag, put.etag);
  EXPECT_EQ(store().list("").objects.at(0).etag, put.etag);
}

// The ledger records an object's LastModified from a listing or, for a notification, a HEAD (the
// lag counts from it): both give it. S3 listings carry milliseconds, its headers whole seconds.
TEST_P(Conformance, LastModifiedAgreesAcrossHeadGetAndList) {
  store().put("k.json", "{\"a\":1}\n");
  const auto got = static_cast<double>(store().get("k.json").info.last_modified_ms);
  EXPECT_GT(got, 1.6e12);
  EXPECT_NEAR(static_cast<double>(store().head("k.json")->last_modified_ms), got, 1000.0);
  EXPECT_NEAR(static_cast<double>(store().list("").objects.at(0).last_modified_ms), got, 1000.0);
}

TEST_P(Conformance, EmptyObjects) {
  const ObjectInfo put = store().put("empty", "");
  EXPECT_EQ(put.size, 0u);
  EXPECT_EQ(put.etag, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(store().get("empty").body, "");
  EXPECT_EQ(store().head("empty")->size, 0u);
  const ListPage page = store().list("");
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].size, 0u);
}

TEST_P(Conformance, KeysWithSpacesUnicodeAndPlus) {
  const std::vector<std::string> keys = {
      "with space/a b.json", "unicode/ünïcödé-日本語-🎵.json",
      "plus/a+b=c&d.json",   "percent/100%25 sure",
      "tilde/~!*'(),;:@$",
  };
  for (const auto& k : keys) store().put(k, "body of " + k);
  for (const auto& k : keys) {
    EXPECT_EQ(store().get(k).body, "body of " + k) << k;
    EXPECT_TRUE(store().head(k).has_value()) << k;
  }
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(list_all(""), sorted);
  EXPECT_EQ(list_all("plus/a+"), std::vector<std::string>{"plus/a+b=c&d.json"});
  // '+' is not a space: a key with a space in its place does not exist.
  EXPECT_FALSE(store().head("plus/a b=c&d.json").has_value());
}

// S3 keys may have "." and ".." segments; a URL path would lose them to dot-segment removal, and
// the request would reach another key (or, through "..", leave the store's prefix). The keys end
// in them because s3rver's own file storage resolves those inside a path; S3 keeps both kinds.
TEST_P(Conformance, KeysWithDotSegmentsAreTheirOwnObjects) {
  store().put("dots/plain", "body of dots/plain");
  std::vector<std::string> storable = {"dots/plain"};
  for (const std::string k : {"dots/d/.", "dots/e/.."}) {
    // FileStore cannot make such a key a path and says so.
    try {
      store().put(k, "body of " + k);
      storable.push_back(k);
    } catch (const StoreError& e) {
      EXPECT_EQ(e.code(), StoreErrorCode::kInvalidArgument) << k;
    }
  }
  for (const auto& k : storable) {
    EXPECT_EQ(store().get(k).body, "body of " + k) << k;
    EXPECT_EQ(store().head(k)->size, ("body of " + k).size()) << k;
  }
  // Not "dots/" and "dots/d/": the objects went to their own keys.
  std::sort(storable.begin(), storable.end());
  EXPECT_EQ(list_all(""), storable);
  for (const auto& k : storable) store().remove(k);
  EXPECT_TRUE(list_all("").empty());
}

// A listing is XML, whose parsers turn "\r" and "\r\n" into "\n" unless told not to: such keys
// listed under another name could be neither read nor told apart.
TEST_P(Conformance, KeysWithCarriageReturnsListUnchanged) {
  const std::vector<std::string> keys = {"cr/a\rb", "cr/a\r\nb", "cr/a\nb"};
  for (const auto& k : keys) store().put(k, k);
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(list_all("cr/"), sorted);
  for (const auto& o : store().list("cr/").objects) EXPECT_EQ(store().get(o.key).body, o.key);
}

TEST_P(Conformance, ListingIsInByteOrder) {
  // '-' (0x2d) < '.' (0x2e) < '/' (0x2f) < '0' < 'B' < 'a' < 'é' (0xc3 0xa9): S3 compares UTF-8
  // bytes, so "a-b" < "a.b" < "a/b" even though a directory walk would visit "a/" first or last.
  const std::vector<std::string> keys = {"a/b",  "a.b", "a-b", "a0",   "B",    "é",
                                         "a/b/", "ab",  "a/a", "a/b0", "z/y/x"};
  std::vector<std::string> storable;
  for (const auto& k : keys) {
    // "a/b" and "a/b/" cannot both be paths; FileStore rejects the second with a clear error.
    try {
      store().put(k, k);
      storable.push_back(k);
    } catch (const StoreError& e) {
      EXPECT_EQ(e.code(), StoreErrorCode::kInvalidArgument) << k;
    }
  }
  std::sort(storable.begin(), storable.end());
  EXPECT_EQ(list_all(""), storable);
  EXPECT_EQ(list_all("", 2), storable);
  std::vector<std::string> under_a;
  std::copy_if(storable.begin(), storable.end(), std::back_inserter(under_a),
               [](const std::string& k) { return k.rfind('a', 0) == 0; });
  EXPECT_EQ(list_all("a"), under_a);
}

TEST_P(Conformance, ListWithPrefixAndStartAfter) {
  for (const char* k :
       {"Raw/listen_events/2023061719_0.json", "Raw/listen_events/2023061719_10.json",
        "Raw/listen_events/2023061719_2.json", "Raw/page_view_events/x.json", "bronze/x"}) {
    store().put(k, "x");
  }
  EXPECT_EQ(list_all("Raw/listen_events/"),
            (std::vector<std::string>{"Raw/listen_events/2023061719_0.json",
                                      "Raw/listen_events/2023061719_10.json",
                                      "Raw/listen_events/2023061719_2.json"}));
  const ListPage after = store().list("Raw/", "Raw/listen_events/2023061719_10.json", 1000);
  ASSERT_EQ(after.objects.size(), 2u);
  EXPECT_EQ(after.objects[0].key, "Raw/listen_events/2023061719_2.json");
  EXPECT_EQ(after.objects[1].key, "Raw/page_view_events/x.json");
  EXPECT_FALSE(after.truncated);
  // start_after need not be a key, and may lie before the prefix.
  EXPECT_EQ(store().list("Raw/p", "A").objects.size(), 1u);
  EXPECT_EQ(store().list("Raw/listen", "Raw/listen_events/2023061719_1").objects.size(), 2u);
  EXPECT_TRUE(store().list("nothing/").objects.empty());
  EXPECT_TRUE(store().list("", "zzz").objects.empty());
}

TEST_P(Conformance, MoreThanAThousandKeysArePaginated) {
  constexpr int kKeys = 1005;
  std::vector<std::string> expected;
  for (int i = 0; i < kKeys; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "many/%05d", i);
    expected.emplace_back(key);
  }
  // Four writers: the S3 round trips dominate, not the server.
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = t; i < kKeys; i += 4) store().put(expected[static_cast<std::size_t>(i)], "");
    });
  }
  for (auto& w : writers) w.join();
  const ListPage first = store().list("many/");
  EXPECT_EQ(first.objects.size(), 1000u);
  EXPECT_TRUE(first.truncated);
  const ListPage second = store().list("many/", first.objects.back().key);
  EXPECT_EQ(second.objects.size(), 5u);
  EXPECT_FALSE(second.truncated);
  EXPECT_EQ(list_all("many/"), expected);
  EXPECT_EQ(list_all("many/", 333), expected);
  // A page larger than S3's 1000 keys: S3Store follows continuation tokens to fill it.
  const ListPage big = store().list("many/", "", 1004);
  EXPECT_EQ(big.objects.size(), 1004u);
  EXPECT_TRUE(big.truncated);
  EXPECT_EQ(big.objects.back().key, expected[1003]);
  EXPECT_EQ(store().list("many/", "", 5000).objects.size(), 1005u);
  EXPECT_FALSE(store().list("many/", "", 5000).truncated);
}

// ListingPager's walk on every backend, with pages small enough that S3Store's requests each
// return one page (max-keys 2) and the walk alone joins them.
TEST_P(Conformance, ListingPagerJoinsSmallPages) {
  const std::vector<std::string> keys = {"p/a", "p/b", "p/c", "p/d", "p/e", "q/a"};
  for (const std::string& k : keys) store().put(k, k);
  for (const std::size_t page_size : {1u, 2u}) {
    std::vector<std::string> listed;
    std::size_t pages = 0;
    for (ListingPager pager(store(), "p/", "", page_size); !pager.done(); ++pages) {
      const ListPage page = pager.next();
      EXPECT_LE(page.objects.size(), page_size);
      for (const ObjectInfo& o : page.objects) listed.push_back(o.key);
    }
    EXPECT_EQ(listed, std::vector<std::string>(keys.begin(), keys.end() - 1)) << page_size;
    EXPECT_GE(pages, 5 / page_size) << page_size;
  }
  std::vector<std::string> after_b;
  for (const ObjectInfo& o : store::list_all(store(), "p/", "p/b", 2)) after_b.push_back(o.key);
  EXPECT_EQ(after_b, (std::vector<std::string>{"p/c", "p/d", "p/e"}));
}

TEST_P(Conformance, HeadAndGetOfMissingKeys) {
  EXPECT_FALSE(store().head("missing").has_value());
  EXPECT_EQ(code_of([&] { store().get("missing"); }), StoreErrorCode::kNotFound);
  EXPECT_EQ(code_of([&] { store().get_range("missing", 0, 1); }), StoreErrorCode::kNotFound);
}

TEST_P(Conformance, GetRange) {
  store().put("r", "0123456789");
  const GetResult mid = store().get_range("r", 2, 3);
  EXPECT_EQ(mid.body, "234");
  EXPECT_EQ(mid.info.size, 10u);
  EXPECT_EQ(store().get_range("r", 7, 100).body, "789");
  EXPECT_EQ(store().get_range("r", 9, 1).body, "9");
  EXPECT_EQ(code_of([&] { store().get_range("r", 10, 1); }), StoreErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { store().get_range("r", 0, 0); }), StoreErrorCode::kInvalidArgument);
}

TEST_P(Conformance, PutReplacesAndIfNoneMatchDoesNot) {
  store().put("k", "one");
  store().put("k", "two");
  EXPECT_EQ(store().get("k").body, "two");
  EXPECT_EQ(code_of([&] { store().put("k", "three", {.if_none_match = true}); }),
            StoreErrorCode::kPreconditionFailed);
  EXPECT_EQ(store().get("k").body, "two");
  EXPECT_EQ(store().put("new", "first", {.if_none_match = true}).size, 5u);
  EXPECT_EQ(store().get("new").body, "first");
}

TEST_P(Conformance, RemoveIsIdempotent) {
  store().put("gone/k", "x");
  store().remove("gone/k");
  EXPECT_FALSE(store().head("gone/k").has_value());
  store().remove("gone/k");
  store().remove("never/existed");
  EXPECT_TRUE(list_all("").empty());
}

TEST_P(Conformance, InvalidKeysAreRejectedBeforeAnyRequest) {
  EXPECT_EQ(code_of([&] { store().put("", "x"); }), StoreErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { store().put("/abs", "x"); }), StoreErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { store().put(std::string("bad\xff", 4), "x"); }),
            StoreErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { store().get(std::string(1025, 'k')); }),
            StoreErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { store().list("", "", 0); }), StoreErrorCode::kInvalidArgument);
}

TEST_P(Conformance, LargeObjectsRoundTrip) {
  // Above the S3 backend's 6 MiB multipart threshold (5 MiB parts): three parts.
  const std::string body = binary_blob((11u << 20) + 12345, 7);
  const ObjectInfo put = store().put("large/object.bin", body);
  EXPECT_EQ(put.size, body.size());
  EXPECT_EQ(store().head("large/object.bin")->size, body.size());
  EXPECT_EQ(store().head("large/object.bin")->etag, put.etag);
  const GetResult got = store().get("large/object.bin");
  EXPECT_TRUE(got.body == body) << "large object differs";
  EXPECT_EQ(store().get_range("large/object.bin", 6u << 20, 10).body, body.substr(6u << 20, 10));
}

TEST_P(Conformance, ConcurrentPutsToOneKeyLeaveOneWholeBody) {
  std::vector<std::string> bodies;
  for (unsigned i = 0; i < 6; ++i) bodies.push_back(binary_blob(200'000, 100 + i));
  std::vector<std::thread> writers;
  for (const auto& b : bodies) {
    writers.emplace_back([&] {
      for (int round = 0; round < 3; ++round) store().put("contended", b);
    });
  }
  std::atomic<bool> torn{false};
  std::thread reader([&] {
    for (int i = 0; i < 20; ++i) {
      try {
        const GetResult got = store().get("contended");
        if (std::find(bodies.begin(), bodies.end(), got.body) == bodies.end()) torn = true;
      } catch (const StoreError& e) {
        if (e.code() != StoreErrorCode::kNotFound) ADD_FAILURE() << e.what();
      }
    }
  });
  for (auto& w : writers) w.join();
  reader.join();
  EXPECT_FALSE(torn) << "a reader saw a body no writer wrote";
  const std::string final_body = store().get("contended").body;
  EXPECT_NE(std::find(bodies.begin(), bodies.end(), final_body), bodies.end());
  EXPECT_EQ(list_all(""), std::vector<std::string>{"contended"});
}

TEST_P(Conformance, ConcurrentIfNoneMatchPutsHaveExactlyOneWinner) {
  std::atomic<int> won{0}, lost{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < 8; ++i) {
    writers.emplace_back([&, i] {
      try {
        store().put("claim", "writer " + std::to_string(i), {.if_none_match = true});
        ++won;
      } catch (const StoreError& e) {
        if (e.code() == StoreErrorCode::kPreconditionFailed) ++lost;
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), 7);
}

TEST_P(Conformance, UriHasNoCredentials) {
  const std::string uri = store().uri();
  EXPECT_TRUE(uri.rfind("file:///", 0) == 0 || uri.rfind("s3://", 0) == 0) << uri;
  EXPECT_EQ(uri.find("S3RVER"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Backends, Conformance,
    ::testing::Values(Backend{"file",
                              [] {
                                static std::vector<std::unique_ptr<TempDir>> dirs;
                                dirs.push_back(std::make_unique<TempDir>());
                                return open_store("file://" + dirs.back()->path().string());
                              }},
                      Backend{"s3",
                              [] {
                                return open_store(
                                    std::string("s3://") + testing::kTestBucket + "/" +
                                        testing::unique_prefix(),
                                    testing::s3rver_config(testing::s3rver_endpoint()));
                              }}),
    [](const ::testing::TestParamInfo<Backend>& p) { return p.param.name; });

}  // namespace
}  // namespace tributary::store

namespace tributary::store {
namespace {

// Virtual-hosted addressing (https://<bucket>.<endpoint>/key, AWS's default): curl resolves
// *.localhost to the loopback, and the fixture's s3rver maps <bucket>.s3.localhost to the bucket.
TEST(S3Addressing, VirtualHostedStyleReachesTheSameBucket) {
  const std::string path_endpoint = testing::s3rver_endpoint();
  const std::string port = path_endpoint.substr(path_endpoint.rfind(':') + 1);
  StoreConfig vhost = testing::s3rver_config("http://s3.localhost:" + port);
  vhost.addressing = S3Addressing::kVirtualHosted;
  const std::string uri =
      std::string("s3://") + testing::kTestBucket + "/" + testing::unique_prefix();
  auto virtual_store = open_store(uri, vhost);
  auto path_store = open_store(uri, testing::s3rver_config(path_endpoint));
  virtual_store->put("dir/a b+c.json", "via virtual host");
  EXPECT_EQ(path_store->get("dir/a b+c.json").body, "via virtual host");
  EXPECT_EQ(virtual_store->list("dir/").objects.at(0).key, "dir/a b+c.json");
  EXPECT_EQ(virtual_store->get_range("dir/a b+c.json", 4, 7).body, "virtual");
  virtual_store->remove("dir/a b+c.json");
  EXPECT_FALSE(path_store->head("dir/a b+c.json").has_value());
}

TEST(S3Uris, BadBucketNamesAndEndpointsAreRejected) {
  const StoreConfig c = testing::s3rver_config("http://127.0.0.1:1");
  for (const char* uri : {"s3://", "s3://ab", "s3://Upper", "s3://under_score/x", "s3://-dash"}) {
    try {
      open_store(uri, c);
      ADD_FAILURE() << "accepted " << uri;
    } catch (const StoreError& e) {
      EXPECT_EQ(e.code(), StoreErrorCode::kInvalidArgument);
      EXPECT_NE(std::string(e.what()).find("not a valid bucket name"), std::string::npos)
          << e.what();
    }
  }
  StoreConfig bad = c;
  bad.endpoint = "ftp://host";
  EXPECT_THROW(open_store("s3://bucket", bad), StoreError);
  bad.endpoint = "http://user:pw@host";
  EXPECT_THROW(open_store("s3://bucket", bad), StoreError);
  EXPECT_EQ(open_store("s3://bucket/a/b/", c)->uri(), "s3://bucket/a/b");
  EXPECT_EQ(open_store("s3://bucket", c)->uri(), "s3://bucket");
}

// Credentials written into a URI or an endpoint are refused, and the refusal does not print them:
// nothing registered them as secrets.
TEST(S3Uris, CredentialsInAUriOrAnEndpointAreRefusedUnprinted) {
  const StoreConfig c = testing::s3rver_config("http://127.0.0.1:1");
  const auto refusal = [](const std::string& uri, const StoreConfig& config) -> std::string {
    try {
      open_store(uri, config);
    } catch (const StoreError& e) {
      EXPECT_EQ(e.code(), StoreErrorCode::kInvalidArgument);
      return e.what();
    }
    ADD_FAILURE() << "accepted " << uri;
    return "";
  };
  for (const char* uri : {"s3://AKIAX:Secr3t-uri@bucket/raw", "file://u:Secr3t-uri@/tmp/raw",
                          "gs://u:Secr3t-uri@bucket"}) {
    const std::string message = refusal(uri, c);
    EXPECT_EQ(message.find("Secr3t"), std::string::npos) << message;
    EXPECT_NE(message.find("***@"), std::string::npos) << message;
  }
  EXPECT_NE(refusal("s3://AKIAX:Secr3t-uri@bucket/raw", c).find("takes no user info"),
            std::string::npos);
  for (const char* endpoint :
       {"http://minio:Secr3t-ep@127.0.0.1:9000", "ftp://u:Secr3t-ep@h", "u:Secr3t-ep@h"}) {
    StoreConfig bad = c;
    bad.endpoint = endpoint;
    const std::string message = refusal("s3://bucket", bad);
    EXPECT_EQ(message.find("Secr3t"), std::string::npos) << message;
    EXPECT_NE(message.find("S3 endpoint"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace tributary::store
