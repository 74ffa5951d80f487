// tests/common_matrix_test.cpp: the Matrix type every chapter computes with.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/matrix.h"
#include "common/parallel.h"
#include "common/random.h"
#include "tests/support/expect.h"

namespace {

// Sums and products of small integers and halves are exact in double.
constexpr double kExactTol = 0.0;

// A new matrix is zero-filled with the asked shape.
TEST(MatrixTest, NewMatrixIsZeroFilled) {
  const Matrix a(2, 3);
  ASSERT_EQ(a.rows(), 2u);
  ASSERT_EQ(a.cols(), 3u);
  ASSERT_EQ(a.size(), 6u);
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 3; ++j) EXPECT_EQ(a(i, j), 0.0);
}

// Rows of values land row-major: (i, j) is data()[i * cols + j].
TEST(MatrixTest, RowsOfValuesAreRowMajor) {
  const Matrix a = {{1, 2, 3}, {4, 5, 6}};
  EXPECT_EQ(a(1, 0), 4.0);
  EXPECT_EQ(a(0, 2), 3.0);
  EXPECT_EQ(a.data()[1 * 3 + 2], 6.0);
  EXPECT_EQ(a.shape(), "(2x3)");
}

// Ragged rows are refused, naming the row that differs.
TEST(MatrixTest, RaggedRowsThrow) {
  const std::string message = invalid_argument_message([] { Matrix a = {{1, 2}, {3}}; });
  EXPECT_TRUE(mentions(message, "row 1 has 1")) << message;
}

// The checked build catches an index outside the matrix and names it.
TEST(MatrixTest, CheckedBuildCatchesOutOfRange) {
#ifdef MATRIX_CHECKED
  Matrix a(2, 3);
  const std::string message = error_message<std::out_of_range>([&] { a(2, 0) = 1.0; });
  EXPECT_TRUE(mentions(message, "(2, 0)")) << message;
  EXPECT_TRUE(mentions(message, "(2x3)")) << message;
#else
  GTEST_SKIP() << "index checks are on only in the checked (learner) build";
#endif
}

// (2x3)·(3x2): each entry is a row of a times a column of b.
TEST(MatmulTest, SmallProductByHand) {
  const Matrix a = {{1, 2, 3}, {4, 5, 6}};
  const Matrix b = {{7, 8}, {9, 10}, {11, 12}};
  const Matrix c = a * b;
  ASSERT_EQ(c.rows(), 2u);
  ASSERT_EQ(c.cols(), 2u);
  EXPECT_EQ(c, (Matrix{{58, 64}, {139, 154}}));
}

// Matrix(rows, cols, values) lays the values out row after row, and refuses a count that
// does not fill the shape, naming both.
TEST(MatrixTest, FromValuesRowAfterRow) {
  const Matrix a(2, 3, std::vector<double>{1, 2, 3, 4, 5, 6});
  EXPECT_EQ(a, (Matrix{{1, 2, 3}, {4, 5, 6}}));
  const std::string message =
      invalid_argument_message([] { (void)Matrix(2, 3, std::vector<double>{1, 2, 3, 4, 5}); });
  EXPECT_TRUE(mentions(message, "5 values"));
  EXPECT_TRUE(mentions(message, "(2x3)"));
}

// The product is not elementwise: a·a for a square a differs from hadamard(a, a).
TEST(MatmulTest, IsNotElementwise) {
  const Matrix a = {{1, 2}, {3, 4}};
  EXPECT_EQ(a * a, (Matrix{{7, 10}, {15, 22}}));
  EXPECT_EQ(hadamard(a, a), (Matrix{{1, 4}, {9, 16}}));
}

// A mismatch names both shapes and suggests what was probably meant.
TEST(MatmulTest, MismatchNamesBothShapesAndAHint) {
  const Matrix a(2, 3), b(2, 3);
  const std::string same = invalid_argument_message([&] { (void)(a * b); });
  EXPECT_TRUE(mentions(same, "(2x3)")) << same;
  EXPECT_TRUE(mentions(same, "left.cols 3 != right.rows 2")) << same;
  EXPECT_TRUE(mentions(same, "hadamard")) << same;
  const Matrix x(100, 784), d(100, 50);
  const std::string batch = invalid_argument_message([&] { (void)(x * d); });
  EXPECT_TRUE(mentions(batch, "(100x784)")) << batch;
  EXPECT_TRUE(mentions(batch, "(100x50)")) << batch;
  EXPECT_TRUE(mentions(batch, "transpose(a) * b")) << batch;
}

