// The eventsim configuration of the reference setup (ZipCodeCore/eventsim's
// examples/example-config.json, kept as tests/data/eventsim-example-config.json), compiled into
// the binary by CMake so `tributary generate` needs no file and the two can never drift apart.
#pragma once

#include <string_view>

namespace tributary::gen {

std::string_view reference_config_json();

}  // namespace tributary::gen
