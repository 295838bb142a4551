#include "gen/site_model.h"

#include <simdjson.h>

#include <stdexcept>
#include <tuple>

#include "gen/reference_config.h"

namespace tributary::gen {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("eventsim config: " + what);
}

element member(object obj, std::string_view key, std::string_view where) {
  element value;
  if (obj[key].get(value) != simdjson::SUCCESS) {
    fail(std::string(where) + " has no \"" + std::string(key) + "\"");
  }
  return value;
}

double number(element value, std::string_view key) {
  double d;
  if (value.get_double().get(d) != simdjson::SUCCESS)
    fail("\"" + std::string(key) + "\" is not a number");
  return d;
}

std::string text(element value, std::string_view key) {
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS)
    fail("\"" + std::string(key) + "\" is not a string");
  return std::string(s);
}

object as_object(element value, std::string_view where) {
  object obj;
  if (value.get_object().get(obj) != simdjson::SUCCESS)
    fail(std::string(where) + " is not an object");
  return obj;
}

simdjson::dom::array as_array(object root, std::string_view key) {
  simdjson::dom::array arr;
  if (root[key].get_array().get(arr) != simdjson::SUCCESS)
    fail("\"" + std::string(key) + "\" is not an array");
  return arr;
}

void optional_number(object root, std::string_view key, double& out) {
  element value;
  if (root[key].get(value) == simdjson::SUCCESS) out = number(value, key);
}

void optional_int(object root, std::string_view key, int& out) {
  double d = out;
  optional_number(root, key, d);
  out = static_cast<int>(d);
}

void optional_text(object root, std::string_view key, std::string& out) {
  element value;
  if (root[key].get(value) == simdjson::SUCCESS) out = text(value, key);
}

using StateKey = std::tuple<std::string, std::string, std::string, int, std::string>;

StateKey state_key(object obj, std::string_view where) {
  return {text(member(obj, "page", where), "page"), text(member(obj, "auth", where), "auth"),
          text(member(obj, "method", where), "method"),
          static_cast<int>(number(member(obj, "status", where), "status")),
          text(member(obj, "level", where), "level")};
}

}  // namespace