// Transpose swaps indices, and twice is the identity.
TEST(TransposeTest, SwapsRowsAndColumns) {
  const Matrix a = {{1, 2, 3}, {4, 5, 6}};
  const Matrix t = transpose(a);
  ASSERT_EQ(t.rows(), 3u);
  ASSERT_EQ(t.cols(), 2u);
  EXPECT_EQ(t(2, 1), 6.0);
  EXPECT_EQ(t(0, 1), 4.0);
  EXPECT_EQ(transpose(t), a);
}

// +, −, scaling and negation work entry by entry and leave their inputs alone.
TEST(ElementwiseTest, AddSubtractScale) {
  const Matrix a = {{1, 2}, {3, 4}};
  const Matrix b = {{0.5, -1}, {2, 0}};
  EXPECT_EQ(a + b, (Matrix{{1.5, 1}, {5, 4}}));
  EXPECT_EQ(a - b, (Matrix{{0.5, 3}, {1, 4}}));
  EXPECT_EQ(2.0 * a, (Matrix{{2, 4}, {6, 8}}));
  EXPECT_EQ(a * 0.5, (Matrix{{0.5, 1}, {1.5, 2}}));
  EXPECT_EQ(-a, (Matrix{{-1, -2}, {-3, -4}}));
  EXPECT_EQ(a, (Matrix{{1, 2}, {3, 4}}));
}

// The compound assignments change the left side in place.
TEST(ElementwiseTest, CompoundAssignmentsChangeTheLeftSide) {
  Matrix a = {{1, 2}};
  a -= Matrix{{1, 1}};
  a *= 3.0;
  a += Matrix{{0.5, 0.5}};
  EXPECT_EQ(a, (Matrix{{0.5, 3.5}}));
}

// Elementwise operations on different shapes throw; a (1,m) row gets the bias hint.
TEST(ElementwiseTest, ShapeMismatchSuggestsAddRowVector) {
  const Matrix x(4, 3), b(1, 3);
  const std::string added = invalid_argument_message([&] { (void)(x + b); });
  EXPECT_TRUE(mentions(added, "(4x3)")) << added;
  EXPECT_TRUE(mentions(added, "(1x3)")) << added;
  EXPECT_TRUE(mentions(added, "add_row_vector")) << added;
  const std::string product = invalid_argument_message([&] { (void)hadamard(x, Matrix(3, 4)); });
  EXPECT_TRUE(mentions(product, "hadamard")) << product;
  EXPECT_TRUE(mentions(product, "(4x3)")) << product;
  EXPECT_TRUE(mentions(product, "(3x4)")) << product;
}

// The bias row is added to every row.
TEST(AddRowVectorTest, AddsTheRowToEveryRow) {
  const Matrix x = {{1, 2}, {3, 4}, {5, 6}};
  const Matrix b = {{10, 20}};
  EXPECT_EQ(add_row_vector(x, b), (Matrix{{11, 22}, {13, 24}, {15, 26}}));
}

// A column where a row belongs is refused with the fix.
TEST(AddRowVectorTest, ColumnInsteadOfRowThrows) {
  const std::string message =
      invalid_argument_message([] { (void)add_row_vector(Matrix(2, 3), Matrix(3, 1)); });
  EXPECT_TRUE(mentions(message, "(1x3)")) << message;
  EXPECT_TRUE(mentions(message, "transpose(row)")) << message;
}

// Sums over everything, along rows and down columns.
TEST(ReductionTest, SumsRowsAndColumns) {
  const Matrix a = {{1, 2, 3}, {4, 5, 6}};
  EXPECT_NEAR(sum(a), 21.0, kExactTol);
  EXPECT_EQ(row_sums(a), (Matrix{{6}, {15}}));
  EXPECT_EQ(column_sums(a), (Matrix{{5, 7, 9}}));
}

// Max and argmax per row; the first maximum wins a tie, as in numpy.
TEST(ReductionTest, RowMaxAndArgmax) {
  const Matrix a = {{1, 9, 3}, {-4, -5, -4}};
  EXPECT_EQ(row_max(a), (Matrix{{9}, {-4}}));
  EXPECT_EQ(row_argmax(a), (std::vector<std::size_t>{1, 0}));
  EXPECT_THROW(row_argmax(Matrix(2, 0)), std::invalid_argument);
}

