// tests/04_learning_rate_lab_test.cpp: chapter 04, classify_run, learning_rate_sweep and
// gradient_ascent (and the given describe).
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <vector>

#include "chapters/04_learning_rate_lab/learning_rate_lab.h"
#include "common/format.h"

namespace {

// A central difference is exact on a quadratic in exact arithmetic; what is left is
// rounding, about ε·|f| / h = 2.2e-16 · 10 / 1e-4 ≈ 2e-11 in each gradient entry.
constexpr double kStepTol = 1e-9;
// On the bowl each step multiplies x by (1 ± 2·lr) up to that rounding; while |x| stays
// below a few hundred, the drift over 20–30 steps is ~1e-11 relative, far below this.
constexpr double kPathRelTol = 1e-9;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// A quadratic with a known gradient that differs in each coordinate:
//   g(x) = 3x₀² + x₀x₁ − 2x₁,   ∇g(x) = (6x₀ + x₁, x₀ − 2)
double tilted(const Vector& x) { return 3 * (x[0] * x[0]) + x[0] * x[1] - 2 * x[1]; }

// ----- classify_run -----

// f falls below 1e-12 first at step 3, so the run converged at step 3 (not 4, the end).
TEST(ClassifyRunTest, ConvergedAtFirstStepBelowThreshold) {
  const RunStatus s = classify_run({25, 1, 1e-6, 1e-13, 1e-20});
  EXPECT_EQ(s.outcome, Outcome::converged) << describe(s);
  EXPECT_EQ(s.step, 3);
}

// f passes 1e6 · f(x_0) = 2.5e7 first at step 2 (2.6e7), so it diverged at step 2.
TEST(ClassifyRunTest, DivergedWhenFGrowsAMillionfold) {
  const RunStatus s = classify_run({25, 100, 2.6e7, 1e9, 1e12});
  EXPECT_EQ(s.outcome, Outcome::diverged) << describe(s);
  EXPECT_EQ(s.step, 2);
}

// The limit is relative to f(x_0): from 25, f = 2e6 is only 80000 times worse.
TEST(ClassifyRunTest, GrowthBelowAMillionfoldIsStillMoving) {
  const RunStatus s = classify_run({25, 2e6, 2.4e7});
  EXPECT_EQ(s.outcome, Outcome::still_moving) << describe(s);
  EXPECT_EQ(s.step, 2);
}

// ... and from f(x_0) = 1, f = 2e6 is more than a millionfold: diverged at step 1.
TEST(ClassifyRunTest, LimitScalesWithTheStart) {
  const RunStatus s = classify_run({1, 2e6, 3});
  EXPECT_EQ(s.outcome, Outcome::diverged) << describe(s);
  EXPECT_EQ(s.step, 1);
}

// NaN fails every comparison, so it must be caught on its own: diverged where it appears.
TEST(ClassifyRunTest, NaNIsDivergence) {
  const RunStatus s = classify_run({25, 30, kNaN, kNaN});
  EXPECT_EQ(s.outcome, Outcome::diverged) << describe(s);
  EXPECT_EQ(s.step, 2);
}

// An overflow to infinity is divergence too.
TEST(ClassifyRunTest, InfinityIsDivergence) {
  const RunStatus s = classify_run({25, kInf});
  EXPECT_EQ(s.outcome, Outcome::diverged) << describe(s);
  EXPECT_EQ(s.step, 1);
}

// Neither rule ever holds: still moving, and the step reported is the last one, n.
TEST(ClassifyRunTest, StillMovingReportsTheLastStep) {
  const RunStatus s = classify_run({25, 20, 16, 12.8});
  EXPECT_EQ(s.outcome, Outcome::still_moving) << describe(s);
  EXPECT_EQ(s.step, 3);
}

// The earliest event decides, whichever rule it is, and later values do not matter.
TEST(ClassifyRunTest, FirstEventDecides) {
  const RunStatus down_then_up = classify_run({25, 1e-13, 1e9});
  EXPECT_EQ(down_then_up.outcome, Outcome::converged) << describe(down_then_up);
  EXPECT_EQ(down_then_up.step, 1);
  const RunStatus up_then_down = classify_run({25, 1e9, 1e-13});
  EXPECT_EQ(up_then_down.outcome, Outcome::diverged) << describe(up_then_down);
  EXPECT_EQ(up_then_down.step, 1);
}

// A run that starts at the minimum has converged at step 0, before any step.
TEST(ClassifyRunTest, StartAtMinimumConvergedAtStepZero) {
  const RunStatus s = classify_run({0.0});
  EXPECT_EQ(s.outcome, Outcome::converged) << describe(s);
  EXPECT_EQ(s.step, 0);
}

// No values at all is not a run.
TEST(ClassifyRunTest, EmptyThrows) { EXPECT_THROW(classify_run({}), std::invalid_argument); }

// ----- learning_rate_sweep -----

// One row per rate, in the given order, each with f at the start and after every step.
TEST(LearningRateSweepTest, OneRowPerRateWithFAtEveryStep) {
  const std::vector<double> rates = {0.1, 10.0, 1e-10};
  const std::vector<SweepRow> rows = learning_rate_sweep(function_2, {-3.0, 4.0}, rates, 20);
  ASSERT_EQ(rows.size(), 3u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].lr, rates[i]);
    ASSERT_EQ(rows[i].x.size(), 2u);
    ASSERT_EQ(rows[i].f_values.size(), 21u);
    EXPECT_EQ(rows[i].f_values.front(), 25.0);  // f(−3, 4) = 9 + 16, exact
    EXPECT_EQ(rows[i].f_values.back(), function_2(rows[i].x));
  }
}

