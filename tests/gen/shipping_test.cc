// Shipping like fluentd's S3 output: object names, sizes, gzip, flush interval, loops, reruns;
// every object read back by the ingester's decoder with nothing quarantined.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "event/decoder.h"
#include "gen/event_line_writer.h"
#include "gen/generate_run.h"
#include "store/file_store.h"
#include "store/listing_pager.h"
#include "util/gzip.h"

namespace tributary::gen {
namespace {

using event::Stream;

// 2023-06-17T19:59:00Z: the first minute of shipping ends in the next hour's slice.
constexpr std::int64_t kWallStartMs = 1687031940000;

// Time moves `tick_ms` per reading and jumps forward on sleep: no real waiting.
class FakeClock final : public ShippingClock {
 public:
  FakeClock(std::int64_t start_ms, std::int64_t tick_ms) : now_(start_ms), tick_(tick_ms) {}
  std::int64_t now_ms() override { return now_ += tick_; }
  void sleep_until_ms(std::int64_t deadline_ms) override {
    ASSERT_GT(deadline_ms, now_) << "slept without need";
    now_ = deadline_ms;
    ++sleeps;
    if (on_sleep) on_sleep();
  }
  int sleeps = 0;
  std::function<void()> on_sleep;

 private:
  std::int64_t now_;
  std::int64_t tick_;
};

struct ObjectName {
  std::string slice;
  std::uint64_t index;
  std::string key;
};

class Shipping : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("tributary-gen-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    store_ = std::make_unique<store::FileStore>(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static GenerateOptions small_run() {
    GenerateOptions o;
    o.seed = 3;
    o.users = 400;
    o.present_ms = 1686787200902;  // 2023-06-15T00:00:00.902Z
    o.from_days = 5;
    o.chunks.chunk_bytes = 64 << 10;
    o.chunks.flush_interval_ms = 3'600'000;
    return o;
  }

  // Keys under <prefix><stream>/ in fluentd order: by slice, then numerically by index.
  std::vector<ObjectName> objects(Stream s, const std::string& prefix = "Raw/") {
    const std::string dir = prefix + std::string(event::stream_name(s)) + "/";
    std::vector<ObjectName> names;
    for (const store::ObjectInfo& o : store::list_all(*store_, dir)) {
      static const std::regex kName(R"(([0-9]{10})_(0|[1-9][0-9]*)\.(json|gz))");
      std::smatch m;
      const std::string file = o.key.substr(dir.size());
      EXPECT_TRUE(std::regex_match(file, m, kName)) << o.key;
      names.push_back({m[1], std::stoull(m[2]), o.key});
    }
    std::sort(names.begin(), names.end(), [](const ObjectName& a, const ObjectName& b) {
      return std::tie(a.slice, a.index) < std::tie(b.slice, b.index);
    });
    return names;
  }

  std::string plain_body(const std::string& key) {
    std::string body = store_->get(key).body;
    if (!util::is_gzip(body)) return body;
    std::string plain;
    EXPECT_EQ(util::gunzip(body, plain, 1u << 30).error, util::GunzipError::kNone) << key;
    return plain;
  }

