// chapters/09_making_it_fast/measure.h: timing helpers, the table printer, and the
// machine's peak rate of arithmetic. Given (measure_given.cpp).
//
// Times are wall-clock, by std::chrono::steady_clock. The machine is shared and its speed
// drifts, so a time is the median of a few runs, and only runs taken side by side, in the
// same process, are compared.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

// Seconds that f() takes.
template <typename F>
double seconds_of(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The median of `runs` timings of f() (runs ≥ 1): one run slowed by another program does
// not move it.
template <typename F>
double median_seconds(std::size_t runs, F&& f) {
  std::vector<double> times;
  for (std::size_t r = 0; r < std::max<std::size_t>(runs, 1); ++r) times.push_back(seconds_of(f));
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// A time in the unit that gives it 3 or 4 digits: "870 ns", "12.5 µs", "1.24 ms", "3.51 s".
std::string duration(double seconds);

// A ratio to 2 or 3 significant digits and a ×: "1.0×", "4.7×", "26×", "150×".
std::string times(double ratio);

// A table whose first column is aligned left and the others right, each as wide as its
// widest cell, columns two spaces apart.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // The lines, each starting with `prefix`, each ending with a newline.
  std::string text(const std::string& prefix) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// The machine's peak rate of float multiply-adds per second on `threads` threads at once:
// each thread runs 12 independent chains of fused_multiply_add on Lanes (16 multiply-adds
// an instruction) for about `seconds`, enough to keep every floating-point unit busy, and
// the rates are added up. The fastest of 3 such runs.
double peak_multiply_adds(std::size_t threads, double seconds = 0.01);