// f along the path of lr 0.1 is 25 · 0.64^k: each step multiplies x by 0.8, f by 0.8².
TEST(LearningRateSweepTest, FValuesFollowTheBowlsClosedForm) {
  const std::vector<SweepRow> rows = learning_rate_sweep(function_2, {-3.0, 4.0}, {0.1}, 30);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].f_values.size(), 31u);
  for (std::size_t k = 0; k < rows[0].f_values.size(); ++k) {
    const double expected = 25.0 * std::pow(0.64, static_cast<double>(k));
    EXPECT_NEAR(rows[0].f_values[k] / expected, 1.0, kPathRelTol) << "at step " << k;
  }
}

// The book's lr = 0.1 run, with its verdict: 25 · 0.64^k < 1e-12 first at k = 70.
TEST(LearningRateSweepTest, LrPointOneConvergesAtStep70) {
  const std::vector<SweepRow> rows = learning_rate_sweep(function_2, {-3.0, 4.0}, {0.1}, 100);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].x.size(), 2u);
  EXPECT_EQ(sci(rows[0].x[0], 8), "-6.11110793e-10");
  EXPECT_EQ(sci(rows[0].x[1], 8), "8.14814391e-10");
  EXPECT_EQ(rows[0].status.outcome, Outcome::converged) << describe(rows[0].status);
  EXPECT_EQ(rows[0].status.step, 70);
}

// The book's lr = 10 figure, [-2.58983747e+13 -1.29524862e+12]; the verdict comes from
// 25 · 19^(2k) > 2.5e7, first true at k = 3.
TEST(LearningRateSweepTest, LrTenDivergesToTheBookFigure) {
  const std::vector<SweepRow> rows = learning_rate_sweep(function_2, {-3.0, 4.0}, {10.0}, 100);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].x.size(), 2u);
  EXPECT_EQ(sci(rows[0].x[0], 8), "-2.58983747e+13");
  EXPECT_EQ(sci(rows[0].x[1], 8), "-1.29524862e+12");
  EXPECT_EQ(rows[0].status.outcome, Outcome::diverged) << describe(rows[0].status);
  EXPECT_EQ(rows[0].status.step, 3);
}

// The book's lr = 1e-10 figure, [-2.99999994  3.99999992]: f is still about 25, so the
// run is still moving, not converged, though each step is only ~1e-9 long.
TEST(LearningRateSweepTest, TinyLrBarelyMovesToTheBookFigure) {
  const std::vector<SweepRow> rows = learning_rate_sweep(function_2, {-3.0, 4.0}, {1e-10}, 100);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].x.size(), 2u);
  EXPECT_EQ(fixed(rows[0].x[0], 8), "-2.99999994");
  EXPECT_EQ(fixed(rows[0].x[1], 8), "3.99999992");
  EXPECT_EQ(rows[0].status.outcome, Outcome::still_moving) << describe(rows[0].status);
  EXPECT_EQ(rows[0].status.step, 100);
}

// Each rate starts afresh from init_x: after lr 0.1 has reached ~0, lr 1e-10 still ends
// beside (−3, 4).
TEST(LearningRateSweepTest, EveryRateStartsFromInitX) {
  const std::vector<SweepRow> rows =
      learning_rate_sweep(function_2, {-3.0, 4.0}, {0.1, 1e-10}, 100);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[1].x.size(), 2u);
  EXPECT_EQ(fixed(rows[1].x[0], 8), "-2.99999994");
  EXPECT_EQ(fixed(rows[1].x[1], 8), "3.99999992");
}

