// tests/common_fast_test.cpp: the fast kernels of common/fast.h against the plain Matrix
// operations they replace. They must agree bit for bit: each kernel adds the same terms
// in the same order, leaving out only terms that are exactly zero.
#include "common/fast.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

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

// x·W with zeros skipped equals matmul(x, W) bit for bit, at the training's shapes:
// the skipped terms are ±0 and the others are added in the same order.
TEST(SparseMatmulTest, ForwardMatchesMatmulBitForBit) {
  const Matrix x = sparse_random(100, 784, 0.81, 4);  // a batch, 81% zeros
  const Matrix w = dense_random(784, 50, 5);          // W1
  Matrix out;
  sparse_matmul_into(sparse_rows(x), w, out);
  ASSERT_EQ(out.rows(), 100u);
  ASSERT_EQ(out.cols(), 50u);
  EXPECT_EQ(out, matmul(x, w));
}

// xᵀ·δ through the sparse transpose equals matmul(transpose(x), δ) bit for bit.
TEST(SparseMatmulTest, GradientMatchesTransposeMatmulBitForBit) {
  const Matrix x = sparse_random(100, 784, 0.81, 6);
  const Matrix delta = dense_random(100, 50, 7);
  SparseRows xT;
  transpose_into(sparse_rows(x), xT);
  Matrix out;
  sparse_matmul_into(xT, delta, out);
  EXPECT_EQ(out, matmul(transpose(x), delta));
}

// Every output width, from 1 column to several register blocks and a remainder: the
// blocked kernel picks its blocks by width, and each choice must add the same terms.
TEST(SparseMatmulTest, EveryOutputWidthMatchesMatmulBitForBit) {
  const Matrix x = sparse_random(7, 30, 0.6, 20);
  const SparseRows xs = sparse_rows(x);
  for (std::size_t m = 1; m <= 70; ++m) {
    const Matrix w = dense_random(30, m, 100 + m);
    Matrix out;
    sparse_matmul_into(xs, w, out);
    ASSERT_EQ(out.rows(), 7u);
    ASSERT_EQ(out.cols(), m);
    EXPECT_EQ(out, matmul(x, w)) << "with " << m << " columns";
  }
}

// Computing the rows in two ranges, in either order, gives the same matrix as one call.
TEST(SparseMatmulTest, RowRangesComposeExactly) {
  const Matrix x = sparse_random(9, 20, 0.5, 8);
  const Matrix w = dense_random(20, 4, 9);
  const SparseRows xs = sparse_rows(x);
  Matrix whole(9, 4), parts(9, 4);
  sparse_matmul_rows(xs, w, whole, 0, 9);
  sparse_matmul_rows(xs, w, parts, 5, 9);
  sparse_matmul_rows(xs, w, parts, 0, 5);
  EXPECT_EQ(parts, whole);
}

// A shape mismatch names both shapes.
TEST(SparseMatmulTest, ShapeMismatchThrows) {
  Matrix out;
  EXPECT_THROW(sparse_matmul_into(sparse_rows(Matrix(2, 3)), Matrix(4, 1), out),
               std::invalid_argument);
}

// The dense *_into products equal their plain counterparts bit for bit.
TEST(MatmulIntoTest, MatchesMatmul) {
  const Matrix a = dense_random(100, 50, 10), b = dense_random(50, 10, 11);
  Matrix out(3, 3);  // wrong shape on purpose: it is resized
  matmul_into(a, b, out);
  EXPECT_EQ(out, matmul(a, b));
}

TEST(MatmulIntoTest, TransposedLeftMatchesMatmulOfTranspose) {
  const Matrix a = dense_random(100, 50, 12), b = dense_random(100, 10, 13);
  Matrix out;
  transposed_matmul_into(a, b, out);
  EXPECT_EQ(out, matmul(transpose(a), b));
}

TEST(MatmulIntoTest, TransposedRightMatchesMatmulWithTranspose) {
  const Matrix a = dense_random(100, 10, 14), b = dense_random(50, 10, 15);
  Matrix out;
  matmul_transposed_into(a, b, out);
  EXPECT_EQ(out, matmul(a, transpose(b)));
}

// Reusing an output of the right shape keeps its storage: no allocation in a loop.
TEST(MatmulIntoTest, ReusesStorageOfRightShape) {
  const Matrix a = dense_random(4, 3, 16), b = dense_random(3, 2, 17);
  Matrix out(4, 2);
  const double* before = out.data();
  matmul_into(a, b, out);
  EXPECT_EQ(out.data(), before);
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
      for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(seen[i].load(), 1) << threads << " threads, row " << i;
    }
  }
}

// The product shared out over two threads equals the one-thread product bit for bit.
TEST(WorkersTest, ThreadCountDoesNotChangeResults) {
  const Matrix x = sparse_random(100, 784, 0.81, 18);
  const Matrix w = dense_random(784, 50, 19);
  const SparseRows xs = sparse_rows(x);
  Matrix one(100, 50), two(100, 50);
  Workers single(1), pair(2);
  single.for_rows(100, [&](std::size_t b, std::size_t e) { sparse_matmul_rows(xs, w, one, b, e); });
  pair.for_rows(100, [&](std::size_t b, std::size_t e) { sparse_matmul_rows(xs, w, two, b, e); });
  EXPECT_EQ(one, two);
}

}  // namespace
