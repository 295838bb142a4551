#include "util/json_writer.h"

#include <gtest/gtest.h>

#include <limits>

namespace tributary::util {
namespace {

TEST(JsonWriter, WritesNestedContainersWithCommas) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("a").value(1).key("b").begin_array().value("x").null().value(true);
  w.end_array().key("c").begin_object().end_object().end_object();
  EXPECT_EQ(out, R"({"a":1,"b":["x",null,true],"c":{}})");
}

TEST(JsonWriter, EscapesStrings) {
  std::string out;
  append_json_string(out, "q\"b\\n\nt\tc\x01 é");
  EXPECT_EQ(out, "\"q\\\"b\\\\n\\nt\\tc\\u0001 é\"");
}

TEST(JsonWriter, DoublesRoundTripAndNonFiniteIsNull) {
  std::string out;
  JsonWriter w(out);
  w.begin_array()
      .value(313.8869)
      .value(-89.848559)
      .value(0.1 + 0.2)
      .value(std::numeric_limits<double>::infinity())
      .end_array();
  EXPECT_EQ(out, "[313.8869,-89.848559,0.30000000000000004,null]");
}

}  // namespace
}  // namespace tributary::util