// lr = 0.5 is this bowl's perfect rate: x − 0.5 · 2x = 0, the minimum in one step.
TEST(LearningRateSweepTest, HalfReachesTheMinimumInOneStep) {
  const std::vector<SweepRow> rows = learning_rate_sweep(function_2, {-3.0, 4.0}, {0.5}, 10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status.outcome, Outcome::converged) << describe(rows[0].status);
  EXPECT_EQ(rows[0].status.step, 1);
}

// lr = 1 multiplies x by 1 − 2 = −1: it bounces between (−3, 4) and (3, −4) forever,
// f stays 25, and the run is still moving after its 100 steps.
TEST(LearningRateSweepTest, LrOneBouncesForever) {
  constexpr double kBounceTol = 1e-6;  // 100 steps of ~1e-11 relative rounding each
  const std::vector<SweepRow> rows = learning_rate_sweep(function_2, {-3.0, 4.0}, {1.0}, 100);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].x.size(), 2u);
  EXPECT_NEAR(rows[0].x[0], -3.0, kBounceTol);  // an even number of bounces: back at the start
  EXPECT_NEAR(rows[0].x[1], 4.0, kBounceTol);
  EXPECT_NEAR(rows[0].f_values[1], 25.0, kBounceTol);
  EXPECT_EQ(rows[0].status.outcome, Outcome::still_moving) << describe(rows[0].status);
  EXPECT_EQ(rows[0].status.step, 100);
}

// No rates, no rows.
TEST(LearningRateSweepTest, NoRatesGiveNoRows) {
  EXPECT_TRUE(learning_rate_sweep(function_2, {-3.0, 4.0}, {}, 100).empty());
}

// ----- gradient_ascent -----

// One step is x + lr·∇g(x): at (1, 2) the gradient is (8, −1), so lr 0.1 gives (1.8, 1.9).
TEST(GradientAscentTest, OneStepAddsLrTimesGradient) {
  const DescentResult r = gradient_ascent(tilted, {1.0, 2.0}, 0.1, 1);
  ASSERT_EQ(r.x.size(), 2u);
  EXPECT_NEAR(r.x[0], 1.0 + 0.1 * 8.0, kStepTol);
  EXPECT_NEAR(r.x[1], 2.0 + 0.1 * -1.0, kStepTol);
}

// Ascent climbs: f rises at every step on the bowl, away from the minimum at 0.
TEST(GradientAscentTest, IncreasesFAtEveryStep) {
  const DescentResult r = gradient_ascent(function_2, {-3.0, 4.0}, 0.1, 20);
  ASSERT_EQ(r.path.size(), 21u);
  for (std::size_t k = 1; k < r.path.size(); ++k) {
    EXPECT_GT(function_2(r.path[k]), function_2(r.path[k - 1])) << "at step " << k;
  }
}

// On the bowl x_k = (1 + 2·lr)^k · x_0: lr 0.1 gives 1.2^k · (−3, 4), start and end included.
// (20 steps: x grows to ~190, where the gradient's rounding is still ~1e-12 relative.)
TEST(GradientAscentTest, PathGrowsByOnePlusTwoLr) {
  const Vector start = {-3.0, 4.0};
  const DescentResult r = gradient_ascent(function_2, start, 0.1, 20);
  ASSERT_EQ(r.path.size(), 21u);
  EXPECT_EQ(r.path.front(), start);
  EXPECT_EQ(r.path.back(), r.x);
  for (std::size_t k = 0; k < r.path.size(); ++k) {
    const double factor = std::pow(1.2, static_cast<double>(k));
    ASSERT_EQ(r.path[k].size(), 2u);
    EXPECT_NEAR(r.path[k][0] / (factor * start[0]), 1.0, kPathRelTol) << "at step " << k;
    EXPECT_NEAR(r.path[k][1] / (factor * start[1]), 1.0, kPathRelTol) << "at step " << k;
  }
}

// A negative number of steps is an error, as for gradient_descent.
TEST(GradientAscentTest, NegativeStepsThrow) {
  EXPECT_THROW(gradient_ascent(function_2, {-3.0, 4.0}, 0.1, -1), std::invalid_argument);
}

// ----- given: describe -----

// The words the program prints for each verdict.
TEST(DescribeProvidedTest, WordsForEachOutcome) {
  EXPECT_EQ(describe({Outcome::converged, 70}), "converged at step 70");
  EXPECT_EQ(describe({Outcome::still_moving, 100}), "still moving");
  EXPECT_EQ(describe({Outcome::diverged, 3}), "diverged at step 3");
}

}  // namespace
