// tests/03_gradient_descent_test.cpp: lesson 03, gradient_step and gradient_descent.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/03_gradient_descent/gradient_descent.h"
#include "common/format.h"
#include "tests/support/expect.h"

namespace {

// A central difference is exact on a quadratic in exact arithmetic; what is left is
// rounding, about ε·|f| / h = 2.2e-16 · 10 / 1e-4 ≈ 2e-11 in each gradient entry.
constexpr double kStepTol = 1e-9;
// On the bowl each step multiplies x by (1 − 2·lr) up to that rounding; over 100 steps
// the relative drift stays far below this.
constexpr double kPathRelTol = 1e-9;

// A quadratic whose gradient is known and differs in each coordinate, so a wrong sign,
// a forgotten lr or swapped axes all give a different point:
//   g(x) = 3x₀² + x₀x₁ − 2x₁,   ∇g(x) = (6x₀ + x₁, x₀ − 2)
double tilted(const Vector& x) { return 3 * (x[0] * x[0]) + x[0] * x[1] - 2 * x[1]; }

// ----- gradient_step -----

// One step is x − lr·∇g(x): at (1, 2) the gradient is (8, −1), so lr 0.1 gives (0.2, 2.1).
TEST(GradientStepTest, SubtractsLrTimesGradient) {
  const Vector x = gradient_step(tilted, {1.0, 2.0}, 0.1);
  ASSERT_EQ(x.size(), 2u);
  EXPECT_NEAR(x[0], 1.0 - 0.1 * 8.0, kStepTol);
  EXPECT_NEAR(x[1], 2.0 - 0.1 * -1.0, kStepTol);
}

// The step goes downhill: g at the new point is lower than at the old one.
TEST(GradientStepTest, LowersTheFunction) {
  const Vector x0 = {1.0, 2.0};
  EXPECT_LT(tilted(gradient_step(tilted, x0, 0.05)), tilted(x0));
}

// The learning rate scales the step: lr 0.5 moves five times as far as lr 0.1.
TEST(GradientStepTest, StepIsProportionalToLr) {
  const Vector x = gradient_step(tilted, {1.0, 2.0}, 0.5);
  ASSERT_EQ(x.size(), 2u);
  EXPECT_NEAR(x[0], 1.0 - 0.5 * 8.0, kStepTol);
  EXPECT_NEAR(x[1], 2.0 - 0.5 * -1.0, kStepTol);
}

// lr = 0 returns the point unchanged, to the last bit.
TEST(GradientStepTest, ZeroLrStaysPut) {
  const Vector x = gradient_step(tilted, {1.0, 2.0}, 0.0);
  ASSERT_EQ(x.size(), 2u);
  EXPECT_EQ(x[0], 1.0);
  EXPECT_EQ(x[1], 2.0);
}

// Any number of coordinates: on Σ xᵢ² in 3-D, ∇f = 2x and lr 0.25 halves every entry.
TEST(GradientStepTest, WorksInThreeDimensions) {
  const Vector x = gradient_step(function_2, {2.0, -4.0, 6.0}, 0.25);
  ASSERT_EQ(x.size(), 3u);
  EXPECT_NEAR(x[0], 1.0, kStepTol);
  EXPECT_NEAR(x[1], -2.0, kStepTol);
  EXPECT_NEAR(x[2], 3.0, kStepTol);
}

// ----- gradient_descent -----

// The path holds the start, then one point per step: step_num + 1 points, the last
// being the returned end point.
TEST(GradientDescentTest, PathHasStartEveryStepAndEnd) {
  const Vector start = {-3.0, 4.0};
  const DescentResult r = gradient_descent(function_2, start, 0.1, 5);
  ASSERT_EQ(r.path.size(), 6u);
  ASSERT_EQ(r.x.size(), 2u);
  EXPECT_EQ(r.path.front(), start);
  EXPECT_EQ(r.path.back(), r.x);
}

// The first step of the walk is x₀ − lr·∇g(x₀), with the known gradient (8, −1) at (1, 2).
TEST(GradientDescentTest, FirstStepSubtractsLrTimesGradient) {
  const DescentResult r = gradient_descent(tilted, {1.0, 2.0}, 0.1, 3);
  ASSERT_EQ(r.path.size(), 4u);
  ASSERT_EQ(r.path[1].size(), 2u);
  EXPECT_NEAR(r.path[1][0], 0.2, kStepTol);
  EXPECT_NEAR(r.path[1][1], 2.1, kStepTol);
}

// On the bowl ∇f = 2x, so x_{k+1} = (1 − 2·lr)·x_k and x_k = 0.8^k · x_0 for lr 0.1:
// every point of the path, which holds only if the gradient is retaken at each point.
TEST(GradientDescentTest, EveryStepShrinksTheBowlByOneMinusTwoLr) {
  const Vector start = {-3.0, 4.0};
  const DescentResult r = gradient_descent(function_2, start, 0.1, 30);
  ASSERT_EQ(r.path.size(), 31u);
  for (std::size_t k = 0; k < r.path.size(); ++k) {
    const double factor = std::pow(0.8, static_cast<double>(k));
    ASSERT_EQ(r.path[k].size(), 2u);
    EXPECT_RELATIVE_GAP_BELOW(r.path[k], (Vector{factor * start[0], factor * start[1]}),
                              kPathRelTol)
        << "at step " << k;
  }
}

// The book's figure: from (−3, 4), lr 0.1, 100 steps, numpy prints
// [-6.11110793e-10  8.14814391e-10].
TEST(GradientDescentTest, BookFigureFromMinus3And4) {
  const DescentResult r = gradient_descent(function_2, {-3.0, 4.0}, 0.1, 100);
  ASSERT_EQ(r.x.size(), 2u);
  ASSERT_EQ(r.path.size(), 101u);
  EXPECT_EQ(sci(r.x[0], 8), "-6.11110793e-10");
  EXPECT_EQ(sci(r.x[1], 8), "8.14814391e-10");
}

// lr = 0 never moves: every point of the path is the start, bit for bit.
TEST(GradientDescentTest, ZeroLearningRateStaysPut) {
  const Vector start = {-3.0, 4.0};
  const DescentResult r = gradient_descent(function_2, start, 0.0, 10);
  ASSERT_EQ(r.path.size(), 11u);
  for (const Vector& p : r.path) EXPECT_EQ(p, start);
  EXPECT_EQ(r.x, start);
}

// Zero steps: the end is the start and the path is that one point.
TEST(GradientDescentTest, ZeroStepsReturnsTheStart) {
  const Vector start = {1.5, -2.5};
  const DescentResult r = gradient_descent(function_2, start, 0.1, 0);
  ASSERT_EQ(r.path.size(), 1u);
  EXPECT_EQ(r.path[0], start);
  EXPECT_EQ(r.x, start);
}

// A negative number of steps is an error, not an empty walk; the message names
// gradient_descent and the count it was given.
TEST(GradientDescentTest, NegativeStepsThrowNamingTheFunction) {
  const std::string message = invalid_argument_message([] {
    gradient_descent(function_2, {-3.0, 4.0}, 0.1, -1);
  });
  EXPECT_TRUE(mentions(message, "gradient_descent")) << message;
  EXPECT_TRUE(mentions(message, "-1")) << message;
}

}  // namespace
