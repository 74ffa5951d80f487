// tests/02_gradient_test.cpp: lesson 02, numerical_gradient for a Vector point and for a
// Matrix of parameters.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>

#include "chapters/01_numerical_diff/numerical_diff.h"
#include "chapters/02_gradient/gradient.h"
#include "common/format.h"
#include "common/matrix.h"
#include "tests/support/expect.h"

namespace {

// Central differences with h = 1e-4 on the functions here: truncation h²/6·|f'''| ≤ 1e-8
// (zero for quadratics), rounding ε·|f|/h ≈ 1e-11. 1e-9 rejects the forward difference
// (error ≈ h·|f''|/2 ≥ 1e-4 here) and a coordinate left unrestored (off by h·1 = 1e-4).
constexpr double kGradTol = 1e-9;
// Where the exact answer is known to within rounding alone (quadratics, linear maps).
constexpr double kRoundingTol = 1e-10;

// The book's figure: ∇(x0² + x1²) at (3, 4) is (6, 8); numpy prints [6. 8.], and the
// digits underneath are lesson 01's partial derivatives, 6.00000000000378 and
// 7.999999999999119, bit for bit (the same two evaluations of f each).
TEST(NumericalGradientTest, BookFigureAtThreeFour) {
  const Vector grad = numerical_gradient(function_2, Vector{3.0, 4.0});
  ASSERT_EQ(grad.size(), 2u);
  EXPECT_NEAR(grad[0], 6.0, kGradTol);
  EXPECT_NEAR(grad[1], 8.0, kGradTol);
  EXPECT_EQ(repr(grad[0]), "6.00000000000378");
  EXPECT_EQ(repr(grad[1]), "7.999999999999119");
}

// The book's figure at (0, 2): (0, 4). f(h, 2) and f(−h, 2) are equal, so ∂f/∂x0 is
// exactly 0; a forward difference would give h = 1e-4.
TEST(NumericalGradientTest, BookFigureAtZeroTwo) {
  const Vector grad = numerical_gradient(function_2, Vector{0.0, 2.0});
  ASSERT_EQ(grad.size(), 2u);
  EXPECT_EQ(grad[0], 0.0);
  EXPECT_NEAR(grad[1], 4.0, kGradTol);
}

// The book's figure at (3, 0): (6, 0).
TEST(NumericalGradientTest, BookFigureAtThreeZero) {
  const Vector grad = numerical_gradient(function_2, Vector{3.0, 0.0});
  ASSERT_EQ(grad.size(), 2u);
  EXPECT_NEAR(grad[0], 6.0, kGradTol);
  EXPECT_EQ(grad[1], 0.0);
}

// One partial per coordinate, in order, for any number of coordinates: ∇Σxᵢ² = 2x.
TEST(NumericalGradientTest, OneEntryPerCoordinateInOrder) {
  const Vector x = {1.0, -2.0, 0.5, 3.0};
  const Vector grad = numerical_gradient(function_2, x);
  ASSERT_EQ(grad.size(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(grad[i], 2 * x[i], kGradTol) << "coordinate " << i;
  }
}

// A linear function's central difference has no truncation error at all: the gradient
// of 2x0 − 3x1 + 0.5x2 + 7 is (2, −3, 0.5) up to rounding, at any point.
TEST(NumericalGradientTest, LinearFunctionIsExact) {
  const FunctionND linear = [](const Vector& x) {
    return 2.0 * x[0] - 3.0 * x[1] + 0.5 * x[2] + 7.0;
  };
  const Vector grad = numerical_gradient(linear, Vector{1.0, -2.0, 4.0});
  ASSERT_EQ(grad.size(), 3u);
  EXPECT_NEAR(grad[0], 2.0, kRoundingTol);
  EXPECT_NEAR(grad[1], -3.0, kRoundingTol);
  EXPECT_NEAR(grad[2], 0.5, kRoundingTol);
}

// Each coordinate goes back before the next partial: ∇(x0·x1) at (3, 4) is (4, 3); with
// x0 left at 3 − h the second entry would be 2.9999.
TEST(NumericalGradientTest, RestoresEachCoordinateBeforeTheNext) {
  const FunctionND product = [](const Vector& x) { return x[0] * x[1]; };
  const Vector grad = numerical_gradient(product, Vector{3.0, 4.0});
  ASSERT_EQ(grad.size(), 2u);
  EXPECT_NEAR(grad[0], 4.0, kGradTol);
  EXPECT_NEAR(grad[1], 3.0, kGradTol);
}

// The step is kDiffStep = 1e-4: for x0³ at 1 the central difference is 3 + h² = 3 + 1e-8
// (h = 1e-5 would give 3 + 1e-10, a forward difference 3.0003).
TEST(NumericalGradientTest, StepIsTenToMinusFour) {
  const FunctionND cube = [](const Vector& x) { return x[0] * x[0] * x[0]; };
  const Vector grad = numerical_gradient(cube, Vector{1.0});
  ASSERT_EQ(grad.size(), 1u);
  constexpr double kStepTol = 1e-10;  // well below h² = 1e-8, above rounding (1e-12)
  EXPECT_NEAR(grad[0], 3.0 + kDiffStep * kDiffStep, kStepTol);
}

// The caller's point is not moved.
TEST(NumericalGradientTest, DoesNotChangeX) {
  const Vector x = {0.125, -0.125, 1e-5};
  const Vector before = x;
  numerical_gradient(function_2, x);
  EXPECT_EQ(x, before);
}

// A matrix whose entries cannot be restored by arithmetic: with h = 1e-4,
// (w + h) − h ≠ w for 0.125 and 1e-5, and (w − h) + h ≠ w for −0.125 and 1e-5.
Matrix hard_to_restore() { return Matrix{{0.125, -0.125, 1e-5}, {1e-17, 0.1, -2.5}}; }

// Σ W(i,j)², whose gradient is 2W.
double sum_of_squares(const Matrix& W) {
  double total = 0.0;
  for (std::size_t k = 0; k < W.size(); ++k) total += W.data()[k] * W.data()[k];
  return total;
}

// The gradient has W's shape: (2x3) in, (2x3) out, not (3x2) nor a flat vector.
TEST(NumericalGradientMatrixTest, ReturnsShapeOfW) {
  Matrix W = hard_to_restore();
  const Matrix grad = numerical_gradient(sum_of_squares, W);
  ASSERT_EQ(grad.rows(), 2u);
  ASSERT_EQ(grad.cols(), 3u);
}

// Every entry gets its own partial: ∇Σ W(i,j)² = 2W, entry by entry.
TEST(NumericalGradientMatrixTest, SumOfSquaresGivesTwiceW) {
  Matrix W = {{1.0, -2.0, 0.5}, {3.0, 0.0, -1.5}};
  const Matrix twice_W = 2.0 * W;
  const Matrix grad = numerical_gradient(sum_of_squares, W);
  ASSERT_EQ(grad.rows(), 2u);
  ASSERT_EQ(grad.cols(), 3u);
  EXPECT_MATRIX_NEAR(grad, twice_W, kGradTol);
}

// W leaves bit-for-bit as it came, even for entries where w + h − h ≠ w: restoring by
// arithmetic instead of from a saved copy fails here.
TEST(NumericalGradientMatrixTest, LeavesWBitForBitUnchanged) {
  const double h = kDiffStep;
  // The premise: these entries do not survive a round trip through ± h.
  ASSERT_NE((0.125 + h) - h, 0.125);
  ASSERT_NE((-0.125 - h) + h, -0.125);
  ASSERT_NE((1e-5 + h) - h, 1e-5);
  ASSERT_NE((1e-5 - h) + h, 1e-5);
  Matrix W = hard_to_restore();
  const Matrix before = W;
  numerical_gradient(sum_of_squares, W);
  ASSERT_TRUE(W.same_shape(before));
  EXPECT_TRUE(W == before) << "W changed: it was " << before << ", now " << W;
  EXPECT_EQ(std::memcmp(W.data(), before.data(), W.size() * sizeof(double)), 0);
}

// f is called with W itself, perturbed: a loss that reads the weights through a
// reference of its own (as a network's loss does) and ignores its argument still gets
// its gradient, Σ c(i,j)·W(i,j) → c.
TEST(NumericalGradientMatrixTest, FunctionHoldingWSeesEachPerturbation) {
  Matrix W = {{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}};
  const Matrix c = {{0.5, -1.0}, {2.0, 0.0}, {-3.0, 1.5}};
  const auto loss_reading_W = [&W, &c](const Matrix&) { return sum(hadamard(c, W)); };
  const Matrix grad = numerical_gradient(loss_reading_W, W);
  ASSERT_EQ(grad.rows(), 3u);
  ASSERT_EQ(grad.cols(), 2u);
  EXPECT_NEAR(max_abs_diff(grad, c), 0.0, kRoundingTol);
}

// One entry at a time, each restored before the next: ∇(W(0,0)·W(0,1)) at [[3, 4]] is
// [[4, 3]]; with W(0,0) left at 3 − h the second entry would be 2.9999.
TEST(NumericalGradientMatrixTest, RestoresEachEntryBeforeTheNext) {
  Matrix W = {{3.0, 4.0}};
  const Matrix grad = numerical_gradient([](const Matrix& m) { return m(0, 0) * m(0, 1); }, W);
  ASSERT_EQ(grad.rows(), 1u);
  ASSERT_EQ(grad.cols(), 2u);
  EXPECT_NEAR(grad(0, 0), 4.0, kGradTol);
  EXPECT_NEAR(grad(0, 1), 3.0, kGradTol);
}

// The step is kDiffStep = 1e-4 and the difference central: for W(1,0)³ at 1 the result
// is 3 + h² = 3 + 1e-8; every other entry, which f ignores, gets exactly 0.
TEST(NumericalGradientMatrixTest, StepIsTenToMinusFour) {
  Matrix W = {{7.0}, {1.0}};
  const Matrix grad =
      numerical_gradient([](const Matrix& m) { return m(1, 0) * m(1, 0) * m(1, 0); }, W);
  ASSERT_EQ(grad.rows(), 2u);
  ASSERT_EQ(grad.cols(), 1u);
  constexpr double kStepTol = 1e-10;  // well below h² = 1e-8, above rounding (1e-12)
  EXPECT_EQ(grad(0, 0), 0.0);
  EXPECT_NEAR(grad(1, 0), 3.0 + kDiffStep * kDiffStep, kStepTol);
}

// The given example: function_2 is Σ xᵢ², 3² + 4² = 25.
TEST(Function2ProvidedTest, SumOfSquares) {
  EXPECT_EQ(function_2(Vector{3.0, 4.0}), 25.0);
  EXPECT_EQ(function_2(Vector{1.0, 2.0, 2.0}), 9.0);
  EXPECT_EQ(function_2(Vector{}), 0.0);
}

}  // namespace
