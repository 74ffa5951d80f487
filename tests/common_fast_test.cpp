// tests/common_fast_test.cpp: the fast kernels of common/fast.h against the plain Matrix
// operations they replace. The products must agree bit for bit: each adds the same terms
// in the same order, leaving out only terms that are exactly zero. exp_in_place must be
// within 2 units in the last place of std::exp.
#include <gtest/gtest.h>

#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/fast.h"
#include "common/random.h"

namespace {

// A (rows, cols) matrix of N(0,1) draws with about `zero_share` of its entries set to 0,
// like an MNIST batch (81% zero pixels). Negative values too, so that 0·w = −0 occurs.
Matrix sparse_random(std::size_t rows, std::size_t cols, double zero_share, std::uint64_t seed) {
  Rng rng(seed);
  Matrix m(rows, cols);
  for (std::size_t k = 0; k < m.size(); ++k) {
    const double v = rng.normal();
    m.data()[k] = rng.uniform() < zero_share ? 0.0 : v;
  }
  return m;
}

Matrix dense_random(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  return sparse_random(rows, cols, 0.0, seed);
}

// The nonzero entries are listed row by row, columns increasing, and nothing else.
TEST(SparseRowsTest, ListsNonzerosRowByRow) {
  const Matrix a = {{0, 2, 0}, {1, 0, 3}};
  const SparseRows s = sparse_rows(a);
  ASSERT_EQ(s.rows, 2u);
  ASSERT_EQ(s.cols, 3u);
  ASSERT_EQ(s.nonzeros(), 3u);
  EXPECT_EQ(s.row_start, (std::vector<std::size_t>{0, 1, 3}));
  EXPECT_EQ(s.column, (std::vector<std::uint32_t>{1, 0, 2}));
  EXPECT_EQ(s.value, (std::vector<double>{2, 1, 3}));
}

// dense(sparse_rows(a)) gives a back exactly, zero rows and all.
TEST(SparseRowsTest, DenseRoundTripIsExact) {
  Matrix a = sparse_random(7, 11, 0.8, 1);
  for (std::size_t j = 0; j < 11; ++j) a(3, j) = 0.0;  // an all-zero row
  EXPECT_EQ(dense(sparse_rows(a)), a);
}

// gather_rows_into picks rows in the order asked, repeats included, as sample_batch does.
TEST(GatherRowsTest, PicksRowsInOrderWithRepeats) {
  const Matrix a = sparse_random(6, 9, 0.7, 2);
  const std::vector<std::size_t> indices = {4, 0, 4, 5};
  SparseRows out;
  gather_rows_into(sparse_rows(a), indices, out);
  const Matrix got = dense(out);
  ASSERT_EQ(got.rows(), 4u);
  ASSERT_EQ(got.cols(), 9u);
  for (std::size_t k = 0; k < indices.size(); ++k)
    for (std::size_t j = 0; j < 9; ++j) EXPECT_EQ(got(k, j), a(indices[k], j));
}

// An index past the last row throws instead of reading another row's memory.
TEST(GatherRowsTest, IndexOutsideThrows) {
  SparseRows out;
  EXPECT_THROW(gather_rows_into(sparse_rows(Matrix(3, 2)), {0, 3}, out), std::out_of_range);
}

// The sparse transpose is the plain transpose.
TEST(SparseTransposeTest, MatchesTranspose) {
  const Matrix a = sparse_random(10, 13, 0.8, 3);
  SparseRows t;
  transpose_into(sparse_rows(a), t);
  EXPECT_EQ(dense(t), transpose(a));
}

// rows_into copies a contiguous slice, as gather_rows_into of its indices does.
TEST(GatherRowsTest, RowsIntoCopiesASlice) {
  const Matrix a = sparse_random(10, 6, 0.5, 22);
  SparseRows out;
  rows_into(sparse_rows(a), 3, 7, out);
  const Matrix got = dense(out);
  ASSERT_EQ(got.rows(), 4u);
  for (std::size_t k = 0; k < 4; ++k)
    for (std::size_t j = 0; j < 6; ++j) EXPECT_EQ(got(k, j), a(3 + k, j));
  EXPECT_THROW(rows_into(sparse_rows(a), 7, 11, out), std::out_of_range);
}

// Rows are padded with zeros to a multiple of 8 and start on 64-byte boundaries; the
// values survive the round trip through a Matrix.
TEST(PaddedRowsTest, LayoutAndRoundTrip) {
  const Matrix m = dense_random(5, 50, 23);
  const PaddedRows p = PaddedRows::from_matrix(m);
  ASSERT_EQ(p.rows(), 5u);
  ASSERT_EQ(p.cols(), 50u);
  EXPECT_EQ(p.stride(), 56u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p.row(i)) % 64, 0u) << "row " << i;
    for (std::size_t j = 50; j < 56; ++j) EXPECT_EQ(p.row(i)[j], 0.0) << "padding of row " << i;
  }
  EXPECT_EQ(p.matrix(), m);
  EXPECT_EQ(PaddedRows(3, 8).stride(), 8u);
  EXPECT_EQ(PaddedRows(3, 1).stride(), 8u);
}

