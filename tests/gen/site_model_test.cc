#include "gen/site_model.h"

#include <gtest/gtest.h>

#include <string>

#include "gen/reference_config.h"
#include "test_support.h"

namespace tributary::gen {
namespace {

TEST(SiteModel, ReferenceConfigHasEveryPageOfTheSite) {
  const SiteModel& model = SiteModel::reference();
  // 38 states with moves plus the two "Cancellation Confirmation" dead ends.
  EXPECT_EQ(model.states().size(), 40u);
  for (const char* page : {"Home", "NextSong", "Login", "Logout", "Register", "Submit Registration",
                           "Upgrade", "Submit Upgrade", "Downgrade", "Submit Downgrade", "Settings",
                           "Save Settings", "Help", "About", "Error", "Cancel"}) {
    bool found = false;
    for (const auto& s : model.states()) found = found || s->page == page;
    EXPECT_TRUE(found) << page;
  }
  EXPECT_EQ(model.timing().alpha, 90.0);
  EXPECT_EQ(model.timing().beta, 604800.0);
  EXPECT_EQ(model.timing().session_gap, 1800);
  EXPECT_EQ(model.new_user_auth(), "Guest");
}

TEST(SiteModel, MovesFollowTheConfigProbabilities) {
  const SiteModel& model = SiteModel::reference();
  const PageState* song = model.find("NextSong", "Logged In", "paid");
  ASSERT_NE(song, nullptr);
  // From the config: About .002, Downgrade .01, Help .005, Home .02, Settings .005,
  // NextSong .925, Logout .01, Error .001; the remaining .022 ends the session.
  EXPECT_NEAR(song->move_upper.back(), 0.978, 1e-12);
  EXPECT_EQ(song->next(0.5)->page, "NextSong");
  EXPECT_EQ(song->next(0.999), nullptr);
  EXPECT_TRUE(song->show_user_details);

  const PageState* login = model.find("Login", "Logged Out", "free");
  ASSERT_NE(login, nullptr);
  EXPECT_TRUE(login->is_login);
  EXPECT_TRUE(login->is_redirect);
  EXPECT_FALSE(login->show_user_details);
  EXPECT_EQ(login->next(0.1)->auth, "Logged In");

  const PageState* upgrade = model.find("Submit Upgrade", "Logged In", "free");
  ASSERT_NE(upgrade, nullptr);
  EXPECT_TRUE(upgrade->is_status_change);
  EXPECT_EQ(upgrade->next(0.5)->level, "paid");

  const PageState* cancelled = model.find("Cancellation Confirmation", "Cancelled", "paid");
  ASSERT_NE(cancelled, nullptr);
  EXPECT_TRUE(cancelled->is_churned);
  EXPECT_EQ(cancelled->next(0.0), nullptr);
}

TEST(SiteModel, ReferenceIsTheSampleConfigFile) {
  // The compiled-in copy is byte for byte the shared sample...
  EXPECT_EQ(reference_config_json(), testing::test_data("eventsim-example-config.json"));
  // ...and the model built from it is the sample's.
  const SiteModel parsed = SiteModel::from_json(testing::test_data("eventsim-example-config.json"));
  const SiteModel& reference = SiteModel::reference();
  ASSERT_EQ(parsed.states().size(), reference.states().size());
  for (std::size_t i = 0; i < parsed.states().size(); ++i) {
    EXPECT_EQ(parsed.states()[i]->page, reference.states()[i]->page);
    EXPECT_EQ(parsed.states()[i]->move_upper, reference.states()[i]->move_upper);
  }
}

TEST(SiteModel, SessionStartsDrawOnlyStatesOfTheVisitorsAuthAndLevel) {
  const SiteModel& model = SiteModel::reference();
  RandomSource random(3);
  int songs = 0;
  for (int i = 0; i < 2000; ++i) {
    const PageState& s = model.start_state("Logged In", "paid", random);
    EXPECT_EQ(s.auth, "Logged In");
    EXPECT_EQ(s.level, "paid");
    songs += s.is_next_song;
  }
  // Weights: NextSong 1750 of 2761.
  EXPECT_NEAR(songs / 2000.0, 1750.0 / 2761.0, 0.04);
  EXPECT_THROW(model.start_state("Cancelled", "paid", random), std::runtime_error);
}

std::string error_of(const std::string& json) {
  try {
    SiteModel::from_json(json);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(SiteModel, BadConfigsGetSpecificErrors) {
  EXPECT_NE(error_of("{").find("eventsim config: not valid JSON"), std::string::npos);
  EXPECT_EQ(error_of("[]"), "eventsim config: the document is not an object");
  EXPECT_EQ(error_of(R"({"alpha": "fast"})"), "eventsim config: \"alpha\" is not a number");
  EXPECT_EQ(error_of(R"({"show-user-details": []})"),
            "eventsim config: \"transitions\" is not an array");
  const std::string state = R"("page":"Home","auth":"Logged In","method":"GET","status":200,)"
                            R"("level":"free")";
  EXPECT_EQ(error_of(R"({"show-user-details": [], "transitions": [)"
                     R"({"source": {)" +
                     state + R"(}, "dest": {)" + state +
                     R"(}, "p": 0.7},)"
                     R"({"source": {)" +
                     state + R"(}, "dest": {)" + state + R"(}, "p": 0.7}]})"),
            "eventsim config: moves out of Home (Logged In, free) add up to more than 1");
  EXPECT_EQ(error_of(R"({"show-user-details": [], "transitions": [{"source": {"page": "Home"}}]})"),
            "eventsim config: a source has no \"auth\"");
}

}  // namespace
}  // namespace tributary::gen
