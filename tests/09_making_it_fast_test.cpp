// tests/09_making_it_fast_test.cpp: lesson 09, the fast kernels against the plain Matrix
// operations they replace (bit for bit for the exact ones, within float rounding for the
// float ones), the fast numerical gradient against lesson 06's, and the given training
// code built on them against lesson 07's plain step. The given helpers (Workers, exp_lanes,
// PaddedRows, moving rows, the timing helpers) are in the *ProvidedTest suites.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/01_numerical_diff/numerical_diff.h"
#include "chapters/05_loss_gradient/loss.h"
#include "chapters/06_two_layer_net/two_layer_net.h"
#include "chapters/07_learning_mnist/train.h"
#include "chapters/09_making_it_fast/fast_train.h"
#include "chapters/09_making_it_fast/kernels.h"
#include "chapters/09_making_it_fast/measure.h"
#include "chapters/09_making_it_fast/numerical_fast.h"
#include "common/mnist.h"
#include "common/random.h"
#include "tests/support/expect.h"

namespace {

// A (rows, cols) matrix of N(0,1) draws from Rng(seed): sparse_random with no entry set to 0.
Matrix dense_random(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  return sparse_random(rows, cols, 0.0, seed);
}

// m with every entry rounded to float and back: the values a float kernel sees.
Matrix as_floats(const Matrix& m) {
  return apply(m, [](double v) { return static_cast<double>(static_cast<float>(v)); });
}

// Sparse rows built by hand, for the tests of given code (they must not need your
// sparse_rows): {{0, 2, 0}, {1, 0, 3}}, its example in kernels.h.
SparseRows two_rows() {
  SparseRows s;
  s.rows = 2;
  s.cols = 3;
  s.row_start = {0, 1, 3};
  s.column = {1, 0, 2};
  s.value = {2, 1, 3};
  return s;
}

// ---------------------------------------------------------------------------------------
// 1. sparse_rows

// The nonzero entries are listed row by row, columns increasing, and nothing else: the
// example of kernels.h.
TEST(SparseRowsTest, ListsNonzerosRowByRow) {
  const SparseRows s = sparse_rows(Matrix{{0, 2, 0}, {1, 0, 3}});
  ASSERT_EQ(s.rows, 2u);
  ASSERT_EQ(s.cols, 3u);
  ASSERT_EQ(s.nonzeros(), 3u);
  EXPECT_EQ(s.row_start, (std::vector<std::size_t>{0, 1, 3}));
  EXPECT_EQ(s.column, (std::vector<std::uint16_t>{1, 0, 2}));
  EXPECT_EQ(s.value, (std::vector<double>{2, 1, 3}));
}

// dense(sparse_rows(a)) gives a back exactly: negative entries, an all-zero row, a last
// row that ends in a nonzero entry.
TEST(SparseRowsTest, DenseRoundTripIsExact) {
  Matrix a = sparse_random(7, 11, 0.7, 1);
  for (std::size_t j = 0; j < 11; ++j) a(3, j) = 0.0;
  a(6, 10) = -0.5;
  const SparseRows s = sparse_rows(a);
  EXPECT_EQ(dense(s), a);
  EXPECT_EQ(s.row_start[4], s.row_start[3]) << "row 3 is all zeros";
}

// −0 adds nothing to a sum, like 0: it is left out too.
TEST(SparseRowsTest, MinusZeroIsLeftOut) {
  const SparseRows s = sparse_rows(Matrix{{-0.0, 5.0}});
  EXPECT_EQ(s.nonzeros(), 1u);
  EXPECT_EQ(s.column, (std::vector<std::uint16_t>{1}));
}

// A 16-bit column number cannot name column 65,535 of a 65,536-column matrix: refused.
TEST(SparseRowsTest, MoreColumnsThanSixteenBitsThrows) {
  EXPECT_THROW(sparse_rows(Matrix(1, kMaxColumns + 1)), std::invalid_argument);
  EXPECT_EQ(sparse_rows(Matrix(1, kMaxColumns)).cols, kMaxColumns);
}

// ---------------------------------------------------------------------------------------
// 2. sparse_times and 3. sparse_transposed_times: the Matrix product bit for bit.

// x·W1 with the zeros skipped equals x * W1 bit for bit, at the training's shapes:
// the skipped terms are ±0, the others added in the same order.
TEST(SparseTimesTest, MatchesTheProductBitForBit) {
  const Matrix x = sparse_random(100, 784, 0.81, 4);
  const Matrix w = dense_random(784, 50, 5);
  Matrix out;
  sparse_times(sparse_rows(x), w, out);
  EXPECT_EQ(out, x * w);
}

// The output buffer is reused: one of the right shape full of old numbers gives the same
// product (it was zeroed), one of another shape is replaced.
TEST(SparseTimesTest, OverwritesWhatOutHeld) {
  const Matrix x = sparse_random(6, 30, 0.6, 6), w = dense_random(30, 9, 7);
  const SparseRows xs = sparse_rows(x);
  Matrix out = dense_random(6, 9, 8);
  const double* storage = out.data();
  sparse_times(xs, w, out);
  EXPECT_EQ(out, x * w);
  EXPECT_EQ(out.data(), storage) << "a buffer of the right shape is reused, not reallocated";
  Matrix wrong = dense_random(2, 2, 9);
  sparse_times(xs, w, wrong);
  EXPECT_EQ(wrong, x * w);
}

// A row with no nonzero pixel gives a row of zeros.
TEST(SparseTimesTest, EmptyRowGivesZeros) {
  Matrix x = sparse_random(3, 8, 0.5, 10);
  for (std::size_t j = 0; j < 8; ++j) x(1, j) = 0.0;
  Matrix out;
  sparse_times(sparse_rows(x), dense_random(8, 4, 11), out);
  for (std::size_t j = 0; j < 4; ++j) EXPECT_EQ(out(1, j), 0.0);
}

// x.cols != w.rows is refused, naming both shapes.
TEST(SparseTimesTest, ShapeMismatchNamesBothShapes) {
  Matrix out;
  const std::string message =
      invalid_argument_message([&] { sparse_times(sparse_rows(Matrix(2, 3)), Matrix(4, 1), out); });
  EXPECT_TRUE(mentions(message, "(2x3)")) << message;
  EXPECT_TRUE(mentions(message, "(4x1)")) << message;
}

// xᵀ·δ without making xᵀ equals transpose(x) * δ bit for bit, at the shapes of
// ∂L/∂W1 in training.
TEST(SparseTransposedTimesTest, MatchesTheTransposedProductBitForBit) {
  const Matrix x = sparse_random(100, 784, 0.81, 12);
  const Matrix delta = dense_random(100, 50, 13);
  Matrix g;
  sparse_transposed_times(sparse_rows(x), delta, g);
  const Matrix xt = transpose(x);
  EXPECT_EQ(g, xt * delta);
}

// g is overwritten, whatever it held: a pixel no sample inks has a zero row.
TEST(SparseTransposedTimesTest, OverwritesWhatGHeld) {
  Matrix x = sparse_random(5, 12, 0.5, 14);
  for (std::size_t i = 0; i < 5; ++i) x(i, 7) = 0.0;
  const Matrix d = dense_random(5, 3, 15);
  Matrix g = dense_random(12, 3, 16);
  sparse_transposed_times(sparse_rows(x), d, g);
  const Matrix xt = transpose(x);
  EXPECT_EQ(g, xt * d);
  for (std::size_t j = 0; j < 3; ++j) EXPECT_EQ(g(7, j), 0.0);
}

// x.rows != d.rows is refused, naming both shapes.
TEST(SparseTransposedTimesTest, ShapeMismatchNamesBothShapes) {
  Matrix g;
  const std::string message = invalid_argument_message(
      [&] { sparse_transposed_times(sparse_rows(Matrix(2, 3)), Matrix(4, 1), g); });
  EXPECT_TRUE(mentions(message, "(2x3)")) << message;
  EXPECT_TRUE(mentions(message, "(4x1)")) << message;
}

// ---------------------------------------------------------------------------------------
// 4. lanes_times and 5. lanes_transposed_times: float, fused, in a fixed order.

// The contract's sums, one float at a time: start at 0, take the terms in increasing p
// (or i), each added by std::fma. A kernel that follows it gives these bits exactly.
Matrix fma_times(const Matrix& x, const Matrix& w) {
  Matrix out(x.rows(), w.cols());
  for (std::size_t i = 0; i < x.rows(); ++i) {
    for (std::size_t j = 0; j < w.cols(); ++j) {
      float s = 0.0f;
      for (std::size_t p = 0; p < x.cols(); ++p) {
        if (x(i, p) != 0.0)
          s = std::fma(static_cast<float>(x(i, p)), static_cast<float>(w(p, j)), s);
      }
      out(i, j) = s;
    }
  }
  return out;
}

// A float sum of up to 150 terms rounds each partial sum to 24 bits: at most ~150·6e-8
// ≈ 1e-5 of the sum of the terms' magnitudes away from the exact sum. A dropped or
// doubled term, or a wrong weight row, misses by far more.
constexpr double kFloatSumTol = 1e-5;

// Each entry of got within kFloatSumTol·Σ|x(i,p)·w(p,j)| of the exact product of the
// float-rounded inputs.
void expect_float_product(const Matrix& got, const Matrix& x, const Matrix& w) {
  const Matrix exact = as_floats(x) * as_floats(w);
  const Matrix size = apply(x, [](double v) { return std::fabs(v); }) *
                      apply(w, [](double v) { return std::fabs(v); });
  ASSERT_EQ(got.rows(), exact.rows());
  ASSERT_EQ(got.cols(), exact.cols());
  for (std::size_t i = 0; i < got.rows(); ++i)
    for (std::size_t j = 0; j < got.cols(); ++j)
      ASSERT_LE(std::fabs(got(i, j) - exact(i, j)), kFloatSumTol * size(i, j) + 1e-30)
          << "entry (" << i << ", " << j << ")";
}

// x·W1 in float is the exact product up to float rounding, at the training's shapes.
TEST(LanesTimesTest, MatchesTheProductUpToFloatRounding) {
  const Matrix x = sparse_random(100, 784, 0.81, 20), w = dense_random(784, 50, 21);
  PaddedRows out(100, 50);
  lanes_times(to_floats(sparse_rows(x)), PaddedRows::from_matrix(w), out, 0, 100);
  expect_float_product(out.matrix(), x, w);
}

// The sums are taken exactly as the contract says, so the bits are fma_times's: the
// same on every machine and in every build.
TEST(LanesTimesTest, EqualsTheContractsSumsBitForBit) {
  const Matrix x = sparse_random(9, 200, 0.7, 22), w = dense_random(200, 50, 23);
  PaddedRows out(9, 50);
  lanes_times(to_floats(sparse_rows(x)), PaddedRows::from_matrix(w), out, 0, 9);
  EXPECT_EQ(out.matrix(), fma_times(x, w));
}

// Every width from 1 to 3 tiles, padding and all: each hidden unit is computed, and the
// padding of the output stays 0.
TEST(LanesTimesTest, EveryWidthAndItsPadding) {
  const Matrix x = sparse_random(5, 30, 0.6, 24);
  const SparseFloats xs = to_floats(sparse_rows(x));
  for (std::size_t m = 1; m <= 3 * kTileFloats; m += (m < 70 ? 1 : 11)) {
    const Matrix w = dense_random(30, m, 100 + m);
    PaddedRows out(5, m);
    lanes_times(xs, PaddedRows::from_matrix(w), out, 0, 5);
    EXPECT_EQ(out.matrix(), fma_times(x, w)) << m << " columns";
    for (std::size_t i = 0; i < 5; ++i)
      for (std::size_t j = m; j < out.stride(); ++j)
        ASSERT_EQ(out.row(i)[j], 0.0f) << m << " columns";
  }
}

// A range of rows leaves every row outside it as it was, bit for bit, rows of x included:
// they are another thread's. Writing them too, even with the right numbers, fails here.
TEST(LanesTimesTest, RowsOutsideTheRangeKeepWhatTheyHeld) {
  const Matrix x = sparse_random(10, 40, 0.6, 28), w = dense_random(40, 12, 29);
  const SparseFloats xs = to_floats(sparse_rows(x));
  const PaddedRows pw = PaddedRows::from_matrix(w);
  PaddedRows whole(10, 12), part = PaddedRows::from_matrix(dense_random(10, 12, 38));
  const Matrix before = part.matrix();
  lanes_times(xs, pw, whole, 0, 10);
  lanes_times(xs, pw, part, 3, 7);
  const Matrix got = part.matrix(), want = whole.matrix();
  for (std::size_t i = 0; i < 10; ++i)
    for (std::size_t j = 0; j < 12; ++j)
      ASSERT_EQ(got(i, j), i >= 3 && i < 7 ? want(i, j) : before(i, j)) << "row " << i;
}

// Two ranges, in either order, give one call's result, and out's rows past x's stay as
// they were: what two threads splitting the rows rely on.
TEST(LanesTimesTest, TwoRangesGiveOneCallsResult) {
  const Matrix x = sparse_random(10, 40, 0.6, 25), w = dense_random(40, 12, 26);
  const SparseFloats xs = to_floats(sparse_rows(x));
  const PaddedRows pw = PaddedRows::from_matrix(w);
  PaddedRows whole(10, 12), parts = PaddedRows::from_matrix(dense_random(12, 12, 27));
  const Matrix before = parts.matrix();
  lanes_times(xs, pw, whole, 0, 10);
  lanes_times(xs, pw, parts, 6, 10);
  lanes_times(xs, pw, parts, 0, 6);
  const Matrix got = parts.matrix(), want = whole.matrix();
  for (std::size_t i = 0; i < 12; ++i)
    for (std::size_t j = 0; j < 12; ++j) EXPECT_EQ(got(i, j), i < 10 ? want(i, j) : before(i, j));
}

// Shapes that do not fit, or rows past x's, are refused.
TEST(LanesTimesTest, ShapeMismatchThrows) {
  const SparseFloats x = to_floats(sparse_rows(Matrix(2, 3)));
  PaddedRows out(2, 4);
  EXPECT_THROW(lanes_times(x, PaddedRows(4, 4), out, 0, 2), std::invalid_argument);
  EXPECT_THROW(lanes_times(x, PaddedRows(3, 5), out, 0, 2), std::invalid_argument);
  PaddedRows short_out(1, 4);
  EXPECT_THROW(lanes_times(x, PaddedRows(3, 4), short_out, 0, 1), std::invalid_argument);
  EXPECT_THROW(lanes_times(x, PaddedRows(3, 4), out, 1, 3), std::invalid_argument);
}

// g + xᵀ·d with the contract's sums: each g(p,j) from where it starts, i increasing, each
// term added by std::fma.
Matrix fma_add_transposed_times(const Matrix& g, const Matrix& x, const Matrix& d) {
  Matrix out = as_floats(g);
  for (std::size_t p = 0; p < x.cols(); ++p) {
    for (std::size_t j = 0; j < d.cols(); ++j) {
      float s = static_cast<float>(out(p, j));
      for (std::size_t i = 0; i < x.rows(); ++i) {
        if (x(i, p) != 0.0)
          s = std::fma(static_cast<float>(x(i, p)), static_cast<float>(d(i, j)), s);
      }
      out(p, j) = s;
    }
  }
  return out;
}

// Added into a g of zeros, ∂L/∂W1 in float is the exact product up to float rounding, at
// the training's shapes.
TEST(LanesTransposedTimesTest, IntoZerosMatchesTheTransposedProductUpToFloatRounding) {
  const Matrix x = sparse_random(100, 784, 0.81, 30), d = dense_random(100, 50, 31);
  PaddedRows g(784, 50);
  lanes_transposed_times(to_floats(sparse_rows(x)), PaddedRows::from_matrix(d), g, 0, 784);
  const Matrix xt = transpose(x);
  expect_float_product(g.matrix(), xt, d);
}

// The product is added to what g holds (the step folded into the product: g = W1, d =
// −lr·δ), with the contract's sums: fma_add_transposed_times's bits exactly.
TEST(LanesTransposedTimesTest, AddsToGWithTheContractsSumsBitForBit) {
  const Matrix x = sparse_random(12, 300, 0.7, 32), d = dense_random(12, 50, 33);
  const Matrix start = dense_random(300, 50, 34);
  PaddedRows g = PaddedRows::from_matrix(start);
  lanes_transposed_times(to_floats(sparse_rows(x)), PaddedRows::from_matrix(d), g, 0, 300);
  EXPECT_EQ(g.matrix(), fma_add_transposed_times(start, x, d));
}

// A range of pixels changes those rows of g only; the three parts of a split, in any order,
// give one call's result bit for bit: what two threads splitting the pixels rely on. The
// cuts fall inside rows' lists of pixels, so each row must find where its part starts.
TEST(LanesTransposedTimesTest, PixelRangesChangeOnlyTheirRows) {
  const Matrix x = sparse_random(8, 100, 0.5, 35), d = dense_random(8, 20, 36);
  const SparseFloats xs = to_floats(sparse_rows(x));
  const PaddedRows pd = PaddedRows::from_matrix(d);
  const Matrix before = dense_random(100, 20, 37);
  PaddedRows whole = PaddedRows::from_matrix(before), parts = PaddedRows::from_matrix(before);
  lanes_transposed_times(xs, pd, whole, 0, 100);
  lanes_transposed_times(xs, pd, parts, 37, 61);
  const Matrix middle = parts.matrix(), want = whole.matrix(), start = as_floats(before);
  for (std::size_t p = 0; p < 100; ++p)
    for (std::size_t j = 0; j < 20; ++j)
      ASSERT_EQ(middle(p, j), p >= 37 && p < 61 ? want(p, j) : start(p, j)) << "pixel " << p;
  lanes_transposed_times(xs, pd, parts, 61, 100);
  lanes_transposed_times(xs, pd, parts, 0, 37);
  EXPECT_EQ(parts.matrix(), want);
}

// Shapes that do not fit, or pixels past x's, are refused.
TEST(LanesTransposedTimesTest, ShapeMismatchThrows) {
  const SparseFloats x = to_floats(sparse_rows(Matrix(2, 3)));
  PaddedRows g(3, 4);
  EXPECT_THROW(lanes_transposed_times(x, PaddedRows(3, 4), g, 0, 3), std::invalid_argument);
  PaddedRows wrong(4, 4);
  EXPECT_THROW(lanes_transposed_times(x, PaddedRows(2, 4), wrong, 0, 3), std::invalid_argument);
  EXPECT_THROW(lanes_transposed_times(x, PaddedRows(2, 4), g, 2, 4), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// 6. hidden_change and 7. w1_gradient

// B samples of D inputs, about 70% of them 0 like MNIST's pixels, the rest in (0, 1], and
// one-hot labels of K classes; a net 0.5·N(0,1) so that every layer matters.
struct GradientCase {
  TwoLayerNet net;
  Matrix x, t;
};
GradientCase gradient_case(std::size_t D, std::size_t H, std::size_t K, std::size_t B,
                           std::uint64_t seed) {
  GradientCase c{TwoLayerNet(D, H, K, 0.5, seed), Matrix(B, D), Matrix(B, K)};
  Rng rng(seed + 1);
  for (std::size_t k = 0; k < c.x.size(); ++k) {
    const double v = rng.uniform();
    c.x.data()[k] = rng.uniform() < 0.7 ? 0.0 : v;
  }
  for (std::size_t i = 0; i < B; ++i) c.t(i, rng.below(K)) = 1.0;
  c.net.params.b1 = 0.1 * randn(1, H, rng);
  c.net.params.b2 = 0.1 * randn(1, K, rng);
  return c;
}

// Sample i's loss term −log(y(i, t_i) + 1e-7) with a1(i,j) moved by da: the plain
// forward pass of that one sample, from scratch.
double loss_term_moved(const GradientCase& c, std::size_t i, std::size_t j, double da) {
  const TwoLayerParams& p = c.net.params;
  const Matrix xi = row_range(c.x, i, i + 1), ti = row_range(c.t, i, i + 1);
  Matrix a1 = add_row_vector(xi * p.W1, p.b1);
  a1(0, j) += da;
  const Matrix y = softmax(add_row_vector(sigmoid(a1) * p.W2, p.b2));
  return cross_entropy_error(y, ti);
}

// Two loss terms of ~1 computed from scratch differ in their 16th digit: the plain
// difference ℓ₊ − ℓ₋ is known to ~1e-15 only, and hidden_change must agree to that.
constexpr double kLossChangeTol = 1e-14;

// hidden_change gives ℓ₊ − ℓ₋ as two whole forward passes of the sample do, for moves
// of a nudge's size and larger.
TEST(HiddenChangeTest, MatchesTheLossTermsDifference) {
  const GradientCase c = gradient_case(12, 5, 4, 6, 40);
  const NudgeCache cache(c.net.params, c.x, c.t);
  for (const double da : {1e-4, 3e-5, 2e-3}) {
    for (std::size_t i = 0; i < 6; ++i) {
      for (std::size_t j = 0; j < 5; ++j) {
        const double want = loss_term_moved(c, i, j, da) - loss_term_moved(c, i, j, -da);
        EXPECT_NEAR(hidden_change(cache, i, j, da, -da), want, kLossChangeTol)
            << "sample " << i << ", unit " << j << ", da " << da;
      }
    }
  }
}

// A net sure of the wrong class: one hidden unit at a1 = 0 (z = 1/2), scores (−s·z, s·z)
// with s = 36, the true class the first, so y = σ(−2s·z) = 1/(1 + e^s) ≈ 2e-16, far below
// the 1e-7 inside the log. With da± = ±da, Δz± = ±tanh(da/2)/2 and u± = e^(2s·Δz±):
//   y₊ − y₋ = 1/(1 + e^s·u₊) − 1/(1 + e^s·u₋) = −2·e^s·sinh(2s·Δz₊) / ((1 + e^s·u₊)(1 + e^s·u₋))
//   ℓ₊ − ℓ₋ = −log1p((y₊ − y₋) / (y₋ + 1e-7))
// each factor a few roundings from exact: no difference of nearly equal numbers anywhere.
constexpr double kWrongClassScale = 36.0;
double sure_of_the_wrong_class_change(double da) {
  const double s = kWrongClassScale, A = std::exp(s), dz = std::tanh(da / 2.0) / 2.0;
  const double up = 1.0 + A * std::exp(2.0 * s * dz), down = 1.0 + A * std::exp(-2.0 * s * dz);
  const double y_gap = -2.0 * A * std::sinh(2.0 * s * dz) / (up * down);
  return -std::log1p(y_gap / (1.0 / down + kLogDelta));
}

// The change ℓ₊ − ℓ₋ there is 1e-12 to 1e-10. hidden_change's Δz = σ(da) − 1/2 carries
// σ's rounding, under 1e-16 against Δz ≈ da/4: up to ~1e-11 of it at da = 3e-5 (measured:
// below 1e-12); the rest of the formula adds a few ε. Two logs of numbers near 1e-7
// (log ≈ −16.1, each rounded by up to 1.8e-15), subtracted, miss by up to 2e-4 of it.
constexpr double kTinyChangeRelTol = 1e-9;

// Where the true class is far less likely than the log's 1e-7, a nudge's change keeps its
// digits: the log1p of the ratio, not the difference of two logs.
TEST(HiddenChangeTest, KeepsTheDigitsOfATinyChange) {
  TwoLayerParams p{Matrix{{1.0}}, Matrix{{0.0}}, Matrix{{-kWrongClassScale, kWrongClassScale}},
                   Matrix{{0.0, 0.0}}};
  const NudgeCache cache(p, Matrix{{0.0}}, Matrix{{1.0, 0.0}});
  for (const double da : {1e-4, 3e-5, 2e-3}) {
    const double want = sure_of_the_wrong_class_change(da);
    EXPECT_NEAR(hidden_change(cache, 0, 0, da, -da), want, kTinyChangeRelTol * std::fabs(want))
        << "da " << da;
  }
}

// No move, no change: exactly 0.
TEST(HiddenChangeTest, NoMoveIsNoChange) {
  const GradientCase c = gradient_case(12, 5, 4, 6, 41);
  const NudgeCache cache(c.net.params, c.x, c.t);
  EXPECT_EQ(hidden_change(cache, 2, 3, 0.0, 0.0), 0.0);
  EXPECT_EQ(hidden_change(cache, 4, 1, 1e-4, 1e-4), 0.0);
}

// The fast numerical gradient and lesson 06's are central differences with the same h on
// the same loss: the same truncation error, different rounding. Lesson 06 subtracts two
// whole losses (each rounded to ~3e-16) and divides by 2h = 2e-4: ~1e-12 of noise per
// entry against entries of ~0.1 here (measured: below 1e-10 over 5 seeds). A nudge applied
// to the wrong sample or unit, or a missing term, misses by 1e-3 or more.
constexpr double kNumericalTol = 1e-8;

// w1_gradient gives lesson 06's numerical ∂L/∂W1, entry by entry.
TEST(W1GradientTest, MatchesChapter6NumericalGradient) {
  GradientCase c = gradient_case(20, 6, 4, 8, 42);
  const Matrix xt_dense = transpose(c.x);
  const SparseRows xt = sparse_rows(xt_dense);
  const NudgeCache cache(c.net.params, c.x, c.t);
  Matrix fast(20, 6);
  for (std::size_t q = 0; q < 20; ++q)
    for (std::size_t j = 0; j < 6; ++j) fast(q, j) = w1_gradient(cache, xt, q, j);
  const TwoLayerParams plain = c.net.numerical_gradient(c.x, c.t);
  EXPECT_RELATIVE_GAP_BELOW(fast, plain.W1, kNumericalTol);
}

// A pixel that is 0 in every sample cannot move the loss: its row of ∂L/∂W1 is exactly 0,
// and a pixel inked in one sample only has that sample's change alone.
TEST(W1GradientTest, OnlyTheSamplesThatInkThePixelCount) {
  GradientCase c = gradient_case(20, 6, 4, 8, 43);
  for (std::size_t i = 0; i < 8; ++i) c.x(i, 3) = 0.0;
  for (std::size_t i = 0; i < 8; ++i) c.x(i, 5) = i == 6 ? 0.75 : 0.0;
  const Matrix xt_dense = transpose(c.x);
  const SparseRows xt = sparse_rows(xt_dense);
  const NudgeCache cache(c.net.params, c.x, c.t);
  for (std::size_t j = 0; j < 6; ++j) EXPECT_EQ(w1_gradient(cache, xt, 3, j), 0.0);
  const Nudge n = nudges(c.net.params.W1(5, 2));
  const double alone = hidden_change(cache, 6, 2, 0.75 * n.up, 0.75 * n.down) / (2.0 * 1e-4 * 8.0);
  EXPECT_NEAR(w1_gradient(cache, xt, 5, 2), alone, 1e-15 * std::fabs(alone));
}

// A weight of 10^6, where w ± h lands on a grid of 2^−33 ≈ 1.2e-10: lesson 02's nudges are
// fl(w ± h) − w = ±(h − 5.3e-11), 5.3e-7 of h short. One input, 1 in every sample, and
// b1 = −W1, so that lesson 06's a1 is exactly that nudge and its gradient sees it.
TEST(W1GradientTest, NudgesByWhatWPlusHRoundsTo) {
  TwoLayerNet net(1, 2, 3, 0.5, 46);
  net.params.W1 = Matrix{{1e6, 1e6}};
  net.params.b1 = Matrix{{-1e6, -1e6}};
  const Matrix x = {{1}, {1}, {1}, {1}};
  const Matrix t = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}};
  const Nudge n = nudges(1e6);
  // The nudges are far enough from ±h for the tolerance to tell them apart.
  ASSERT_GT(std::fabs(n.up - kDiffStep) / kDiffStep, 10.0 * kNumericalTol);
  const NudgeCache cache(net.params, x, t);
  const SparseRows xt = sparse_rows(transpose(x));
  const Matrix fast = {{w1_gradient(cache, xt, 0, 0), w1_gradient(cache, xt, 0, 1)}};
  const TwoLayerParams plain = net.numerical_gradient(x, t);
  EXPECT_RELATIVE_GAP_BELOW(fast, plain.W1, kNumericalTol);
}

// All four gradients, with your two functions inside, agree with lesson 06's.
TEST(NumericalGradientFastTest, MatchesChapter6NumericalGradient) {
  GradientCase c = gradient_case(20, 6, 4, 8, 44);
  const TwoLayerParams fast = numerical_gradient_fast(c.net, c.x, c.t);
  const TwoLayerParams plain = c.net.numerical_gradient(c.x, c.t);
  ASSERT_TRUE(fast.W1.same_shape(plain.W1));
  ASSERT_TRUE(fast.b1.same_shape(plain.b1));
  EXPECT_RELATIVE_GAP_BELOW(fast.W1, plain.W1, kNumericalTol);
  EXPECT_RELATIVE_GAP_BELOW(fast.b1, plain.b1, kNumericalTol);
  EXPECT_RELATIVE_GAP_BELOW(fast.W2, plain.W2, kNumericalTol);
  EXPECT_RELATIVE_GAP_BELOW(fast.b2, plain.b2, kNumericalTol);
}

// The net is read, never nudged in place: its parameters stay bit for bit.
TEST(NumericalGradientFastTest, LeavesTheNetUnchanged) {
  GradientCase c = gradient_case(20, 6, 4, 8, 45);
  const TwoLayerParams before = c.net.params;
  numerical_gradient_fast(c.net, c.x, c.t);
  EXPECT_EQ(c.net.params.W1, before.W1);
  EXPECT_EQ(c.net.params.b1, before.b1);
  EXPECT_EQ(c.net.params.W2, before.W2);
  EXPECT_EQ(c.net.params.b2, before.b2);
}

// ---------------------------------------------------------------------------------------
// The training built on your kernels (fast_train.h), against lesson 07's plain step.

// A made-up task with MNIST's zeros: 24 "pixels", about two thirds of them 0 in each
// image; class k inks pixels 8k … 8k + 7 more often. n images, 3 classes.
struct Task {
  Matrix images;
  std::vector<std::size_t> labels;
};
Task three_stripes(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  Task task{Matrix(n, 24), std::vector<std::size_t>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t label = i % 3;
    task.labels[i] = label;
    for (std::size_t p = 0; p < 24; ++p) {
      const bool mine = p / 8 == label;
      if (rng.uniform() < (mine ? 0.8 : 0.15)) task.images(i, p) = 0.2 + 0.8 * rng.uniform();
    }
  }
  return task;
}

SparseSet as_set(const Task& task) { return {to_floats(sparse_rows(task.images)), task.labels}; }

// The rows `indices` of the task: lesson 07's sample_batch, without a Dataset.
Batch rows_of(const Task& task, const std::vector<std::size_t>& indices) {
  std::vector<std::size_t> labels;
  for (const std::size_t i : indices) labels.push_back(task.labels[i]);
  return {gather_rows(task.images, indices), one_hot(labels, 3)};
}

TwoLayerNet small_net() { return TwoLayerNet(24, 5, 3, 0.3, 7); }
constexpr std::size_t kBatch = 6;
constexpr double kLr = 0.5;

// Lesson 07's step, plain: gradient, sgd_step, the loss after the step.
double plain_step(TwoLayerNet& net, const Batch& b, double lr) {
  sgd_step(net.params, net.gradient(b.x, b.t), lr);
  return net.loss(b.x, b.t);
}

// sparse_step, with either product from your kernels, gives lesson 07's step bit for bit:
// the same parameters after 12 steps and the same 12 losses.
TEST(SparseStepTest, EqualsChapter7sStepBitForBit) {
  const Task task = three_stripes(30, 50);
  for (const SparseProducts products :
       {SparseProducts::forward, SparseProducts::forward_and_gradient}) {
    TwoLayerNet plain = small_net(), fast = small_net();
    Rng rng(51);
    for (int step = 0; step < 12; ++step) {
      const Batch b = rows_of(task, choose_batch(rng, 30, kBatch));
      const double want = plain_step(plain, b, kLr);
      ASSERT_EQ(sparse_step(fast, sparse_rows(b.x), b.t, kLr, products), want) << "step " << step;
    }
    EXPECT_EQ(fast.params.W1, plain.params.W1);
    EXPECT_EQ(fast.params.b1, plain.params.b1);
    EXPECT_EQ(fast.params.W2, plain.params.W2);
    EXPECT_EQ(fast.params.b2, plain.params.b2);
  }
}

// The float path after 12 steps of lr 0.5: every loss is ~1, carried in 24 bits (6e-8),
// through ~10^3 roundings a step, and steps carry the differences on without growing
// them much (measured: 3e-7 and 1e-7). A wrong gradient or a missed step misses by 1e-2.
constexpr double kFloatLossTol = 1e-5;
constexpr double kFloatParamTol = 1e-5;

// A run's losses and final parameters, from the same start and the same batches.
struct FastRun {
  std::vector<double> losses;
  TwoLayerParams params;
};
FastRun fast_run(const Task& task, const FastOptions& options, int steps = 12) {
  const SparseSet set = as_set(task);
  FastNet net(small_net().params, kBatch, options);
  Rng rng(51);
  FastRun r;
  SparseFloats x;
  std::vector<std::size_t> labels(kBatch);
  for (int step = 0; step < steps; ++step) {
    const std::vector<std::size_t> indices = choose_batch(rng, task.labels.size(), kBatch);
    gather_rows(set.x, indices, x);
    for (std::size_t k = 0; k < kBatch; ++k) labels[k] = task.labels[indices[k]];
    r.losses.push_back(net.step(x, labels, kLr));
  }
  r.params = net.params();
  return r;
}

// FastNet's steps follow lesson 07's plain steps up to float rounding.
TEST(FastNetTest, FollowsChapter7sStepsUpToFloatRounding) {
  const Task task = three_stripes(30, 52);
  const FastRun fast = fast_run(task, {1, true});
  TwoLayerNet plain = small_net();
  Rng rng(51);
  for (std::size_t step = 0; step < fast.losses.size(); ++step) {
    const double want = plain_step(plain, rows_of(task, choose_batch(rng, 30, kBatch)), kLr);
    EXPECT_NEAR(fast.losses[step], want, kFloatLossTol) << "step " << step;
  }
  EXPECT_LE(max_abs_diff(fast.params.W1, plain.params.W1), kFloatParamTol);
  EXPECT_LE(max_abs_diff(fast.params.b1, plain.params.b1), kFloatParamTol);
  EXPECT_LE(max_abs_diff(fast.params.W2, plain.params.W2), kFloatParamTol);
  EXPECT_LE(max_abs_diff(fast.params.b2, plain.params.b2), kFloatParamTol);
}

// Neither the number of threads nor reusing the buffers changes a bit of any result.
TEST(FastNetTest, ThreadsAndBuffersChangeNoBit) {
  const Task task = three_stripes(30, 53);
  const FastRun one = fast_run(task, {1, true});
  for (const FastOptions& options :
       {FastOptions{2, true}, FastOptions{3, true}, FastOptions{1, false}, FastOptions{2, false}}) {
    const FastRun other = fast_run(task, options);
    EXPECT_EQ(other.losses, one.losses)
        << options.threads << " threads, reuse " << options.reuse_buffers;
    EXPECT_EQ(other.params.W1, one.params.W1) << options.threads << " threads";
    EXPECT_EQ(other.params.W2, one.params.W2) << options.threads << " threads";
  }
}

// FastNet's accuracy is the plain net's on the same parameters (up to a near tie, which
// these well-separated scores do not have), on any number of threads.
TEST(FastNetTest, AccuracyIsThePlainNetsAccuracy) {
  const Task task = three_stripes(300, 54);
  TwoLayerNet net = small_net();
  Rng rng(55);
  for (int step = 0; step < 40; ++step)
    plain_step(net, rows_of(task, choose_batch(rng, 300, 10)), 1.0);
  const double want = net.accuracy(task.images, one_hot(task.labels, 3));
  ASSERT_GT(want, 0.5) << "the net has learnt something to measure";
  std::vector<std::size_t> first(100);
  for (std::size_t k = 0; k < 100; ++k) first[k] = k;
  const Batch part = rows_of(task, first);
  const SparseSet set = as_set(task);
  for (const std::size_t threads : {1u, 2u}) {
    FastNet fast(net.params, kBatch, {threads, true});
    EXPECT_EQ(fast.accuracy(set), want) << threads << " threads";
    EXPECT_EQ(fast.accuracy(set, 100), net.accuracy(part.x, part.t)) << threads << " threads";
  }
}

// train_fast keeps train's log: a loss per iteration, evaluations after each epoch and
// after the last iteration, the observer called in that order, the batch Rng left where
// lesson 07's loop leaves it; and it ends with the net's parameters in double.
TEST(TrainFastTest, KeepsTrainsLogAndObserverOrder) {
  const Task task = three_stripes(30, 56), test = three_stripes(12, 57);
  TwoLayerNet net = small_net();
  TrainConfig config;
  config.batch_size = kBatch;
  config.learning_rate = kLr;
  config.iterations = 10;
  config.iterations_per_epoch = 4;
  std::string calls;
  TrainObserver observer;
  observer.on_iteration = [&](std::size_t i, double) { calls += "i" + std::to_string(i) + " "; };
  observer.on_evaluation = [&](const Evaluation& e) {
    calls += "e" + std::to_string(e.iteration) + " ";
  };
  Rng rng(51);
  const TrainLog log =
      train_fast(net, as_set(task), as_set(test), config, rng, observer, {2, true});
  // Measured on the book's schedule (after updates 1, 5 and 9 with 4 iterations an epoch)
  // and after the last, as lesson 07's train does.
  EXPECT_EQ(calls, "i1 e1 i2 i3 i4 i5 e5 i6 i7 i8 i9 e9 i10 e10 ");
  ASSERT_EQ(log.losses.size(), 10u);
  ASSERT_EQ(log.evaluations.size(), 4u);
  EXPECT_NEAR(log.evaluations[1].mean_loss,
              (log.losses[1] + log.losses[2] + log.losses[3] + log.losses[4]) / 4.0, 1e-15);
  EXPECT_FALSE(log.diverged);
  // The same 10 batches as a plain loop draws, and the same steps up to float rounding.
  Rng plain_rng(51);
  TwoLayerNet plain = small_net();
  for (int i = 0; i < 10; ++i) {
    EXPECT_NEAR(log.losses[i],
                plain_step(plain, rows_of(task, choose_batch(plain_rng, 30, kBatch)), kLr),
                kFloatLossTol)
        << "iteration " << i + 1;
  }
  EXPECT_EQ(rng.below(1000000), plain_rng.below(1000000)) << "the batch Rng moved as in lesson 07";
  EXPECT_LE(max_abs_diff(net.params.W1, plain.params.W1), kFloatParamTol);
}

// A NaN loss stops training at that iteration, marked as diverged, with no evaluation.
TEST(TrainFastTest, StopsAtTheFirstNonFiniteLoss) {
  Task task = three_stripes(30, 58);
  task.images.fill(std::numeric_limits<double>::quiet_NaN());
  TwoLayerNet net = small_net();
  TrainConfig config;
  config.batch_size = kBatch;
  config.iterations = 5;
  Rng rng(51);
  const TrainLog log = train_fast(net, as_set(task), as_set(three_stripes(6, 59)), config, rng);
  EXPECT_TRUE(log.diverged);
  ASSERT_EQ(log.losses.size(), 1u);
  EXPECT_TRUE(std::isnan(log.losses[0]));
  EXPECT_TRUE(log.evaluations.empty());
}

// A bad configuration or a label with no class is refused before any step.
TEST(TrainFastTest, BadConfigurationThrowsBeforeAnyStep) {
  const Task task = three_stripes(30, 60);
  const SparseSet set = as_set(task);
  TwoLayerNet net = small_net();
  const TwoLayerParams before = net.params;
  Rng rng(51);
  TrainConfig config;
  config.batch_size = 31;
  EXPECT_THROW(train_fast(net, set, set, config, rng), std::invalid_argument);
  config.batch_size = 0;
  EXPECT_THROW(train_fast(net, set, set, config, rng), std::invalid_argument);
  config.batch_size = kBatch;
  config.iterations = 0;
  EXPECT_THROW(train_fast(net, set, set, config, rng), std::invalid_argument);
  config.iterations = 3;
  config.learning_rate = 0.0;
  EXPECT_THROW(train_fast(net, set, set, config, rng), std::invalid_argument);
  config.learning_rate = kLr;
  SparseSet mislabelled = set;
  mislabelled.labels[4] = 3;
  EXPECT_THROW(train_fast(net, mislabelled, set, config, rng), std::invalid_argument);
  EXPECT_EQ(net.params.W1, before.W1);
}

// On real MNIST (the 10,000 test images, when make data has run): the sparse set holds
// every nonzero pixel of lesson 07's batches, and sparse_correct counts what the plain
// accuracy counts.
TEST(SparseSetMnistTest, HoldsChapter7sPixelsAndGivesItsAccuracy) {
  if (!std::filesystem::exists("data/mnist/t10k-images-idx3-ubyte")) {
    GTEST_SKIP() << "run make data (data/mnist not found; tests run from the repository root)";
  }
  const Dataset data =
      load_mnist_pair("data/mnist/t10k-images-idx3-ubyte", "data/mnist/t10k-labels-idx1-ubyte");
  const SparseSet set = sparse_set(data, 10);
  ASSERT_EQ(set.x.rows, 10000u);
  ASSERT_EQ(set.x.cols, 784u);
  const Batch some = sample_batch(data, {0, 1234, 9999}, 10);
  for (std::size_t k = 0; k < 3; ++k) {
    const std::size_t i = std::vector<std::size_t>{0, 1234, 9999}[k];
    std::vector<float> row(784, 0.0f);
    for (std::size_t e = set.x.row_start[i]; e < set.x.row_start[i + 1]; ++e)
      row[set.x.column[e]] = set.x.value[e];
    for (std::size_t p = 0; p < 784; ++p)
      ASSERT_EQ(row[p], static_cast<float>(some.x(k, p))) << "image " << i;
  }
  const TwoLayerNet net(784, 10, 10, 0.01, 42);
  std::vector<std::size_t> first(500);
  for (std::size_t k = 0; k < 500; ++k) first[k] = k;
  const Batch b = sample_batch(data, first, 10);
  const std::vector<std::size_t> labels(data.labels.begin(), data.labels.begin() + 500);
  EXPECT_EQ(static_cast<double>(sparse_correct(net, sparse_rows(b.x), labels)) / 500.0,
            net.accuracy(b.x, b.t));
}

// ---------------------------------------------------------------------------------------
// Given code.

// gather_rows picks rows in the order asked, repeats included, as sample_batch does.
TEST(GatherRowsProvidedTest, PicksRowsInOrderWithRepeats) {
  SparseRows out;
  gather_rows(two_rows(), {1, 0, 1}, out);
  EXPECT_EQ(dense(out), (Matrix{{1, 0, 3}, {0, 2, 0}, {1, 0, 3}}));
  EXPECT_THROW(gather_rows(two_rows(), {0, 2}, out), std::out_of_range);
}

// copy_rows copies a contiguous slice; transpose_rows is the plain transpose.
TEST(GatherRowsProvidedTest, CopyRowsAndTransposeRows) {
  SparseRows out;
  copy_rows(two_rows(), 1, 2, out);
  EXPECT_EQ(dense(out), (Matrix{{1, 0, 3}}));
  EXPECT_THROW(copy_rows(two_rows(), 1, 3, out), std::out_of_range);
  EXPECT_EQ(dense(transpose_rows(two_rows())), (Matrix{{0, 1}, {2, 0}, {0, 3}}));
  EXPECT_EQ(to_floats(two_rows()).value, (std::vector<float>{2, 1, 3}));
}

// Rows are padded with zeros to a whole tile (64 floats) and start on 64-byte boundaries.
TEST(PaddedRowsProvidedTest, LayoutAndRoundTrip) {
  const Matrix m = {{0.5, -1.25, 3.0}, {2.0, 0.0, -0.75}};
  const PaddedRows p = PaddedRows::from_matrix(m);
  EXPECT_EQ(p.stride(), kTileFloats);
  EXPECT_EQ(p.tiles(), 1u);
  EXPECT_EQ(PaddedRows(1, 65).stride(), 2 * kTileFloats);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p.row(i)) % 64, 0u) << "row " << i;
    for (std::size_t j = 3; j < p.stride(); ++j) EXPECT_EQ(p.row(i)[j], 0.0f);
  }
  EXPECT_EQ(p.matrix(), m);
}

