// tests/04_learning_rate_lab_test.cpp: lesson 04, predicted_outcome, find_lr_limit and
// classify_run (and the given learning_rate_sweep and describe).
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "chapters/04_learning_rate_lab/learning_rate_lab.h"
#include "common/format.h"
#include "tests/support/expect.h"

namespace {

// On the bowl each step multiplies x by (1 − 2·lr) up to the rounding of the numerical
// gradient, about ε·|f| / h = 2.2e-16 · 25 / 1e-4 ≈ 6e-11 in each entry, ~1e-11 relative;
// over 30 steps the relative drift stays far below this.
constexpr double kPathRelTol = 1e-9;
// A limit found by bisection: the bracket is narrower than 1e-11 after 40 rounds, and the
// gradient's ~1e-11 relative rounding blurs where |1 − lr·c| crosses 1 by about as much.
// A threshold off by a factor 2, or a bracket kept on the wrong side, misses by > 1e-2.
constexpr double kLimitTol = 1e-9;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// ----- predicted_outcome -----

// The bowl x0² + x1² curves by 2: r = 1 − 2·lr, and |r| < 1 for every lr in (0, 1),
// including 0.9 (r = −0.8: it jumps across the minimum but shrinks) and 0.999.
TEST(PredictedOutcomeTest, BowlConvergesForEveryLrBetweenZeroAndOne) {
  for (double lr : {1e-10, 0.1, 0.5, 0.9, 0.999}) {
    EXPECT_EQ(predicted_outcome(lr, 2.0), Outcome::converged) << "lr " << lr;
  }
}

// At lr = 1, r = −1: x bounces between x_0 and −x_0 for ever; at lr = 0, r = 1: it never
// moves. Neither converges nor diverges.
TEST(PredictedOutcomeTest, BowlNeitherConvergesNorDivergesAtLrOneOrZero) {
  EXPECT_EQ(predicted_outcome(1.0, 2.0), Outcome::still_moving);
  EXPECT_EQ(predicted_outcome(0.0, 2.0), Outcome::still_moving);
}

// Past lr = 1, |r| = 2·lr − 1 > 1: 1.001, the book's 1.1 and 10 (r = −19) all diverge.
TEST(PredictedOutcomeTest, BowlDivergesAboveLrOne) {
  for (double lr : {1.001, 1.1, 10.0}) {
    EXPECT_EQ(predicted_outcome(lr, 2.0), Outcome::diverged) << "lr " << lr;
  }
}

// A negative rate is the sign flip, gradient ascent: r = 1 + 2·|lr| > 1, however small.
TEST(PredictedOutcomeTest, NegativeLrIsAscentAndDiverges) {
  EXPECT_EQ(predicted_outcome(-0.1, 2.0), Outcome::diverged);
  EXPECT_EQ(predicted_outcome(-1e-6, 2.0), Outcome::diverged);
}

// The limit is 2/c: a bowl ten times steeper (c = 20) stops converging at 0.1, a
// shallower one (c = 0.5) only at 4.
TEST(PredictedOutcomeTest, LimitIsTwoOverTheCurvature) {
  EXPECT_EQ(predicted_outcome(0.09, 20.0), Outcome::converged);
  EXPECT_EQ(predicted_outcome(0.11, 20.0), Outcome::diverged);
  EXPECT_EQ(predicted_outcome(3.9, 0.5), Outcome::converged);
  EXPECT_EQ(predicted_outcome(4.1, 0.5), Outcome::diverged);
  EXPECT_EQ(predicted_outcome(4.0, 0.5), Outcome::still_moving);  // r = 1 − 2 = −1 exactly
}

// A curvature of 0 or less is no bowl: an error that names predicted_outcome.
TEST(PredictedOutcomeTest, NoBowlThrowsNamingTheFunction) {
  for (double c : {0.0, -2.0, kNaN}) {
    const std::string message = invalid_argument_message([c] { predicted_outcome(0.1, c); });
    EXPECT_TRUE(mentions(message, "predicted_outcome")) << "curvature " << c << ": " << message;
  }
}

// A curvature of +inf is no bowl either (lr·c is inf for any lr > 0, 0·inf NaN at lr = 0):
// refused, naming predicted_outcome.
TEST(PredictedOutcomeTest, InfiniteCurvatureThrowsNamingTheFunction) {
  const std::string message = invalid_argument_message([] { predicted_outcome(0.1, kInf); });
  EXPECT_TRUE(mentions(message, "predicted_outcome")) << message;
}

// ----- find_lr_limit -----

// 10·x0², a parabola of curvature 20: its limit is 2/20 = 0.1.
double steep_parabola(const Vector& x) { return 10 * (x[0] * x[0]); }

// x0² + 10·x1²: curvature 2 along x0, 20 along x1.
double steep_bowl(const Vector& x) { return x[0] * x[0] + 10 * (x[1] * x[1]); }

// The experiment finds what the formula predicts: on x0² + x1², descent stops converging
// at lr = 1.
TEST(FindLrLimitTest, BowlStopsConvergingAtLrOne) {
  const LrBracket b = find_lr_limit(function_2, {-3.0, 4.0}, 0.25, 2.0, 30, 40);
  EXPECT_NEAR(b.lo, 1.0, kLimitTol);
  EXPECT_NEAR(b.hi, 1.0, kLimitTol);
}

// Any curvature: on 10·x0² the limit is 2/20 = 0.1.
TEST(FindLrLimitTest, SteepParabolaStopsAtTwoOverTheCurvature) {
  const LrBracket b = find_lr_limit(steep_parabola, {1.0}, 0.01, 0.5, 30, 40);
  EXPECT_NEAR(b.lo, 0.1, kLimitTol);
  EXPECT_NEAR(b.hi, 0.1, kLimitTol);
}

// Each round halves the bracket and keeps the side where the change is: from [0.25, 2]
// the midpoints 1.125 (diverges) and 0.6875 (converges) give [0.25, 1.125], then
// [0.6875, 1.125]; no rounds give the bracket back.
TEST(FindLrLimitTest, EachRoundKeepsTheHalfHoldingTheLimit) {
  const LrBracket none = find_lr_limit(function_2, {-3.0, 4.0}, 0.25, 2.0, 30, 0);
  EXPECT_EQ(none.lo, 0.25);
  EXPECT_EQ(none.hi, 2.0);
  const LrBracket one = find_lr_limit(function_2, {-3.0, 4.0}, 0.25, 2.0, 30, 1);
  EXPECT_EQ(one.lo, 0.25);
  EXPECT_EQ(one.hi, 1.125);
  const LrBracket two = find_lr_limit(function_2, {-3.0, 4.0}, 0.25, 2.0, 30, 2);
  EXPECT_EQ(two.lo, 0.6875);
  EXPECT_EQ(two.hi, 1.125);
}

// `rounds` rounds, not one more or less: after 10 the width is 1.75 / 2^10 exactly
// (halving sums of a few binary fractions is exact in double).
TEST(FindLrLimitTest, WidthHalvesOncePerRound) {
  const LrBracket b = find_lr_limit(function_2, {-3.0, 4.0}, 0.25, 2.0, 30, 10);
  EXPECT_EQ(b.hi - b.lo, 1.75 / 1024);
  EXPECT_LE(b.lo, 1.0);
  EXPECT_GE(b.hi, 1.0);
}

// The runs take step_num steps and compare the end with the start. On x0² + 10·x1² from
// (1, 1), f(x_n) − f(x_0) = (1 − 2·lr)^(2n) + 10·(1 − 20·lr)^(2n) − 11 in exact
// arithmetic; for n = 100 it changes sign at 0.10002383…, not at 0.1: the shallow axis
// still falls while the steep one has begun to grow. (One step only would give 0.1009,
// the last step alone 0.1.)
TEST(FindLrLimitTest, SteepBowlMatchesTheClosedFormOfItsRuns) {
  const auto end_minus_start = [](double lr) {
    return std::pow(1 - 2 * lr, 200) + 10 * std::pow(1 - 20 * lr, 200) - 11;
  };
  // The closed form's sign change, by bisection on the formula itself (no gradients).
  double lo = 0.05, hi = 0.2;
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    (end_minus_start(mid) < 0 ? lo : hi) = mid;
  }
  const LrBracket b = find_lr_limit(steep_bowl, {1.0, 1.0}, 0.05, 0.2, 100, 40);
  EXPECT_NEAR(b.lo, lo, kLimitTol);
  EXPECT_NEAR(b.hi, lo, kLimitTol);
}