// apply maps every entry through a function, returning a new matrix.
TEST(ApplyTest, MapsEveryEntry) {
  const Matrix a = {{0, 1}, {4, 9}};
  const Matrix r = apply(a, [](double v) { return std::sqrt(v); });
  EXPECT_EQ(r, (Matrix{{0, 1}, {2, 3}}));
}

// Printing looks like numpy's nested lists.
TEST(PrintTest, PrintsNestedRows) {
  std::ostringstream os;
  os << Matrix{{1, 0.5}, {-2, 1e-9}};
  EXPECT_EQ(os.str(), "[[1, 0.5], [-2, 1e-09]]");
}

// Matrix::row builds a (1,n) row vector.
TEST(MatrixTest, RowBuildsARowVector) {
  const Matrix r = Matrix::row({1, 2, 3});
  ASSERT_EQ(r.rows(), 1u);
  ASSERT_EQ(r.cols(), 3u);
  EXPECT_EQ(r(0, 2), 3.0);
}

// max_abs_diff finds the largest gap.
TEST(MaxAbsDiffTest, FindsTheLargestGap) {
  EXPECT_NEAR(max_abs_diff(Matrix{{1, 2}}, Matrix{{1.5, -1}}), 3.0, kExactTol);
}

// ---- the product, fast: the same bits as the textbook triple loop ----

// The textbook product, C(i,j) = Σ_p A(i,p)·B(p,j) summed in the order p = 0, 1, …: the
// reference the fast product must equal bit for bit (no term skipped, no copy avoided).
Matrix textbook_product(const Matrix& a, const Matrix& b) {
  Matrix c(a.rows(), b.cols());
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < b.cols(); ++j)
      for (std::size_t p = 0; p < a.cols(); ++p) c(i, j) += a(i, p) * b(p, j);
  return c;
}

// The widths the product's kernel treats apart: narrower than its 8 lanes, whole lanes,
// a tail of the row's last 8 columns, one tile of 64 columns, and a second tile of 1 to 7.
const std::size_t kKernelWidths[] = {1, 2, 7, 8, 9, 16, 50, 63, 64, 65, 71, 72, 130};

// Skipping the zero entries of the left factor, and summing each row a tile of 64
// columns at a time, changes no bit: for every width the kernel treats apart, and depths
// around its steps of eight nonzero entries.
TEST(MatmulTest, EqualsTheTextbookLoopBitForBit) {
  for (std::size_t k : {1, 3, 4, 5, 8, 13, 17, 64}) {
    for (std::size_t m : kKernelWidths) {
      const Matrix a = sparse_random(6, k, 0.6, 10 * k + m), b = sparse_random(k, m, 0.0, k + m);
      EXPECT_EQ(a * b, textbook_product(a, b)) << "k = " << k << ", m = " << m;
    }
  }
}

// A product big enough to be shared between threads gives the same bits on 1, 2 and 3
// threads: each row of the result is one thread's, computed the same way.
TEST(MatmulTest, ResultDoesNotDependOnTheThreadCount) {
  const Matrix a = sparse_random(257, 300, 0.8, 1), b = sparse_random(300, 50, 0.0, 2);
  const std::size_t before = parallel_threads();
  set_parallel_threads(1);
  const Matrix one = a * b;
  set_parallel_threads(2);
  const Matrix two = a * b;
  set_parallel_threads(3);
  const Matrix three = a * b;
  set_parallel_threads(before);
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, three);
  EXPECT_EQ(one, textbook_product(a, b));
}

// transpose(a) * b reads a where it lies, and gives the product of the copy bit for bit;
// so do a * transpose(b) and transpose(a) * transpose(b).
TEST(TransposeTest, ProductsWithTheViewEqualProductsWithTheCopy) {
  for (std::size_t m : kKernelWidths) {
    const Matrix x = sparse_random(100, 30, 0.8, 3 + m), d = sparse_random(100, m, 0.0, 4 + m);
    const Matrix w = sparse_random(9, m, 0.0, 5 + m), v = sparse_random(30, 9, 0.0, 6 + m);
    const Matrix xt = transpose(x), wt = transpose(w), vt = transpose(v);
    EXPECT_EQ(transpose(x) * d, textbook_product(xt, d)) << "m = " << m;
    EXPECT_EQ(d * transpose(w), textbook_product(d, wt)) << "m = " << m;
    EXPECT_EQ(transpose(v) * transpose(x), textbook_product(vt, xt)) << "m = " << m;
  }
}

