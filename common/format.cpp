// common/format.cpp: see format.h.
#include "common/format.h"

#include <charconv>
#include <cstdio>

std::string repr(double x) {
  // std::to_chars with no precision gives the shortest round-trip form, the same rule
  // Python's repr follows (both pick the fewest digits that read back to the same double).
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, result.ptr);
}

std::string sci(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", digits, x);
  return buf;
}

std::string fixed(double x, int decimals) {
  char buf[400];  // %.Nf of 1e308 has 309 digits before the point
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

std::string tuple(const std::vector<double>& values, std::string (*one)(double)) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + one(values[i]);
  return out + ")";
}