// A bracket must straddle the limit: [0.2, 0.8] converges at both ends, [1.2, 2] at
// neither. Each refusal names find_lr_limit.
TEST(FindLrLimitTest, RefusesABracketOnOneSideOfTheLimit) {
  for (const auto& [lo, hi] : {std::pair{0.2, 0.8}, std::pair{1.2, 2.0}}) {
    const std::string message = invalid_argument_message([&] {
      find_lr_limit(function_2, {-3.0, 4.0}, lo, hi, 30, 5);
    });
    EXPECT_TRUE(mentions(message, "find_lr_limit")) << "[" << lo << ", " << hi << "]: " << message;
  }
}

// lo must be below hi.
TEST(FindLrLimitTest, RefusesAnEmptyBracket) {
  for (const auto& [lo, hi] : {std::pair{1.0, 1.0}, std::pair{2.0, 0.25}}) {
    const std::string message = invalid_argument_message([&] {
      find_lr_limit(function_2, {-3.0, 4.0}, lo, hi, 30, 5);
    });
    EXPECT_TRUE(mentions(message, "find_lr_limit")) << "[" << lo << ", " << hi << "]: " << message;
  }
}

// A run needs a step, and rounds cannot be negative; the message names find_lr_limit,
// the function you called, not gradient_descent.
TEST(FindLrLimitTest, RefusesNoStepsOrNegativeRoundsUnderItsOwnName) {
  const std::string no_steps = invalid_argument_message([] {
    find_lr_limit(function_2, {-3.0, 4.0}, 0.25, 2.0, -1, 5);
  });
  EXPECT_TRUE(mentions(no_steps, "find_lr_limit")) << no_steps;
  EXPECT_FALSE(mentions(no_steps, "gradient_descent")) << no_steps;
  const std::string negative_rounds = invalid_argument_message([] {
    find_lr_limit(function_2, {-3.0, 4.0}, 0.25, 2.0, 30, -1);
  });
  EXPECT_TRUE(mentions(negative_rounds, "find_lr_limit")) << negative_rounds;
}

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

