// WeightedSampler: draws an index with probability proportional to its weight in O(1), by Vose's
// alias method. Built once per table; drawing costs one 64-bit random number.
// Invariants: at least one weight is positive; weights are finite and non-negative.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "gen/random_source.h"

namespace tributary::gen {

class WeightedSampler {
 public:
  WeightedSampler() = default;
  // Throws std::invalid_argument when `weights` is empty, negative or sums to zero.
  explicit WeightedSampler(std::span<const double> weights);

  std::size_t size() const { return alias_.size(); }

  std::uint32_t draw(RandomSource& random) const {
    const std::uint64_t bits = random.next_u64();
    const auto column = static_cast<std::uint32_t>(
        ((bits >> 32) * static_cast<std::uint64_t>(alias_.size())) >> 32);
    // The low 32 bits decide between the column and its alias.
    return static_cast<std::uint32_t>(bits & 0xffffffffu) < threshold_[column] ? column
                                                                               : alias_[column];
  }

 private:
  std::vector<std::uint32_t> threshold_;  // P(keep column) scaled to 2^32
  std::vector<std::uint32_t> alias_;
};

}  // namespace tributary::gen
