// tests/01_numerical_diff_test.cpp: lesson 01, numerical_diff, forward_diff and
// tangent_line.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "chapters/01_numerical_diff/numerical_diff.h"
#include "common/format.h"

namespace {

// Central difference of a smooth f with h = 1e-4: truncation h²/6·|f'''| ≲ 1e-9 for the
// functions here, rounding ε·|f|/h ≈ 1e-12. 1e-9 separates it from a forward difference,
// whose O(h) error is about 1e-5 or more.
constexpr double kCentralTol = 1e-9;
// Results that are exact in real arithmetic: only a few roundings of numbers below 100.
constexpr double kRoundingTol = 1e-12;
// The forward difference's leading error term h/2·f'' is known in closed form, so we
// compare with it; what is left is h²/6·f''' ≈ 1e-8 and rounding ε·|f|/h ≈ 1e-12.
constexpr double kForwardTol = 1e-7;
// Error ratios when h halves: 4 for h², 2 for h, up to the next Taylor term (about
// h·f''''/f''' ≈ 1% at h = 1e-2). A wrong order of accuracy is off by 2× or more.
constexpr double kRatioTol = 0.1;

double cube(double x) { return x * x * x; }
double exp_fn(double x) { return std::exp(x); }

// The book's printed figure: at x = 5 the central difference with h = 1e-4 prints
// 0.1999999999990898 (exact 0.2). Another h, or the forward difference, prints other digits.
TEST(NumericalDiffTest, BookFigureAtFive) {
  EXPECT_EQ(repr(numerical_diff(function_1, 5.0)), "0.1999999999990898");
}

// The book's printed figure at x = 10: 0.2999999999986347 (exact 0.3).
TEST(NumericalDiffTest, BookFigureAtTen) {
  EXPECT_EQ(repr(numerical_diff(function_1, 10.0)), "0.2999999999986347");
}

// The book's partial derivatives of x0² + x1² at (3, 4), each with the other variable
// held fixed: ∂f/∂x0 prints 6.00000000000378, ∂f/∂x1 prints 7.999999999999119.
TEST(NumericalDiffTest, BookPartialDerivatives) {
  // The book's function_tmp1 and function_tmp2, in its order of operations.
  const auto function_tmp1 = [](double x0) { return x0 * x0 + 4.0 * 4.0; };
  const auto function_tmp2 = [](double x1) { return 3.0 * 3.0 + x1 * x1; };
  EXPECT_EQ(repr(numerical_diff(function_tmp1, 3.0)), "6.00000000000378");
  EXPECT_EQ(repr(numerical_diff(function_tmp2, 4.0)), "7.999999999999119");
}

// Close to the exact derivative f'(x) = 0.02x + 0.1 at several points, negative too.
TEST(NumericalDiffTest, CloseToExactDerivative) {
  for (double x : {-7.5, 0.0, 5.0, 10.0}) {
    EXPECT_NEAR(numerical_diff(function_1, x), 0.02 * x + 0.1, kCentralTol) << "at x = " << x;
  }
}

// The h passed in is the one used: for x³ at 1, (f(1+h) − f(1−h)) / 2h = 3 + h² exactly
// in real arithmetic, so h = 0.5 gives 3.25 (a forward difference gives 4.75).
TEST(NumericalDiffTest, UsesTheGivenStep) {
  EXPECT_NEAR(numerical_diff(cube, 1.0, 0.5), 3.25, kRoundingTol);
  EXPECT_NEAR(numerical_diff(cube, 1.0, 0.1), 3.01, kRoundingTol);
}

// The default step is kDiffStep = 1e-4: x³ at 1 gives 3 + 1e-8 (h = 1e-5 would give
// 3 + 1e-10, h = 1e-3 would give 3 + 1e-6).
TEST(NumericalDiffTest, DefaultStepIsTenToMinusFour) {
  // 1e-10 is far below the 1e-8 that h² contributes, and far above rounding (1e-12).
  constexpr double kStepTol = 1e-10;
  EXPECT_NEAR(numerical_diff(cube, 1.0), 3.0 + 1e-8, kStepTol);
}

// Why not a tiny h: 5 + 1e-50 rounds to 5, so f(x + h) − f(x − h) is 0 and so is the
// estimate (the book's example).
TEST(NumericalDiffTest, TinyStepIsLostToRounding) {
  EXPECT_EQ(numerical_diff(function_1, 5.0, 1e-50), 0.0);
}

// On a quadratic the h² term vanishes (f''' = 0), so the central difference is exact up
// to rounding even for a large h; a one-sided difference is off by h·f''/2 = 0.1 here.
TEST(NumericalDiffTest, ExactOnQuadratics) {
  const auto square = [](double x) { return x * x; };
  EXPECT_NEAR(numerical_diff(square, 3.0, 0.1), 6.0, kRoundingTol);
  EXPECT_NEAR(numerical_diff(square, -2.0, 0.25), -4.0, kRoundingTol);
}

// Second order: on exp at x = 1, halving h from 1e-2 to 5e-3 divides the error by about 4
// (errors 4.5e-5 and 1.1e-5, far above rounding). A first-order formula divides it by 2.
TEST(NumericalDiffTest, ErrorFallsFourfoldWhenStepHalves) {
  const double exact = std::numbers::e;
  const double coarse = std::abs(numerical_diff(exp_fn, 1.0, 1e-2) - exact);
  const double fine = std::abs(numerical_diff(exp_fn, 1.0, 5e-3) - exact);
  ASSERT_GT(fine, 0.0);
  EXPECT_NEAR(coarse / fine, 4.0, kRatioTol);
}

// The error itself matches its leading Taylor term h²/6·f'''(x) = e·h²/6 at h = 1e-2.
TEST(NumericalDiffTest, ErrorIsHSquaredOverSixTimesThirdDerivative) {
  const double h = 1e-2;
  const double error = numerical_diff(exp_fn, 1.0, h) - std::numbers::e;
  // The next term, h⁴/120·e ≈ 2e-10, is what remains.
  constexpr double kNextTermTol = 1e-9;
  EXPECT_NEAR(error, std::numbers::e * h * h / 6, kNextTermTol);
}

// The slope between x and x + h: for x² at 3 with h = 0.5, (3.5² − 3²) / 0.5 = 6.5, which
// is 2x + h, not the exact 6 a central difference would give.
TEST(ForwardDiffTest, SlopeFromXToXPlusH) {
  const auto square = [](double x) { return x * x; };
  EXPECT_NEAR(forward_diff(square, 3.0, 0.5), 6.5, kRoundingTol);
  EXPECT_NEAR(forward_diff(square, -1.0, 0.25), -1.75, kRoundingTol);
}

// With the default h = 1e-4 on function_1 at 5 the error is h·f''/2 = 1e-4·0.02/2 = 1e-6:
// 0.200001 (the central difference gives 0.2 to 12 digits).
TEST(ForwardDiffTest, DefaultStepErrorIsHTimesSecondDerivativeOverTwo) {
  // function_1 is a quadratic, so 0.2 + 1e-6 is exact up to rounding ε·0.75/h ≈ 2e-12.
  EXPECT_NEAR(forward_diff(function_1, 5.0), 0.200001, kCentralTol);
}

// First order: on exp at x = 1, halving h from 1e-2 to 5e-3 halves the error (about
// 1.4e-2 and 6.8e-3).
TEST(ForwardDiffTest, ErrorHalvesWhenStepHalves) {
  const double exact = std::numbers::e;
  const double coarse = std::abs(forward_diff(exp_fn, 1.0, 1e-2) - exact);
  const double fine = std::abs(forward_diff(exp_fn, 1.0, 5e-3) - exact);
  ASSERT_GT(fine, 0.0);
  EXPECT_NEAR(coarse / fine, 2.0, kRatioTol);
}

// The error matches its leading Taylor term h/2·f''(x) = e·h/2 at h = 1e-4.
TEST(ForwardDiffTest, ErrorIsHOverTwoTimesSecondDerivative) {
  const double h = 1e-4;
  const double error = forward_diff(exp_fn, 1.0, h) - std::numbers::e;
  EXPECT_NEAR(error, std::numbers::e * h / 2, kForwardTol);
}

// The tangent touches f at the point of contact: t(5) = f(5) = 0.75.
TEST(TangentLineTest, PassesThroughPointOfContact) {
  const Function1D t = tangent_line(function_1, 5.0);
  EXPECT_NEAR(t(5.0), 0.75, kRoundingTol);
}

// Its slope is f'(5) = 0.2 everywhere: t(x) = 0.75 + 0.2(x − 5), so t(0) = −0.25 and
// t(15) = 2.75 (the slope's 1e-12 error, times 10, stays below the tolerance).
TEST(TangentLineTest, SlopeIsDerivativeAtContactPoint) {
  const Function1D t = tangent_line(function_1, 5.0);
  EXPECT_NEAR(t(0.0), -0.25, kCentralTol);
  EXPECT_NEAR(t(15.0), 2.75, kCentralTol);
  EXPECT_NEAR(t(-20.0), -4.25, kCentralTol);
}

// A falling tangent away from 0: x² at −1 has t(x) = 1 − 2(x + 1), so t(0) = −1 and
// t(−3) = 5 (catches a slope taken at x instead of a, and x + a for x − a).
TEST(TangentLineTest, NegativeSlopeAtNegativePoint) {
  const Function1D t = tangent_line([](double x) { return x * x; }, -1.0);
  EXPECT_NEAR(t(-1.0), 1.0, kRoundingTol);
  EXPECT_NEAR(t(0.0), -1.0, kCentralTol);
  EXPECT_NEAR(t(-3.0), 5.0, kCentralTol);
}

// The slope and f(a) are computed once, in tangent_line: evaluating the line calls f no
// more (so the line does not depend on f still being alive).
TEST(TangentLineTest, EvaluatingTheLineDoesNotCallF) {
  int calls = 0;
  const Function1D counted = [&calls](double x) {
    ++calls;
    return x * x;
  };
  const Function1D t = tangent_line(counted, 2.0);
  ASSERT_GT(calls, 0) << "tangent_line must evaluate f to find f(a) and f'(a)";
  calls = 0;
  const double at_three = t(3.0);
  EXPECT_EQ(calls, 0);
  // t(x) = 4 + 4(x − 2).
  EXPECT_NEAR(at_three, 8.0, kCentralTol);
}

// The given example: f(x) = 0.01x² + 0.1x, so f(5) = 0.75 and f(10) = 2.
TEST(Function1ProvidedTest, BookExampleValues) {
  EXPECT_NEAR(function_1(5.0), 0.75, kRoundingTol);
  EXPECT_NEAR(function_1(10.0), 2.0, kRoundingTol);
  EXPECT_NEAR(function_1(0.0), 0.0, kRoundingTol);
}

}  // namespace
