// tests/support/expect.h: the checks and made-up data the tests share, one of each.
//
//   const std::string message = invalid_argument_message([&] { mean(Matrix(0, 3)); });
//   EXPECT_TRUE(mentions(message, "(0x3)")) << message;
//   error_message<data_error>([&] { read_idx_images(path); })  // another type of error
//   EXPECT_MATRIX_NEAR(dx, numerical, kCentralDiffTol);  // entry by entry, absolute
//   EXPECT_RELATIVE_GAP_BELOW(layered.W1, formula.W1, kSameMathTol);  // the worst, relative
//   random_data(3, 4, 3, 43)          // x: B = 3 rows of D = 4 inputs; t: one-hot, K = 3
//   sparse_random(100, 784, 0.81, 4)  // N(0,1) draws, about 81% of them set to 0
//
// A failed check is reported at the test's own line (not in this file), in GoogleTest's
// own words where it has them, so make check shows and condenses it as it does any
// EXPECT_NEAR (tests/support/report.cpp). Header only: a test binary links nothing more.
#pragma once

#include <cxxabi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iomanip>
#include <limits>
#include <memory>
#include <source_location>
#include <sstream>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <vector>

#include "common/matrix.h"
#include "common/random.h"

// ---- errors ------------------------------------------------------------------------------

// The what() of the Error that `call` throws; a test failure, at the caller's line, if it
// throws nothing. Any other exception (a stub's not_implemented, say) escapes and fails the
// test with its own message.
template <class Error, class Call>
std::string error_message(Call call, std::source_location at = std::source_location::current()) {
  try {
    call();
  } catch (const Error& e) {
    return e.what();
  }
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> name(
      abi::__cxa_demangle(typeid(Error).name(), nullptr, nullptr, &status), &std::free);
  ADD_FAILURE_AT(at.file_name(), static_cast<int>(at.line()))
      << "expected " << (status == 0 ? name.get() : typeid(Error).name())
      << ", but nothing was thrown";
  return "";
}

// error_message for std::invalid_argument, what the workbook throws for bad input.
template <class Call>
std::string invalid_argument_message(Call call,
                                     std::source_location at = std::source_location::current()) {
  return error_message<std::invalid_argument>(call, at);
}

// Whether `text` contains `piece`; as a check, it names the piece it looked for:
//   EXPECT_TRUE(mentions(message, "(2x3)")) << message;
// fails with "mentions(message, "(2x3)") is false (missing "(2x3)")" and the message.
inline testing::AssertionResult mentions(const std::string& text, const std::string& piece) {
  if (text.find(piece) != std::string::npos) {
    return testing::AssertionSuccess() << "has \"" << piece << "\"";
  }
  return testing::AssertionFailure() << "missing \"" << piece << "\"";
}

// ---- matrices ----------------------------------------------------------------------------

// EXPECT_MATRIX_NEAR(actual, expected, tol): actual has expected's shape and every entry
// within tol of expected's, |a − e| ≤ tol as EXPECT_NEAR counts it (a NaN never is). A
// failure gives the first entry outside in EXPECT_NEAR's words, naming it by (i, j), then
// how many are outside and the largest difference. Like any EXPECT, it takes << "why".
// (A braced matrix goes in parentheses: EXPECT_MATRIX_NEAR(dx, (Matrix{{1, 2}}), tol).)
#define EXPECT_MATRIX_NEAR(actual, expected, tol) \
  EXPECT_PRED_FORMAT3(::expect_detail::matrix_near, actual, expected, tol)

// The relative gap between a and b: max|a − b| / max(max|a|, max|b|) over the entries
// (style habit 12), NaN if any difference is NaN; 0 when both are all zeros. Independent
// of lesson 06's relative_error, which is an exercise.
inline double relative_gap(const Matrix& a, const Matrix& b);
inline double relative_gap(const std::vector<double>& a, const std::vector<double>& b);

// EXPECT_RELATIVE_GAP_BELOW(a, b, tol): a and b have the same shape and relative_gap(a, b)
// < tol. A failure names the gap and the worst entry, with both values there. Takes
// Matrix or std::vector<double> (Vector) pairs.
#define EXPECT_RELATIVE_GAP_BELOW(a, b, tol) \
  EXPECT_PRED_FORMAT3(::expect_detail::relative_gap_below, a, b, tol)