// assign needs the table's own shape, and says how to get one.
TEST(PaddedRowsTest, AssignShapeMismatchThrows) {
  PaddedRows p(2, 3);
  EXPECT_THROW(p.assign(Matrix(3, 2)), std::invalid_argument);
}

// x·W with zeros skipped equals matmul(x, W) bit for bit, at the training's shapes:
// the skipped terms are ±0 and the others are added in the same order.
TEST(SparseTimesTest, ForwardMatchesMatmulBitForBit) {
  const Matrix x = sparse_random(100, 784, 0.81, 4);  // a batch, 81% zeros
  const Matrix w = dense_random(784, 50, 5);          // W1
  PaddedRows out(100, 50);
  std::vector<std::size_t> cursor(100);
  sparse_times_rows(sparse_rows(x), PaddedRows::from_matrix(w), out, 0, 100, cursor);
  EXPECT_EQ(out.matrix(), matmul(x, w));
}

// xᵀ·δ without forming xᵀ equals matmul(transpose(x), δ) bit for bit.
TEST(SparseTimesTest, GradientMatchesTransposeMatmulBitForBit) {
  const Matrix x = sparse_random(100, 784, 0.81, 6);
  const Matrix delta = dense_random(100, 50, 7);
  PaddedRows g(784, 50);
  std::vector<std::size_t> cursor(100);
  sparse_transposed_times_rows(sparse_rows(x), PaddedRows::from_matrix(delta), g, 0, 784, cursor);
  EXPECT_EQ(g.matrix(), matmul(transpose(x), delta));
}

// Every output width, from 1 column to more than 8 Lanes: the kernels are compiled for
// each count of Lanes, and wider rows go 8 Lanes at a time; each must add the same terms.
TEST(SparseTimesTest, EveryWidthMatchesMatmulBitForBit) {
  const Matrix x = sparse_random(7, 30, 0.6, 20);
  const SparseRows xs = sparse_rows(x);
  std::vector<std::size_t> cursor(7);
  for (std::size_t m = 1; m <= 140; m += (m < 70 ? 1 : 13)) {
    const Matrix w = dense_random(30, m, 100 + m);
    PaddedRows out(7, m);
    sparse_times_rows(xs, PaddedRows::from_matrix(w), out, 0, 7, cursor);
    EXPECT_EQ(out.matrix(), matmul(x, w)) << "x·w with " << m << " columns";
    const Matrix d = dense_random(7, m, 300 + m);
    PaddedRows g(30, m);
    sparse_transposed_times_rows(xs, PaddedRows::from_matrix(d), g, 0, 30, cursor);
    EXPECT_EQ(g.matrix(), matmul(transpose(x), d)) << "xᵀ·d with " << m << " columns";
  }
}

// Computing the rows in two ranges, in either order, gives the same result as one call:
// rows of x·W for the forward pass, pixels (rows of xᵀ·δ) for the gradient. With more
// pixels than one cache block (784), the ranges cut blocks in the middle.
TEST(SparseTimesTest, RowRangesComposeExactly) {
  const Matrix x = sparse_random(9, 784, 0.5, 8);
  const SparseRows xs = sparse_rows(x);
  const PaddedRows w = PaddedRows::from_matrix(dense_random(784, 12, 9));
  std::vector<std::size_t> cursor(9);
  PaddedRows whole(9, 12), parts(9, 12);
  sparse_times_rows(xs, w, whole, 0, 9, cursor);
  sparse_times_rows(xs, w, parts, 5, 9, cursor);
  sparse_times_rows(xs, w, parts, 0, 5, cursor);
  EXPECT_EQ(parts.matrix(), whole.matrix());
  const PaddedRows d = PaddedRows::from_matrix(dense_random(9, 12, 10));
  PaddedRows g_whole(784, 12), g_parts(784, 12);
  sparse_transposed_times_rows(xs, d, g_whole, 0, 784, cursor);
  sparse_transposed_times_rows(xs, d, g_parts, 333, 784, cursor);
  sparse_transposed_times_rows(xs, d, g_parts, 0, 333, cursor);
  EXPECT_EQ(g_parts.matrix(), g_whole.matrix());
}

