// The eventsim configuration of the reference setup (ZipCodeCore/eventsim's
// examples/example-config.json), compiled into the binary by CMake from
// src/gen/reference-config.json so `tributary generate` needs no file. That file is a copy of the
// shared sample tests/data/eventsim-example-config.json; a test checks they stay identical.
#pragma once

#include <string_view>

namespace tributary::gen {

std::string_view reference_config_json();

}  // namespace tributary::gen
