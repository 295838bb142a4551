#include "event/schema.h"

#include <gtest/gtest.h>

#include <set>

namespace tributary::event {
namespace {

TEST(Schema, StreamNamesRoundTrip) {
  for (Stream s : kAllStreams) EXPECT_EQ(stream_from_name(stream_name(s)), s);
  EXPECT_FALSE(stream_from_name("listen"));
}

TEST(Schema, StreamFromObjectKeysAndFileNames) {
  EXPECT_EQ(stream_from_path("Raw/listen_events/2023061719_20.json"), Stream::kListen);
  EXPECT_EQ(stream_from_path("/data/Raw/page_view_events/2023061719_3.gz"), Stream::kPageView);
  EXPECT_EQ(stream_from_path("samples/auth_events.jsonl"), Stream::kAuth);
  EXPECT_EQ(stream_from_path("status_change_events"), Stream::kStatusChange);
  EXPECT_FALSE(stream_from_path("Raw/other/2023061719_20.json"));
  EXPECT_FALSE(stream_from_path("fluentd-s3-object_2023061719_20.json"));
}

TEST(Schema, EveryStreamCarriesTheIdentityFieldsWithTheRightPresence) {
  for (Stream s : kAllStreams) {
    for (Field f : kIdentityFields) {
      auto index = column_index(s, f);
      ASSERT_TRUE(index) << stream_name(s) << " lacks " << field_info(f).json_name;
      // userId is absent for guests; the rest identify every event.
      EXPECT_EQ(stream_fields(s)[*index].required(), f != Field::kUserId);
    }
  }
}

TEST(Schema, NoStreamListsAFieldTwiceAndColumnNamesAreSnakeCase) {
  for (Stream s : kAllStreams) {
    std::set<Field> seen;
    for (const StreamField& f : stream_fields(s)) {
      EXPECT_TRUE(seen.insert(f.field).second);
      for (char c : f.info().column_name) EXPECT_TRUE(std::islower(c) || c == '_') << c;
    }
  }
}

TEST(Schema, ListenEventsFollowEventsimOrder) {
  std::string order;
  for (const StreamField& f : stream_fields(Stream::kListen)) {
    order += std::string(f.info().json_name) + ",";
  }
  EXPECT_EQ(order,
            "artist,song,duration,ts,sessionId,auth,level,itemInSession,city,zip,state,userAgent,"
            "lon,lat,userId,lastName,firstName,gender,registration,tag,");
}

TEST(Schema, StatusChangeIsListenWithoutTheSong) {
  std::vector<Field> listen;
  for (const StreamField& f : stream_fields(Stream::kListen)) {
    if (f.field != Field::kArtist && f.field != Field::kSong && f.field != Field::kDuration) {
      listen.push_back(f.field);
    }
  }
  std::vector<Field> status;
  for (const StreamField& f : stream_fields(Stream::kStatusChange)) status.push_back(f.field);
  EXPECT_EQ(listen, status);
}

}  // namespace
}  // namespace tributary::event