// Both kernels overwrite their rows of the output, whatever was there (the training loop
// reuses its buffers): a buffer full of old numbers gives the same result as a fresh one.
TEST(SparseTimesTest, OverwriteWhatTheOutputHeld) {
  const Matrix x = sparse_random(6, 784, 0.7, 25);
  const SparseRows xs = sparse_rows(x);
  const Matrix w = dense_random(784, 9, 26), d = dense_random(6, 9, 27);
  PaddedRows out = PaddedRows::from_matrix(dense_random(6, 9, 28));
  PaddedRows g = PaddedRows::from_matrix(dense_random(784, 9, 29));
  std::vector<std::size_t> cursor(6);
  sparse_times_rows(xs, PaddedRows::from_matrix(w), out, 0, 6, cursor);
  sparse_transposed_times_rows(xs, PaddedRows::from_matrix(d), g, 0, 784, cursor);
  EXPECT_EQ(out.matrix(), matmul(x, w));
  EXPECT_EQ(g.matrix(), matmul(transpose(x), d));
}

// out may have more rows than x (a chunk buffer reused for a shorter last chunk).
TEST(SparseTimesTest, OutMayHaveMoreRowsThanX) {
  const Matrix x = sparse_random(3, 20, 0.5, 11);
  const Matrix w = dense_random(20, 5, 12);
  PaddedRows out(8, 5);
  std::vector<std::size_t> cursor(8);
  sparse_times_rows(sparse_rows(x), PaddedRows::from_matrix(w), out, 0, 3, cursor);
  const Matrix got = out.matrix(), want = matmul(x, w);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 5; ++j) EXPECT_EQ(got(i, j), want(i, j));
}

