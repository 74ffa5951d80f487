// common/random.h: the workbook's random numbers, reproducible everywhere.
//
// std::mt19937_64 is specified bit-for-bit by the C++ standard, but the standard
// distributions (normal_distribution, uniform_int_distribution) are not: libstdc++ and
// libc++ turn the same bits into different numbers. So the few distributions we need are
// written here, and the same seed gives the same weights and batches on every compiler.
// Seeds are always explicit and printed by the programs; there is no random_device.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

#include "common/matrix.h"

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  // Uniform in [0, 1): the top 53 bits of one draw, exactly representable in a double.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  // Standard normal N(0, 1) by the Box–Muller transform:
  // z = √(−2 ln u1) · cos(2π u2), with u1 in (0, 1] so the log is finite.
  double normal() {
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
  }

  // A whole number in [0, n), n ≥ 1. The remainder of 64 random bits; it favours small
  // values by at most n / 2⁶⁴, far too little to matter when drawing batches.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(engine_() % n); }

 private:
  static constexpr double kPi = 3.14159265358979323846;
  std::mt19937_64 engine_;
};

// A (rows, cols) matrix of standard normal draws, filled row after row, one rng.normal()
// per entry: numpy's np.random.randn(rows, cols). The book's weights are
// weight_init_std * randn(rows, cols); here `0.01 * randn(784, 50, rng)`.
inline Matrix randn(std::size_t rows, std::size_t cols, Rng& rng) {
  Matrix m(rows, cols);
  for (std::size_t k = 0; k < m.size(); ++k) m.data()[k] = rng.normal();
  return m;
}
