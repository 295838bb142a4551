#include "gen/weighted_sampler.h"

#include <cmath>
#include <stdexcept>

namespace tributary::gen {

WeightedSampler::WeightedSampler(std::span<const double> weights) {
  const std::size_t n = weights.size();
  double total = 0;
  for (double w : weights) {
    if (!(w >= 0) || !std::isfinite(w)) throw std::invalid_argument("weights must be >= 0");
    total += w;
  }
  if (n == 0 || total <= 0) throw std::invalid_argument("weights must have a positive sum");

  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / total;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  threshold_.assign(n, 0);
  alias_.assign(n, 0);
  constexpr double kScale = 4294967296.0;  // 2^32
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    threshold_[s] = static_cast<std::uint32_t>(scaled[s] * kScale);
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Leftovers are 1 up to rounding: they always keep their own column.
  for (std::uint32_t i : small) threshold_[i] = UINT32_MAX, alias_[i] = i;
  for (std::uint32_t i : large) threshold_[i] = UINT32_MAX, alias_[i] = i;
}

}  // namespace tributary::gen