  // The concatenated lines of a stream's objects, checking each object on the way.
  std::string shipped(Stream s, const GenerateOptions& o) {
    std::string all;
    std::map<std::string, std::uint64_t> next_index;
    for (const ObjectName& name : objects(s, o.chunks.prefix)) {
      EXPECT_EQ(name.index, next_index[name.slice]++) << "indexes count up from 0 per slice";
      const std::string body = plain_body(name.key);
      EXPECT_LE(body.size(), o.chunks.chunk_bytes) << name.key;
      EXPECT_FALSE(body.empty());
      EXPECT_EQ(body.back(), '\n');
      event::ObjectDecoder decoder(s);
      event::EventBatch batch(s);
      std::vector<event::QuarantineRecord> quarantine;
      const auto stats = decoder.decode(name.key, store_->get(name.key).body, batch, quarantine);
      EXPECT_EQ(stats.quarantined, 0u) << name.key;
      EXPECT_EQ(stats.events,
                static_cast<std::uint64_t>(std::count(body.begin(), body.end(), '\n')));
      all += body;
    }
    return all;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::ObjectStore> store_;
};

// What the simulation writes for a stream, without any shipping.
std::string direct(const GenerateOptions& o, Stream s) {
  SimulationOptions so;
  so.seed = o.seed;
  so.users = o.users;
  so.growth_rate = o.growth_rate;
  so.start_ms = o.present_ms - static_cast<std::int64_t>(o.from_days * 86'400'000);
  so.end_ms = o.present_ms - static_cast<std::int64_t>(o.to_days * 86'400'000);
  SessionSimulator sim(SiteModel::reference(), so);
  const EventLineWriter writer;
  std::string out;
  std::array<std::string*, event::kStreamCount> sinks{};
  sinks[static_cast<std::size_t>(s)] = &out;
  SimulatedEvent e;
  while (sim.next(e)) writer.write(e, sinks);
  return out;
}

TEST_F(Shipping, ObjectsAreNamedSizedAndFilledLikeFluentd) {
  const GenerateOptions o = small_run();
  FakeClock clock(kWallStartMs, 20);
  const GenerateSummary summary = run_generate(SiteModel::reference(), o, *store_, clock);
  ASSERT_GT(summary.page_views, 3000u);
  std::set<std::string> slices;
  for (Stream s : event::kAllStreams) {
    // Nothing lost, duplicated or reordered between the simulation and the bucket.
    EXPECT_EQ(shipped(s, o), direct(o, s)) << event::stream_name(s);
    for (const ObjectName& n : objects(s)) slices.insert(n.slice);
  }
  // Arrival crossed 20:00 UTC, so objects fall in two hourly slices.
  EXPECT_EQ(slices, (std::set<std::string>{"2023061719", "2023061720"}));
  const auto& pv = summary.streams[static_cast<std::size_t>(Stream::kPageView)];
  EXPECT_EQ(pv.lines, summary.page_views);
  EXPECT_EQ(pv.objects, objects(Stream::kPageView).size());
  EXPECT_GT(pv.objects, 4u);  // rolled at 64 KiB
}

TEST_F(Shipping, GzipObjectsAreValidGzipNamedGz) {
  GenerateOptions o = small_run();
  o.chunks.gzip = true;
  o.streams = {Stream::kListen};
  FakeClock clock(kWallStartMs, 0);
  const GenerateSummary summary = run_generate(SiteModel::reference(), o, *store_, clock);
  const auto names = objects(Stream::kListen);
  ASSERT_GT(names.size(), 2u);
  for (const ObjectName& n : names) {
    EXPECT_TRUE(n.key.ends_with(".gz"));
    EXPECT_TRUE(util::is_gzip(store_->get(n.key).body));
  }
  EXPECT_EQ(shipped(Stream::kListen, o), direct(o, Stream::kListen));
  const auto& listen = summary.streams[static_cast<std::size_t>(Stream::kListen)];
  EXPECT_LT(listen.bytes, direct(o, Stream::kListen).size() / 3);  // compressed as stored
  // Only the asked-for stream is shipped.
  EXPECT_TRUE(objects(Stream::kPageView).empty());
  EXPECT_EQ(summary.lines(), listen.lines);
}

TEST_F(Shipping, LoopsReemitTheSameEventsAsDuplicates) {
  GenerateOptions o = small_run();
  o.loops = 3;
  o.streams = {Stream::kAuth};
  FakeClock clock(kWallStartMs + 600'000, 0);
  run_generate(SiteModel::reference(), o, *store_, clock);
  const std::string once = direct(o, Stream::kAuth);
  ASSERT_FALSE(once.empty());
  EXPECT_EQ(shipped(Stream::kAuth, o), once + once + once);
}

TEST_F(Shipping, RerunsAddObjectsAndNeverOverwrite) {
  GenerateOptions o = small_run();
  o.streams = {Stream::kListen};
  FakeClock first(kWallStartMs + 600'000, 0);
  run_generate(SiteModel::reference(), o, *store_, first);
  const auto before = objects(Stream::kListen);
  FakeClock second(kWallStartMs + 700'000, 0);  // same hour: same slice
  run_generate(SiteModel::reference(), o, *store_, second);
  const auto after = objects(Stream::kListen);
  ASSERT_EQ(after.size(), 2 * before.size());
  for (std::size_t i = 0; i < before.size(); ++i) EXPECT_EQ(after[i].key, before[i].key);
  const std::string once = direct(o, Stream::kListen);
  EXPECT_EQ(shipped(Stream::kListen, o), once + once);
}

TEST_F(Shipping, RealtimePacesEventsAndFlushesOnTheInterval) {
  GenerateOptions o = small_run();
  o.users = 3000;
  o.from_days = 0.01;  // a quarter hour of backfill
  o.realtime = true;
  o.speed = 60;            // one simulated hour per wall-clock minute
  o.duration_ms = 60'000;  // one wall-clock minute
  o.chunks.flush_interval_ms = 10'000;
  o.streams = {Stream::kPageView};
  FakeClock clock(kWallStartMs + 120'000, 0);
  const GenerateSummary summary = run_generate(SiteModel::reference(), o, *store_, clock);
  EXPECT_GT(clock.sleeps, 100);
  // The last simulated event is due just before the minute is up.
  EXPECT_GT(summary.elapsed_ms, 50'000);
  EXPECT_LE(summary.elapsed_ms, 60'000);
  // Chunks never hold more than 10 s of arrivals: at least one object per 10 s of pacing.
  EXPECT_GE(objects(Stream::kPageView).size(), 5u);
  std::string all = shipped(Stream::kPageView, o);
  EXPECT_EQ(static_cast<std::uint64_t>(std::count(all.begin(), all.end(), '\n')),
            summary.page_views);
}

TEST_F(Shipping, AStopRequestEndsAnEndlessRealtimeRunAndShipsWhatItHolds) {
  GenerateOptions o = small_run();
  o.users = 3000;
  o.from_days = 0.01;
  o.realtime = true;  // no duration: forever
  o.streams = {Stream::kPageView};
  std::atomic<bool> stop{false};
  o.stop = &stop;
  FakeClock clock(kWallStartMs + 120'000, 0);
  // SIGINT arrives after ten minutes of pacing.
  clock.on_sleep = [&] {
    if (clock.now_ms() > kWallStartMs + 720'000) stop = true;
  };
  const GenerateSummary summary = run_generate(SiteModel::reference(), o, *store_, clock);
  EXPECT_TRUE(stop.load());
  EXPECT_GT(summary.page_views, 0u);
  const std::string all = shipped(Stream::kPageView, o);
  EXPECT_EQ(static_cast<std::uint64_t>(std::count(all.begin(), all.end(), '\n')),
            summary.page_views);
}

TEST_F(Shipping, AStoreThatRefusesWritesFailsTheRun) {
  // A regular file where the store's root directory should be: refused even for root.
  std::filesystem::create_directories(dir_);
  const auto root = dir_ / "not-a-directory";
  { std::ofstream(root) << "x"; }
  store::FileStore store(root);
  GenerateOptions o = small_run();
  FakeClock clock(kWallStartMs, 0);
  EXPECT_THROW(run_generate(SiteModel::reference(), o, store, clock), store::StoreError);
}

std::string option_error(GenerateOptions o) {
  store::FileStore store(std::filesystem::temp_directory_path() / "tributary-gen-never-written");
  FakeClock clock(kWallStartMs, 0);
  try {
    run_generate(SiteModel::reference(), o, store, clock);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}

TEST(ShippingOptions, InconsistentOptionsAreRejectedByName) {
  GenerateOptions o;
  o.users = 0;
  EXPECT_EQ(option_error(o), "--users must be at least 1");
  o = {};
  o.to_days = 7;
  EXPECT_EQ(option_error(o), "--from-days must be greater than --to-days");
  o = {};
  o.loops = 2;
  o.realtime = true;
  EXPECT_EQ(option_error(o), "--loop cannot be combined with --realtime");
  o = {};
  o.realtime = true;
  o.to_days = 1;
  EXPECT_EQ(option_error(o), "--to-days cannot be combined with --realtime");
  o = {};
  o.duration_ms = 1000;
  EXPECT_EQ(option_error(o), "--duration needs --realtime");
  o = {};
  o.speed = 10;
  EXPECT_EQ(option_error(o), "--speed needs --realtime");
  o = {};
  o.realtime = true;
  o.speed = 0;
  EXPECT_EQ(option_error(o), "--speed must be positive");
  o = {};
  o.streams.clear();
  EXPECT_EQ(option_error(o), "--streams names no stream");
}

TEST(TimeSlice, IsTheUtcHourLikeFluentd) {
  EXPECT_EQ(time_slice(1687031940000), "2023061719");
  EXPECT_EQ(time_slice(1687032000000), "2023061720");
  EXPECT_EQ(time_slice(0), "1970010100");
}

}  // namespace
}  // namespace tributary::gen
