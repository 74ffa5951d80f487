// tests/00_welcome_test.cpp: lesson 00, mean and affine.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "chapters/00_welcome/welcome.h"
#include "tests/support/expect.h"

namespace {

// Sums of a few small integers and halves are exact in double; allow only rounding.
constexpr double kExactTol = 1e-12;

// The mean divides the total by the number of entries (10 / 4, not 10).
TEST(MeanTest, DividesSumByEntryCount) {
  const Matrix a = {{1, 2}, {3, 4}};
  EXPECT_NEAR(mean(a), 2.5, kExactTol);
}

// Every entry counts, in every row and column: a 2x3 of known values.
TEST(MeanTest, UsesEveryRowAndColumn) {
  const Matrix a = {{1, 0, -1}, {6, 0.5, 5.5}};
  EXPECT_NEAR(mean(a), 2.0, kExactTol);
}

// The mean of nothing is undefined, so an empty matrix throws instead of giving NaN; the
// message names mean and the empty shape.
TEST(MeanTest, EmptyMatrixThrowsNamingMean) {
  const std::string message = invalid_argument_message([] { mean(Matrix(0, 3)); });
  EXPECT_TRUE(mentions(message, "mean")) << message;
  EXPECT_TRUE(mentions(message, "(0x3)")) << message;
}

// x·W + b by hand: [1 2]·[[1 0 2],[0 1 3]] = [1 2 8], plus b = [0.5 0.5 -8].
TEST(AffineTest, MatrixProductPlusBias) {
  const Matrix x = {{1, 2}};
  const Matrix W = {{1, 0, 2}, {0, 1, 3}};
  const Matrix b = {{0.5, 0.5, -8}};
  const Matrix y = affine(x, W, b);
  ASSERT_EQ(y.rows(), 1u);
  ASSERT_EQ(y.cols(), 3u);
  EXPECT_NEAR(y(0, 0), 1.5, kExactTol);
  EXPECT_NEAR(y(0, 1), 2.5, kExactTol);
  EXPECT_NEAR(y(0, 2), 0.0, kExactTol);
}

// A batch: the same bias is added to every row, and each row gets its own product.
TEST(AffineTest, BiasIsAddedToEveryRowOfTheBatch) {
  const Matrix x = {{1, 0}, {0, 1}, {2, 3}};
  const Matrix W = {{1, 2}, {3, 4}};
  const Matrix b = {{10, 20}};
  const Matrix y = affine(x, W, b);
  ASSERT_EQ(y.rows(), 3u);
  ASSERT_EQ(y.cols(), 2u);
  const Matrix expected = {{11, 22}, {13, 24}, {21, 36}};
  EXPECT_NEAR(max_abs_diff(y, expected), 0.0, kExactTol);
}

// x and W that do not fit throw std::invalid_argument, never a crash; the message names
// affine, the function called, and the shapes of x and W.
TEST(AffineTest, InputAndWeightsThatDoNotFitThrowNamingAffine) {
  const Matrix x = {{1, 2, 3}};
  const Matrix W = {{1, 2}, {3, 4}};  // needs 3 rows to follow a (1x3)
  const std::string message = invalid_argument_message([&] { affine(x, W, Matrix(1, 2)); });
  EXPECT_TRUE(mentions(message, "affine")) << message;
  EXPECT_TRUE(mentions(message, "(1x3)") && mentions(message, "(2x2)")) << message;
}

// A bias of the wrong width is refused the same way: W (2x2) needs b (1x2), not (1x3).
TEST(AffineTest, BiasOfTheWrongWidthThrowsNamingAffine) {
  const Matrix x = {{1, 2}};
  const Matrix W = {{1, 2}, {3, 4}};
  const std::string message = invalid_argument_message([&] { affine(x, W, Matrix(1, 3)); });
  EXPECT_TRUE(mentions(message, "affine")) << message;
  EXPECT_TRUE(mentions(message, "(1x3)")) << message;
}

}  // namespace