// A product with a transposed factor, big enough to be shared between threads, gives the
// same bits on 1, 2 and 3 threads: each thread adds the terms of its own rows of the result.
TEST(TransposeTest, ResultDoesNotDependOnTheThreadCount) {
  const Matrix x = sparse_random(300, 257, 0.8, 7), d = sparse_random(300, 50, 0.0, 8);
  const std::size_t before = parallel_threads();
  std::vector<Matrix> results;
  for (std::size_t threads : {1, 2, 3}) {
    set_parallel_threads(threads);
    results.push_back(transpose(x) * d);
  }
  set_parallel_threads(before);
  EXPECT_EQ(results[0], results[1]);
  EXPECT_EQ(results[0], results[2]);
  EXPECT_EQ(results[0], textbook_product(transpose(x), d));
}

// The view has the transpose's shape, and a shape mismatch through it names that shape.
TEST(TransposeTest, ViewHasTheTransposedShape) {
  const Matrix x(100, 784), d(50, 100);
  const Transposed view = transpose(x);
  EXPECT_EQ(view.rows(), 784u);
  EXPECT_EQ(view.cols(), 100u);
  EXPECT_EQ(view.shape(), "(784x100)");
  const std::string message = invalid_argument_message([&] { (void)(transpose(x) * d); });
  EXPECT_TRUE(mentions(message, "(784x100)")) << message;
  EXPECT_TRUE(mentions(message, "(50x100)")) << message;
  EXPECT_TRUE(mentions(message, "left.cols 100")) << message;
}

// ---- gather_rows, row_range ----

// The rows asked for, in that order, repeats repeated: numpy's a[[2, 0, 2]].
TEST(GatherRowsTest, PicksRowsInOrderWithRepeats) {
  const Matrix a = {{1, 2}, {3, 4}, {5, 6}};
  EXPECT_EQ(gather_rows(a, {2, 0, 2}), (Matrix{{5, 6}, {1, 2}, {5, 6}}));
  EXPECT_EQ(gather_rows(a, {}).rows(), 0u);
}

// An index past the last row is refused in every build, naming it.
TEST(GatherRowsTest, IndexOutsideThrows) {
  const std::string message = error_message<std::out_of_range>([] {
    (void)gather_rows(Matrix(3, 2), {0, 3});
  });
  EXPECT_TRUE(mentions(message, "index 3")) << message;
  EXPECT_TRUE(mentions(message, "position 1")) << message;
  EXPECT_TRUE(mentions(message, "(3x2)")) << message;
}

// Rows begin … end−1, numpy's a[1:3]; a range past the end is refused.
TEST(RowRangeTest, TakesTheRowsBetween) {
  const Matrix a = {{1, 2}, {3, 4}, {5, 6}};
  EXPECT_EQ(row_range(a, 1, 3), (Matrix{{3, 4}, {5, 6}}));
  EXPECT_EQ(row_range(a, 2, 2).rows(), 0u);
  EXPECT_THROW((void)row_range(a, 2, 4), std::out_of_range);
  EXPECT_THROW((void)row_range(a, 2, 1), std::out_of_range);
}

// ---- randn ----

// Row after row, one rng.normal() per entry: the same seed, the same matrix.
TEST(RandnTest, FillsRowAfterRowFromTheRng) {
  Rng rng(7), reference(7);
  const Matrix m = randn(2, 3, rng);
  ASSERT_EQ(m.rows(), 2u);
  ASSERT_EQ(m.cols(), 3u);
  for (std::size_t k = 0; k < 6; ++k) EXPECT_EQ(m.data()[k], reference.normal()) << "entry " << k;
}

// Standard normal: over 100,000 draws the mean is near 0 and the variance near 1.
TEST(RandnTest, DrawsAreStandardNormal) {
  Rng rng(1);
  const Matrix m = randn(1000, 100, rng);
  const double mean = sum(m) / 1e5;
  const double variance = sum(hadamard(m, m)) / 1e5 - mean * mean;
  constexpr double kSamplingTol = 0.02;  // 5 standard errors of 100,000 draws (1/√1e5 ≈ 0.003)
  EXPECT_NEAR(mean, 0.0, kSamplingTol);
  EXPECT_NEAR(variance, 1.0, kSamplingTol);
}

}  // namespace