// ---- made-up data ------------------------------------------------------------------------

// B rows of D inputs and their one-hot labels over K classes.
struct RandomData {
  Matrix x;  // (B,D)
  Matrix t;  // (B,K)
};
// From Rng(seed): every entry of x uniform in [lo, hi), row after row, then one class per
// row, rng.below(K).
inline RandomData random_data(std::size_t B, std::size_t D, std::size_t K, std::uint64_t seed,
                              double lo = 0.0, double hi = 1.0) {
  Rng rng(seed);
  RandomData data{Matrix(B, D), Matrix(B, K)};
  for (std::size_t k = 0; k < data.x.size(); ++k) data.x.data()[k] = lo + (hi - lo) * rng.uniform();
  for (std::size_t b = 0; b < B; ++b) data.t(b, rng.below(K)) = 1.0;
  return data;
}

// (rows, cols) of N(0,1) draws, randn's, with about `zero_share` of the entries then set to
// exactly 0, as the blank pixels of a digit are (MNIST's batches: 0.81). Negative values
// too, so that 0·w = −0 occurs. zero_share 0 gives randn(rows, cols, Rng(seed)).
inline Matrix sparse_random(std::size_t rows, std::size_t cols, double zero_share,
                            std::uint64_t seed) {
  Rng rng(seed);
  Matrix m = randn(rows, cols, rng);
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (rng.uniform() < zero_share) m.data()[k] = 0.0;
  }
  return m;
}

// The smallest probability that the rows of y (B,K) give their true class, the column of
// the 1 in each row of one-hot t. The gradient checks' tolerances rest on it (the loss's
// 1e-7 shifts a gradient by about 1e-7/p): they assert it first.
inline double smallest_true_class_probability(const Matrix& y, const Matrix& t) {
  const std::vector<std::size_t> truth = row_argmax(t);
  double p = 1.0;
  for (std::size_t b = 0; b < y.rows(); ++b) p = std::min(p, y(b, truth[b]));
  return p;
}

// ---- how the checks above say what they found ----------------------------------------------

