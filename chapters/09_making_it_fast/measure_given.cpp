// chapters/09_making_it_fast/measure_given.cpp: timing, tables, the peak rate. Contracts
// are in measure.h.
#include <cmath>
#include <cstdio>
#include <thread>
#include <vector>

#include "chapters/09_making_it_fast/kernels.h"
#include "chapters/09_making_it_fast/measure.h"

namespace {

// printf into a std::string.
template <typename... Args>
std::string format(const char* pattern, Args... args) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, args...);
  return text;
}

// v with 3 significant digits, but never in exponent form: 870, 12.5, 1.24.
std::string three_digits(double v) {
  if (v >= 100) return format("%.0f", v);
  if (v >= 10) return format("%.1f", v);
  return format("%.2f", v);
}

}  // namespace

std::string duration(double seconds) {
  if (seconds >= 1.0) return three_digits(seconds) + " s";
  if (seconds >= 1e-3) return three_digits(seconds * 1e3) + " ms";
  if (seconds >= 1e-6) return three_digits(seconds * 1e6) + " µs";
  return three_digits(seconds * 1e9) + " ns";
}

std::string times(double ratio) {
  if (ratio >= 10) return format("%.0f×", ratio);
  return format("%.1f×", ratio);
}

std::string Table::text(const std::string& prefix) const {
  std::vector<std::size_t> width;
  // Widths in characters as shown: "µ" and "×" are two bytes each in UTF-8 but one column.
  const auto shown = [](const std::string& s) {
    std::size_t n = 0;
    for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
  };
  for (const auto& row : rows_) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], shown(row[c]));
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line = prefix;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(width[c] - shown(row[c]), ' ');
      line += c == 0 ? row[c] + pad : "  " + pad + row[c];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

namespace {

// Multiply-adds per second of one thread: 12 independent chains, so that each unit has a
// new operation to start every cycle although each takes several cycles to finish.
double one_thread_rate(double seconds) {
  constexpr std::size_t kChains = 12;
  Lanes acc[kChains];
  for (std::size_t c = 0; c < kChains; ++c) acc[c] = Lanes{} + static_cast<float>(c);
  // a just below 1 and b small keep every value near b / (1 − a), far from overflow.
  const float a = 0.999f;
  const Lanes b = Lanes{} + 1e-3f;
  constexpr std::size_t kBlock = 10000;
  std::size_t blocks = 0;
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0.0;
  do {
    for (std::size_t k = 0; k < kBlock; ++k) {
      // (unrolled, so that the 12 chains live in 12 registers)
#pragma GCC unroll 12
      for (std::size_t c = 0; c < kChains; ++c) acc[c] = fused_multiply_add(a, acc[c], b);
    }
    ++blocks;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (elapsed < seconds);
  // The results are used, so the compiler cannot leave the work out.
  volatile float sink = 0.0f;
  for (std::size_t c = 0; c < kChains; ++c) sink = sink + acc[c][0];
  return static_cast<double>(blocks * kBlock * kChains * kLanes) / elapsed;
}

}  // namespace

double peak_multiply_adds(std::size_t threads, double seconds) {
  double best = 0.0;
  for (int run = 0; run < 3; ++run) {
    std::vector<double> rate(std::max<std::size_t>(threads, 1), 0.0);
    std::vector<std::thread> helpers;
    for (std::size_t t = 1; t < rate.size(); ++t) {
      helpers.emplace_back([&rate, t, seconds] { rate[t] = one_thread_rate(seconds); });
    }
    rate[0] = one_thread_rate(seconds);
    for (std::thread& h : helpers) h.join();
    double total = 0.0;
    for (const double r : rate) total += r;
    best = std::max(best, total);
  }
  return best;
}