// The distance between two floats in units in the last place.
double ulps_apart(float a, float b) {
  return std::fabs(static_cast<double>(static_cast<std::int32_t>(std::bit_cast<std::uint32_t>(a)) -
                                       static_cast<std::int32_t>(std::bit_cast<std::uint32_t>(b))));
}

// exp_lanes is within 2 units in the last place of the correctly rounded e^x over
// [−87, 88], where sigmoid and softmax use it.
TEST(ExpLanesProvidedTest, WithinTwoUlps) {
  constexpr double kMaxUlps = 2.0;  // Taylor tail (< 6e-9) plus the roundings of Horner's rule
  Rng rng(61);
  double worst = 0.0;
  for (int block = 0; block < 4000; ++block) {
    Lanes x;
    for (std::size_t l = 0; l < kLanes; ++l) {
      x[l] =
          static_cast<float>(block % 2 == 0 ? 4.0 * rng.normal() : -87.0 + 175.0 * rng.uniform());
    }
    const Lanes e = exp_lanes(x);
    for (std::size_t l = 0; l < kLanes; ++l) {
      worst = std::max(worst,
                       ulps_apart(e[l], static_cast<float>(std::exp(static_cast<double>(x[l])))));
    }
  }
  EXPECT_LE(worst, kMaxUlps);
}