namespace expect_detail {

// A number as GoogleTest prints one: 17 significant digits, so that it reads back exactly.
inline std::string number(double v) {
  std::ostringstream os;
  os << std::setprecision(std::numeric_limits<double>::digits10 + 2) << v;
  return os.str();
}

// Entries as flat arrays, with how to name entry k: "(i, j)" in a Matrix, "[k]" in a vector.
struct Entries {
  const double* data;
  std::size_t size;
  std::size_t cols;   // 0 for a vector
  std::string shape;  // "(2x3)", or a vector's size "3"
  const char* how;    // what gives the shape: ".shape()", ".size()"
  std::string index(std::size_t k) const {
    if (cols == 0) return "[" + std::to_string(k) + "]";
    return "(" + std::to_string(k / cols) + ", " + std::to_string(k % cols) + ")";
  }
};
inline Entries entries(const Matrix& m) {
  return {m.data(), m.size(), m.cols(), m.shape(), ".shape()"};
}
inline Entries entries(const std::vector<double>& v) {
  return {v.data(), v.size(), 0, std::to_string(v.size()), ".size()"};
}

// The expected side's expression for entry k: "numerical(0, 1)" where the expression is a
// name (numerical, c.x), else the entry's value, as EXPECT_NEAR(dx(0, 1), 0.25, tol) reads.
inline std::string expected_expression(const char* expr, const Entries& e, std::size_t k) {
  const std::string s = expr;
  bool name = !s.empty();
  for (char c : s)
    name = name && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.');
  return name ? s + e.index(k) : number(e.data[k]);
}

// EXPECT_EQ's words for two shapes that differ.
inline testing::AssertionResult shapes_differ(const char* a_expr, const char* b_expr,
                                              const Entries& a, const Entries& b) {
  return testing::AssertionFailure() << "Expected equality of these values:\n  " << a_expr << a.how
                                     << "\n    Which is: " << a.shape << "\n  " << b_expr << b.how
                                     << "\n    Which is: " << b.shape;
}

inline testing::AssertionResult matrix_near(const char* actual_expr, const char* expected_expr,
                                            const char* tol_expr, const Matrix& actual,
                                            const Matrix& expected, double tol) {
  const Entries a = entries(actual), e = entries(expected);
  if (!actual.same_shape(expected)) return shapes_differ(actual_expr, expected_expr, a, e);
  std::size_t outside = 0, first = 0, worst = 0;
  double worst_diff = 0.0;
  for (std::size_t k = 0; k < a.size; ++k) {
    const double diff = std::fabs(a.data[k] - e.data[k]);
    if (diff <= tol) continue;
    if (outside++ == 0) first = k;
    // The largest difference, or the first NaN: no number is closer than that.
    if (std::isnan(diff) ? !std::isnan(worst_diff) : diff > worst_diff) {
      worst = k;
      worst_diff = diff;
    }
  }
  if (outside == 0) return testing::AssertionSuccess();
  const std::string x = actual_expr + a.index(first);
  const std::string y = expected_expression(expected_expr, e, first);
  testing::AssertionResult failure = testing::AssertionFailure();
  failure << "The difference between " << x << " and " << y << " is "
          << number(std::fabs(a.data[first] - e.data[first])) << ", which exceeds " << tol_expr
          << ", where\n"
          << x << " evaluates to " << number(a.data[first]) << ",\n"
          << y << " evaluates to " << number(e.data[first]) << ", and\n"
          << tol_expr << " evaluates to " << number(tol) << ".";
  if (outside > 1) {
    failure << "\n(" << outside << " of " << a.size << " entries are outside " << tol_expr
            << "; the largest difference, " << number(worst_diff) << ", is at " << a.index(worst)
            << ": " << actual_expr << a.index(worst) << " = " << number(a.data[worst])
            << ", expected " << expected_expression(expected_expr, e, worst);
    if (expected_expression(expected_expr, e, worst) != number(e.data[worst]))
      failure << " = " << number(e.data[worst]);
    failure << ")";
  }
  return failure;
}

// The gap and where it is largest (the first NaN difference, if there is one).
struct Gap {
  double relative = 0.0;
  std::size_t worst = 0;
};
inline Gap gap(const Entries& a, const Entries& b) {
  double largest = 0.0, scale = 0.0;
  Gap g;
  for (std::size_t k = 0; k < a.size; ++k) {
    const double diff = std::fabs(a.data[k] - b.data[k]);
    if (std::isnan(diff)) return {diff, k};
    if (diff > largest) {
      largest = diff;
      g.worst = k;
    }
    scale = std::max({scale, std::fabs(a.data[k]), std::fabs(b.data[k])});
  }
  // 0/0 for two all-zero arguments would be NaN; they are equal, a gap of 0.
  g.relative = largest == 0.0 ? 0.0 : largest / scale;
  return g;
}

template <class Values>
testing::AssertionResult relative_gap_below(const char* a_expr, const char* b_expr,
                                            const char* tol_expr, const Values& a_values,
                                            const Values& b_values, double tol) {
  const Entries a = entries(a_values), b = entries(b_values);
  if (a.shape != b.shape) return shapes_differ(a_expr, b_expr, a, b);
  const Gap g = gap(a, b);
  if (g.relative < tol) return testing::AssertionSuccess();
  std::ostringstream short_form;
  short_form << std::setprecision(4) << g.relative << ", not below " << tol_expr << " = " << tol;
  return testing::AssertionFailure()
         << "relative_gap(" << a_expr << ", " << b_expr << ") = " << short_form.str()
         << "\nworst at " << a.index(g.worst) << ": " << a_expr << a.index(g.worst) << " = "
         << number(a.data[g.worst]) << ", " << b_expr << b.index(g.worst) << " = "
         << number(b.data[g.worst]);
}

}  // namespace expect_detail

inline double relative_gap(const Matrix& a, const Matrix& b) {
  return expect_detail::gap(expect_detail::entries(a), expect_detail::entries(b)).relative;
}
inline double relative_gap(const std::vector<double>& a, const std::vector<double>& b) {
  return expect_detail::gap(expect_detail::entries(a), expect_detail::entries(b)).relative;
}