// A shape mismatch names both shapes; a cursor too short is refused too.
TEST(SparseTimesTest, ShapeMismatchThrows) {
  const SparseRows x = sparse_rows(Matrix(2, 3));
  std::vector<std::size_t> cursor(2), short_cursor(1);
  PaddedRows out(2, 1), g(3, 1);
  try {
    sparse_times_rows(x, PaddedRows(4, 1), out, 0, 2, cursor);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("(2x3)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(4x1)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(sparse_times_rows(x, PaddedRows(3, 1), out, 0, 2, short_cursor),
               std::invalid_argument);
  EXPECT_THROW(sparse_times_rows(x, PaddedRows(3, 1), out, 1, 3, cursor), std::invalid_argument);
  EXPECT_THROW(sparse_transposed_times_rows(x, PaddedRows(3, 1), g, 0, 3, cursor),
               std::invalid_argument);
  EXPECT_THROW(sparse_transposed_times_rows(x, PaddedRows(2, 1), g, 0, 3, short_cursor),
               std::invalid_argument);
}

// sparse_columns keeps only the entries of its columns, in the same (rows, cols) shape:
// the parts of a split add up to the whole.
TEST(SparseRowsTest, ColumnsKeepOnlyTheirEntries) {
  const Matrix a = sparse_random(5, 11, 0.4, 30);
  Workers two(2);
  const SparseRows left = sparse_columns(a, 0, 4, two), right = sparse_columns(a, 4, 11, two);
  ASSERT_EQ(left.rows, 5u);
  ASSERT_EQ(left.cols, 11u);
  EXPECT_EQ(dense(left) + dense(right), a);
  for (const std::uint32_t c : left.column) EXPECT_LT(c, 4u);
  for (const std::uint32_t c : right.column) EXPECT_GE(c, 4u);
  EXPECT_EQ(left.nonzeros() + right.nonzeros(), sparse_rows(a).nonzeros());
  EXPECT_EQ(dense(sparse_columns(a, 0, 11, two)), a);
  EXPECT_THROW(sparse_columns(a, 5, 4, two), std::invalid_argument);
  EXPECT_THROW(sparse_columns(a, 0, 12, two), std::invalid_argument);
}

// The dense product equals matmul bit for bit at every width (1 column to more than 8
// Lanes) and for every row count, whole groups of rows done together or not.
TEST(DenseTimesTest, EveryWidthAndRowCountMatchesMatmulBitForBit) {
  for (std::size_t n = 1; n <= 9; ++n) {
    for (std::size_t m = 1; m <= 140; m += (m < 70 ? 1 : 13)) {
      const Matrix a = sparse_random(n, 23, 0.3, 40 + n), w = dense_random(23, m, 200 + m);
      PaddedRows out(n, m);
      dense_times_rows(PaddedRows::from_matrix(a), PaddedRows::from_matrix(w), out, 0, n);
      EXPECT_EQ(out.matrix(), matmul(a, w)) << n << " rows, " << m << " columns";
    }
  }
}

// A row range writes those rows only, whatever the output held before; the two halves of
// a split give the whole product.
TEST(DenseTimesTest, RowRangesOverwriteOnlyTheirRows) {
  const Matrix a = dense_random(10, 50, 50), w = dense_random(50, 10, 51);
  const PaddedRows pa = PaddedRows::from_matrix(a), pw = PaddedRows::from_matrix(w);
  PaddedRows out = PaddedRows::from_matrix(dense_random(12, 10, 52));
  const Matrix before = out.matrix();
  dense_times_rows(pa, pw, out, 7, 10);
  dense_times_rows(pa, pw, out, 0, 7);
  const Matrix got = out.matrix(), want = matmul(a, w);
  for (std::size_t i = 0; i < 12; ++i)
    for (std::size_t j = 0; j < 10; ++j) EXPECT_EQ(got(i, j), i < 10 ? want(i, j) : before(i, j));
}

// A shape mismatch names both shapes; rows past the end of a or out are refused.
TEST(DenseTimesTest, ShapeMismatchThrows) {
  PaddedRows out(3, 4);
  try {
    dense_times_rows(PaddedRows(3, 5), PaddedRows(6, 4), out, 0, 3);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("(3x5)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(6x4)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(dense_times_rows(PaddedRows(3, 5), PaddedRows(5, 3), out, 0, 3),
               std::invalid_argument);
  EXPECT_THROW(dense_times_rows(PaddedRows(2, 5), PaddedRows(5, 4), out, 0, 3),
               std::invalid_argument);
  EXPECT_THROW(dense_times_rows(PaddedRows(3, 5), PaddedRows(5, 4), out, 2, 1),
               std::invalid_argument);
}

// The distance between two doubles in units in the last place: how many representable
// numbers lie between them (same sign assumed).
double ulps_apart(double a, double b) {
  const auto ia = static_cast<std::int64_t>(std::bit_cast<std::uint64_t>(a));
  const auto ib = static_cast<std::int64_t>(std::bit_cast<std::uint64_t>(b));
  return std::abs(static_cast<double>(ia - ib));
}

// exp_in_place is within 2 units in the last place of std::exp (measured: 1) over the whole
// range where e^x is a normal double, both often-used values near 0 and huge ones.
TEST(ExpInPlaceTest, WithinTwoUlpsOfStdExp) {
  constexpr double kMaxUlps = 2.0;  // the Taylor tail (< 6e-18) plus a few roundings
  Rng rng(24);
  std::vector<double> x(200000);
  for (std::size_t k = 0; k < x.size(); ++k) {
    x[k] = k % 2 == 0 ? 8.0 * rng.normal() : -708.0 + 1417.0 * rng.uniform();
  }
  std::vector<double> e = x;
  exp_in_place(e.data(), e.size());
  double worst = 0.0;
  for (std::size_t k = 0; k < x.size(); ++k)
    worst = std::max(worst, ulps_apart(e[k], std::exp(x[k])));
  EXPECT_LE(worst, kMaxUlps);
}

// Where it matters for sigmoid and softmax: e^0 = 1 exactly; e^−∞ = 0 and e^∞ = ∞;
// overflow gives ∞, underflow 0 or a subnormal as std::exp does; NaN stays NaN.
TEST(ExpInPlaceTest, SpecialValues) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> v = {0.0, -0.0, -inf, inf, 710.0, -745.0, -800.0, 709.0, -708.0, 1.0};
  const std::vector<double> x = v;
  exp_in_place(v.data(), v.size());
  EXPECT_EQ(v[0], 1.0);
  EXPECT_EQ(v[1], 1.0);
  EXPECT_EQ(v[2], 0.0);
  EXPECT_EQ(v[3], inf);
  EXPECT_EQ(v[4], inf);
  EXPECT_EQ(v[5], std::exp(-745.0));  // the smallest subnormal
  EXPECT_EQ(v[6], 0.0);
  EXPECT_LE(ulps_apart(v[7], std::exp(709.0)), 2.0);
  EXPECT_LE(ulps_apart(v[8], std::exp(-708.0)), 2.0);
  EXPECT_LE(ulps_apart(v[9], std::exp(1.0)), 2.0);
  std::vector<double> nan = {std::numeric_limits<double>::quiet_NaN(), 1.0};
  exp_in_place(nan.data(), nan.size());
  EXPECT_TRUE(std::isnan(nan[0]));
  EXPECT_LE(ulps_apart(nan[1], std::exp(1.0)), 2.0);  // a far value elsewhere changes nothing
}

// for_rows covers every row exactly once, with 1, 2 or 3 threads, even with fewer rows
// than threads.
TEST(WorkersTest, CoversEveryRowOnce) {
  for (std::size_t threads : {1u, 2u, 3u}) {
    Workers workers(threads);
    for (std::size_t n : {0u, 1u, 2u, 7u, 100u}) {
      std::vector<std::atomic<int>> seen(n);
      workers.for_rows(n, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) ++seen[i];
      });
      for (std::size_t i = 0; i < n; ++i)
        EXPECT_EQ(seen[i].load(), 1) << threads << " threads, row " << i;
    }
  }
}

