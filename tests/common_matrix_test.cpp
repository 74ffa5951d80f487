// tests/common_matrix_test.cpp: the Matrix type every chapter computes with.
#include "common/matrix.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace {

// Sums and products of small integers and halves are exact in double.
constexpr double kExactTol = 0.0;

// Expects `call` to throw E with a message containing every piece of `pieces`.
template <typename E, typename F>
void ExpectThrowMentioning(F call, std::initializer_list<std::string> pieces) {
  try {
    call();
    ADD_FAILURE() << "expected an exception";
  } catch (const E& e) {
    for (const auto& piece : pieces) {
      EXPECT_NE(std::string(e.what()).find(piece), std::string::npos)
          << "message: " << e.what() << "\nmissing: " << piece;
    }
  }
}

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
  ExpectThrowMentioning<std::invalid_argument>([] { Matrix a = {{1, 2}, {3}}; },
                                               {"row 1 has 1"});
}

// The checked build catches an index outside the matrix and names it.
TEST(MatrixTest, CheckedBuildCatchesOutOfRange) {
#ifdef MATRIX_CHECKED
  Matrix a(2, 3);
  ExpectThrowMentioning<std::out_of_range>([&] { a(2, 0) = 1.0; }, {"(2, 0)", "(2x3)"});
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

// The product is not elementwise: a·a for a square a differs from hadamard(a, a).
TEST(MatmulTest, IsNotElementwise) {
  const Matrix a = {{1, 2}, {3, 4}};
  EXPECT_EQ(a * a, (Matrix{{7, 10}, {15, 22}}));
  EXPECT_EQ(hadamard(a, a), (Matrix{{1, 4}, {9, 16}}));
}

// A mismatch names both shapes and suggests what was probably meant.
TEST(MatmulTest, MismatchNamesBothShapesAndAHint) {
  const Matrix a(2, 3), b(2, 3);
  ExpectThrowMentioning<std::invalid_argument>([&] { (void)(a * b); },
                                               {"(2x3)", "left.cols 3 != right.rows 2", "hadamard"});
  const Matrix x(100, 784), d(100, 50);
  ExpectThrowMentioning<std::invalid_argument>([&] { (void)matmul(x, d); },
                                               {"(100x784)", "(100x50)", "transpose(a) * b"});
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
  ExpectThrowMentioning<std::invalid_argument>([&] { (void)(x + b); },
                                               {"(4x3)", "(1x3)", "add_row_vector"});
  ExpectThrowMentioning<std::invalid_argument>([&] { (void)hadamard(x, Matrix(3, 4)); },
                                               {"hadamard", "(4x3)", "(3x4)"});
}

// The bias row is added to every row.
TEST(AddRowVectorTest, AddsTheRowToEveryRow) {
  const Matrix x = {{1, 2}, {3, 4}, {5, 6}};
  const Matrix b = {{10, 20}};
  EXPECT_EQ(add_row_vector(x, b), (Matrix{{11, 22}, {13, 24}, {15, 26}}));
}

// A column where a row belongs is refused with the fix.
TEST(AddRowVectorTest, ColumnInsteadOfRowThrows) {
  ExpectThrowMentioning<std::invalid_argument>(
      [] { (void)add_row_vector(Matrix(2, 3), Matrix(3, 1)); }, {"(1x3)", "transpose(row)"});
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

}  // namespace
