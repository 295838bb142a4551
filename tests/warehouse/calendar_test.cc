#include "warehouse/calendar.h"

#include <gtest/gtest.h>

namespace tributary::warehouse {
namespace {

std::int64_t ms(int days_since_epoch, int hour = 0) {
  return (static_cast<std::int64_t>(days_since_epoch) * 86400 + hour * 3600) * 1000;
}

TEST(CalendarTest, DateKeyAndHourAreUtc) {
  // 1703438319902 = 2023-12-24T17:18:39.902Z
  EXPECT_EQ(date_key_of(1703438319902), 20231224);
  EXPECT_EQ(date_key_of(1703462399999), 20231224);  // 23:59:59.999
  EXPECT_EQ(date_key_of(1703462400000), 20231225);
}

TEST(CalendarTest, IsoWeeksAroundNewYear) {
  // 2021-01-03 (Sunday) is in ISO week 53 of 2020; 2024-12-30 (Monday) in week 1 of 2025.
  const CalendarDate a = calendar_date(ms(18630));
  EXPECT_EQ(a.date_key, 20210103);
  EXPECT_EQ(a.iso_year, 2020);
  EXPECT_EQ(a.iso_week, 53);
  EXPECT_EQ(a.weekday, 7);
  EXPECT_TRUE(a.is_weekend);
  const CalendarDate b = calendar_date(ms(20087, 5));
  EXPECT_EQ(b.iso, "2024-12-30");
  EXPECT_EQ(b.iso_year, 2025);
  EXPECT_EQ(b.iso_week, 1);
  EXPECT_EQ(b.weekday, 1);
  EXPECT_FALSE(b.is_weekend);
  EXPECT_EQ(b.quarter, 4);
}

TEST(CalendarTest, ParsesOnlyRealDates) {
  EXPECT_EQ(parse_date_key("2023-06-17"), 20230617);
  EXPECT_EQ(parse_date_key("2024-02-29"), 20240229);
  EXPECT_EQ(parse_date_key("2023-02-29"), std::nullopt);
  EXPECT_EQ(parse_date_key("2023-13-01"), std::nullopt);
  EXPECT_EQ(parse_date_key("2023-6-17"), std::nullopt);
  EXPECT_EQ(parse_date_key("2023-06-17T00:00"), std::nullopt);
  EXPECT_EQ(parse_date_key("yesterday"), std::nullopt);
}

}  // namespace
}  // namespace tributary::warehouse
