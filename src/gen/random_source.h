// RandomSource: the generator's only source of randomness, so a seed fixes every output byte.
//
// xoshiro256** (Blackman and Vigna), seeded through SplitMix64: fast (a few ns per draw), with a
// 2^256 period and no measurable bias for simulation. The draws eventsim needs are derived here
// the way eventsim derives them: exponential by inverse transform, normal by Marsaglia's polar
// method. Not thread-safe; one per simulation.
#pragma once

#include <cmath>
#include <cstdint>

namespace tributary::gen {

class RandomSource {
 public:
  explicit RandomSource(std::uint64_t seed) {
    for (auto& word : state_) {
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // Uniform in [0, n); n > 0. Lemire's multiply-shift, bias below 2^-32 for tables this small.
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next_u64() >> 32) * n) >> 32);
  }

  // Exponential with mean `mean` (eventsim's exponentialRandomValue).
  double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }

  // Standard normal.
  double gaussian() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double m = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * m;
    has_spare_ = true;
    return u * m;
  }

  // Log-normal with mean 1 (eventsim's logNormalRandomValue: exp(N(0,1)) / sqrt(e)).
  double lognormal_mean_one() { return std::exp(gaussian() - 0.5); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::uint64_t state_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace tributary::gen