SiteModel SiteModel::from_json(std::string_view json) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(json);
  element root_element;
  if (auto error = parser.parse(padded).get(root_element)) {
    fail(std::string("not valid JSON: ") + simdjson::error_message(error));
  }
  const object root = as_object(root_element, "the document");

  SiteModel model;
  SiteTiming& t = model.timing_;
  optional_number(root, "alpha", t.alpha);
  optional_number(root, "beta", t.beta);
  optional_number(root, "damping", t.damping);
  optional_number(root, "weekend-damping", t.weekend_damping);
  optional_int(root, "weekend-damping-offset", t.weekend_damping_offset);
  optional_int(root, "weekend-damping-scale", t.weekend_damping_scale);
  optional_int(root, "session-gap", t.session_gap);
  if (!(t.alpha > 0) || !(t.beta > 0)) fail("alpha and beta must be positive");
  if (t.session_gap < 0) fail("session-gap must not be negative");
  std::string churned;
  optional_text(root, "churned-state", churned);
  optional_text(root, "new-user-auth", model.new_user_auth_);
  optional_text(root, "new-user-level", model.new_user_level_);

  std::map<std::string, bool> show;
  for (element e : as_array(root, "show-user-details")) {
    const object o = as_object(e, "a show-user-details entry");
    bool shown = false;
    if (member(o, "show", "a show-user-details entry").get_bool().get(shown) != simdjson::SUCCESS) {
      fail("\"show\" is not a boolean");
    }
    show[text(member(o, "auth", "a show-user-details entry"), "auth")] = shown;
  }

  std::map<StateKey, PageState*> by_key;
  auto intern = [&](const StateKey& key) -> PageState* {
    auto [it, inserted] = by_key.try_emplace(key, nullptr);
    if (inserted) {
      auto state = std::make_unique<PageState>();
      std::tie(state->page, state->auth, state->method, state->status, state->level) = key;
      state->show_user_details = show.count(state->auth) != 0 && show[state->auth];
      state->is_next_song = state->page == "NextSong";
      state->is_login = state->page == "Login";
      state->is_status_change =
          state->page == "Submit Upgrade" || state->page == "Submit Downgrade";
      state->is_redirect = state->status >= 300 && state->status < 399;
      state->is_churned = !churned.empty() && state->auth == churned;
      it->second = state.get();
      model.states_.push_back(std::move(state));
    }
    return it->second;
  };

  for (element e : as_array(root, "transitions")) {
    const object o = as_object(e, "a transition");
    PageState* source =
        intern(state_key(as_object(member(o, "source", "a transition"), "source"), "a source"));
    PageState* dest =
        intern(state_key(as_object(member(o, "dest", "a transition"), "dest"), "a dest"));
    const double p = number(member(o, "p", "a transition"), "p");
    if (!(p >= 0)) fail("transition probabilities must not be negative");
    const double lower = source->move_upper.empty() ? 0.0 : source->move_upper.back();
    // eventsim rejects a state whose moves add up to more than 1; allow rounding noise.
    if (lower + p > 1.0 + 1e-9) {
      fail("moves out of " + source->page + " (" + source->auth + ", " + source->level +
           ") add up to more than 1");
    }
    source->move_upper.push_back(lower + p);
    source->move_to.push_back(dest);
  }

  std::map<std::pair<std::string, std::string>, std::vector<double>> start_weights;
  for (element e : as_array(root, "new-session")) {
    const object o = as_object(e, "a new-session entry");
    PageState* state = intern(state_key(o, "a new-session entry"));
    const double weight = number(member(o, "weight", "a new-session entry"), "weight");
    auto key = std::make_pair(state->auth, state->level);
    model.starts_[key].states.push_back(state);
    start_weights[key].push_back(weight);
  }
  for (auto& [key, starts] : model.starts_) {
    try {
      starts.sampler = WeightedSampler(start_weights[key]);
    } catch (const std::invalid_argument&) {
      fail("new-session weights for " + key.first + ", " + key.second + " sum to zero");
    }
  }

  auto weighted = [&](std::string_view key, std::string_view name, std::vector<std::string>& names,
                      WeightedSampler& sampler) {
    std::vector<double> weights;
    for (element e : as_array(root, key)) {
      const object o = as_object(e, "an entry of \"" + std::string(key) + "\"");
      names.push_back(text(member(o, name, key), name));
      weights.push_back(number(member(o, "weight", key), "weight"));
    }
    try {
      sampler = WeightedSampler(weights);
    } catch (const std::invalid_argument&) {
      fail("\"" + std::string(key) + "\" weights must be non-negative with a positive sum");
    }
  };
  weighted("levels", "level", model.levels_, model.level_sampler_);
  weighted("auths", "auth", model.auths_, model.auth_sampler_);
  return model;
}

const SiteModel& SiteModel::reference() {
  static const SiteModel model = from_json(reference_config_json());
  return model;
}

const PageState* SiteModel::find(std::string_view page, std::string_view auth,
                                 std::string_view level) const {
  for (const auto& s : states_) {
    if (s->page == page && s->auth == auth && s->level == level) return s.get();
  }
  return nullptr;
}

const PageState& SiteModel::start_state(std::string_view auth, std::string_view level,
                                        RandomSource& random) const {
  auto it = starts_.find({std::string(auth), std::string(level)});
  if (it == starts_.end()) {
    fail("no new-session state for auth \"" + std::string(auth) + "\" and level \"" +
         std::string(level) + "\"");
  }
  return *it->second.states[it->second.sampler.draw(random)];
}

const std::string& SiteModel::draw_initial_auth(RandomSource& random) const {
  return auths_[auth_sampler_.draw(random)];
}

const std::string& SiteModel::draw_initial_level(RandomSource& random) const {
  return levels_[level_sampler_.draw(random)];
}

}  // namespace tributary::gen