// e^0 = 1 exactly; beyond the range it saturates instead of overflowing; NaN stays NaN.
TEST(ExpLanesProvidedTest, SpecialValues) {
  Lanes x = {0.0f, -0.0f, -1000.0f, 1000.0f, std::numeric_limits<float>::quiet_NaN(), 1.0f};
  const Lanes e = exp_lanes(x);
  EXPECT_EQ(e[0], 1.0f);
  EXPECT_EQ(e[1], 1.0f);
  EXPECT_GT(e[2], 0.0f);
  EXPECT_LT(e[2], 1e-37f);
  EXPECT_TRUE(std::isfinite(e[3]));
  EXPECT_GT(e[3], 1e38f);
  EXPECT_TRUE(std::isnan(e[4]));
  EXPECT_LE(ulps_apart(e[5], static_cast<float>(std::exp(1.0))), 2.0);
}

// fused_multiply_add rounds once: 1 + 2^-24 squared, minus 1, keeps the 2^-48 that a
// separate multiply would round away.
TEST(FusedMultiplyAddProvidedTest, RoundsOnce) {
  const float a = 1.0f + 0x1p-23f;
  const Lanes r = fused_multiply_add(a, Lanes{} + a, Lanes{} - 1.0f);
  EXPECT_EQ(r[0], 0x1p-22f + 0x1p-46f);
  EXPECT_EQ(r[15], r[0]);
}