// No values at all is not a run: an error that names classify_run.
TEST(ClassifyRunTest, EmptyThrowsNamingClassifyRun) {
  const std::string message = invalid_argument_message([] { classify_run({}); });
  EXPECT_TRUE(mentions(message, "classify_run")) << message;
}

// ----- given: learning_rate_sweep, on your gradient_descent and classify_run -----

// One row per rate, in the given order, each with f at the start and after every step.
TEST(LearningRateSweepProvidedTest, OneRowPerRateWithFAtEveryStep) {
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
TEST(LearningRateSweepProvidedTest, FValuesFollowTheBowlsClosedForm) {
  const std::vector<SweepRow> rows = learning_rate_sweep(function_2, {-3.0, 4.0}, {0.1}, 30);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].f_values.size(), 31u);
  for (std::size_t k = 0; k < rows[0].f_values.size(); ++k) {
    const double expected = 25.0 * std::pow(0.64, static_cast<double>(k));
    EXPECT_NEAR(rows[0].f_values[k] / expected, 1.0, kPathRelTol) << "at step " << k;
  }
}

// The book's lr = 0.1 run, with its verdict: 25 · 0.64^k < 1e-12 first at k = 70.
TEST(LearningRateSweepProvidedTest, LrPointOneConvergesAtStep70) {
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
TEST(LearningRateSweepProvidedTest, LrTenDivergesToTheBookFigure) {
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
TEST(LearningRateSweepProvidedTest, TinyLrBarelyMovesToTheBookFigure) {
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
TEST(LearningRateSweepProvidedTest, EveryRateStartsFromInitX) {
  const std::vector<SweepRow> rows =
      learning_rate_sweep(function_2, {-3.0, 4.0}, {0.1, 1e-10}, 100);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[1].x.size(), 2u);
  EXPECT_EQ(fixed(rows[1].x[0], 8), "-2.99999994");
  EXPECT_EQ(fixed(rows[1].x[1], 8), "3.99999992");
}

// lr = 0.5 is this bowl's perfect rate: x − 0.5 · 2x = 0, the minimum in one step.
TEST(LearningRateSweepProvidedTest, HalfReachesTheMinimumInOneStep) {
  const std::vector<SweepRow> rows = learning_rate_sweep(function_2, {-3.0, 4.0}, {0.5}, 10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status.outcome, Outcome::converged) << describe(rows[0].status);
  EXPECT_EQ(rows[0].status.step, 1);
}

// lr = 1 multiplies x by 1 − 2 = −1: it bounces between (−3, 4) and (3, −4) forever,
// f stays 25, and the run is still moving after its 100 steps.
TEST(LearningRateSweepProvidedTest, LrOneBouncesForever) {
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
TEST(LearningRateSweepProvidedTest, NoRatesGiveNoRows) {
  EXPECT_TRUE(learning_rate_sweep(function_2, {-3.0, 4.0}, {}, 100).empty());
}

// A negative number of steps is refused under the sweep's own name.
TEST(LearningRateSweepProvidedTest, NegativeStepsThrowNamingTheSweep) {
  const std::string message = invalid_argument_message([] {
    learning_rate_sweep(function_2, {-3.0, 4.0}, {0.1}, -1);
  });
  EXPECT_TRUE(mentions(message, "learning_rate_sweep")) << message;
}

// ----- given: describe -----

// The words the program prints for each verdict.
TEST(DescribeProvidedTest, WordsForEachOutcome) {
  EXPECT_EQ(describe({Outcome::converged, 70}), "converged at step 70");
  EXPECT_EQ(describe({Outcome::still_moving, 100}), "still moving");
  EXPECT_EQ(describe({Outcome::diverged, 3}), "diverged at step 3");
}

}  // namespace