// for_parts tells each range its part number, 0 … count() − 1, in order.
TEST(WorkersTest, ForPartsNumbersTheParts) {
  Workers workers(2);
  std::vector<std::size_t> part_of(10, 99);
  workers.for_parts(10, [&](std::size_t part, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) part_of[i] = part;
  });
  EXPECT_EQ(part_of, (std::vector<std::size_t>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1}));
}

// An exception in any part, on the calling thread or a helper, reaches the caller after
// every part has finished (the lowest part's if several throw), and the workers can be
// used again afterwards.
TEST(WorkersTest, ExceptionInAnyPartReachesTheCaller) {
  Workers workers(3);
  for (const std::size_t bad : {0u, 1u, 2u}) {
    std::atomic<int> finished{0};
    try {
      workers.for_parts(3, [&](std::size_t part, std::size_t, std::size_t) {
        if (part == bad) throw std::runtime_error("part " + std::to_string(part));
        ++finished;
      });
      ADD_FAILURE() << "no exception from part " << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), "part " + std::to_string(bad));
    }
    EXPECT_EQ(finished.load(), 2) << "part " << bad;
  }
  try {
    workers.for_parts(3, [](std::size_t part, std::size_t, std::size_t) {
      if (part > 0) throw std::runtime_error("part " + std::to_string(part));
    });
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "part 1");
  }
  std::atomic<int> ran{0};
  workers.for_parts(3, [&](std::size_t, std::size_t, std::size_t) { ++ran; });
  EXPECT_EQ(ran.load(), 3);
}

// The product shared out over two threads equals the one-thread product bit for bit.
TEST(WorkersTest, ThreadCountDoesNotChangeResults) {
  const SparseRows xs = sparse_rows(sparse_random(100, 784, 0.81, 18));
  const PaddedRows w = PaddedRows::from_matrix(dense_random(784, 50, 19));
  PaddedRows one(100, 50), two(100, 50);
  std::vector<std::size_t> cursor(100);
  Workers single(1), pair(2);
  single.for_rows(
      100, [&](std::size_t b, std::size_t e) { sparse_times_rows(xs, w, one, b, e, cursor); });
  pair.for_rows(100,
                [&](std::size_t b, std::size_t e) { sparse_times_rows(xs, w, two, b, e, cursor); });
  EXPECT_EQ(one.matrix(), two.matrix());
}

}  // namespace