// The fast numerical gradient's helpers: exp_small is e^u to the last bit or so; the
// nudges are those lesson 02 makes, rounding included.
TEST(NudgeProvidedTest, ExpSmallAndNudges) {
  for (const double u : {0.0, 1e-4, -3e-4, 9e-4, 0.5, -2.0})
    EXPECT_NEAR(exp_small(u), std::exp(u), 4e-16);
  const Nudge n = nudges(0.3);
  EXPECT_EQ(n.up, (0.3 + 1e-4) - 0.3);
  EXPECT_EQ(n.down, (0.3 - 1e-4) - 0.3);
}

// for_rows covers every row exactly once, with 1, 2 or 3 threads, even with fewer rows
// than threads.
TEST(WorkersProvidedTest, CoversEveryRowOnce) {
  for (const std::size_t threads : {1u, 2u, 3u}) {
    Workers workers(threads);
    for (const std::size_t n : {0u, 1u, 2u, 7u, 100u}) {
      std::vector<std::atomic<int>> seen(n);
      workers.for_rows(n, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) ++seen[i];
      });
      for (std::size_t i = 0; i < n; ++i)
        EXPECT_EQ(seen[i].load(), 1) << threads << " threads, row " << i;
    }
  }
}

// for_parts numbers the parts in order; an exception in any part reaches the caller after
// every part has finished, and the workers can be used again afterwards.
TEST(WorkersProvidedTest, PartsAndExceptions) {
  Workers workers(2);
  std::vector<std::size_t> part_of(10, 99);
  workers.for_parts(10, [&](std::size_t part, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) part_of[i] = part;
  });
  EXPECT_EQ(part_of, (std::vector<std::size_t>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1}));
  for (const std::size_t bad : {0u, 1u}) {
    std::atomic<int> finished{0};
    EXPECT_THROW(workers.for_parts(2,
                                   [&](std::size_t part, std::size_t, std::size_t) {
                                     if (part == bad) throw std::runtime_error("bad part");
                                     ++finished;
                                   }),
                 std::runtime_error);
    EXPECT_EQ(finished.load(), 1) << "part " << bad;
  }
  std::atomic<int> ran{0};
  workers.for_parts(2, [&](std::size_t, std::size_t, std::size_t) { ++ran; });
  EXPECT_EQ(ran.load(), 2);
}

// Times and ratios print with 3 significant digits in a unit that keeps them readable;
// tables line up, counting "µ" and "×" as one column each.
TEST(MeasureProvidedTest, DurationsRatiosAndTables) {
  EXPECT_EQ(duration(2.5e-7), "250 ns");
  EXPECT_EQ(duration(1.25e-5), "12.5 µs");
  EXPECT_EQ(duration(0.00124), "1.24 ms");
  EXPECT_EQ(duration(3.514), "3.51 s");
  EXPECT_EQ(times(4.66), "4.7×");
  EXPECT_EQ(times(148.2), "148×");
  Table t({"idea", "time"});
  t.add({"plain", "1.20 ms"});
  t.add({"fast", "12.5 µs"});
  EXPECT_EQ(t.text("> "), "> idea      time\n> plain  1.20 ms\n> fast   12.5 µs\n");
}

}  // namespace
