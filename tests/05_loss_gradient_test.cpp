// tests/05_loss_gradient_test.cpp: lesson 05, softmax, sum_squared_error,
// cross_entropy_error and the simple net (predict, loss, numerical_gradient).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "chapters/05_loss_gradient/loss.h"
#include "tests/support/expect.h"

namespace {

// A few exp/log/divisions of numbers near 1: the same formula in another order of
// operations agrees to ~1e-15; a wrong formula misses by far more than 1e-12.
constexpr double kRoundingTol = 1e-12;
// For values printed by numpy to 8 decimals (the book's softmax output): rounding ≤ 5e-9.
constexpr double kPrinted8Tol = 5e-9;
// Tiny probabilities (2e-9) are compared relative to their size; exp() and one division
// each lose at most a few ε.
constexpr double kRelativeTol = 1e-12;
// A central-difference gradient with h = 1e-4 against values worked out to 8 decimals:
// rounding of the figures ≤ 5e-9, plus the estimate's own error (h²·f'''/6 ≈ 1e-9).
// A forward difference errs by ~1e-5 here, a wrong h or sign by far more.
constexpr double kGradientTol = 1e-8;

// The book's W, x and t for the simple net, exactly as it prints them.
Matrix book_W() {
  return {{0.47355232, 0.9977393, 0.84668094}, {0.85557411, 0.03563661, 0.69422093}};
}
Matrix book_x() { return {{0.6, 0.9}}; }
Matrix book_t() { return {{0, 0, 1}}; }

// The book's loss examples (4.2.1, 4.2.2): ten classes, the truth is class 2, and the
// net puts 0.6 on class 2 (right) or on class 7 (wrong, class 2 then gets 0.1).
Matrix book_label() { return {{0, 0, 1, 0, 0, 0, 0, 0, 0, 0}}; }
Matrix book_right_guess() { return {{0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0}}; }
Matrix book_wrong_guess() { return {{0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0}}; }

// --- softmax ------------------------------------------------------------------------

// The book's example: softmax([0.3, 2.9, 4.0]) prints [0.01821127 0.24519181 0.73659691].
TEST(SoftmaxTest, BookExample) {
  const Matrix y = softmax(Matrix{{0.3, 2.9, 4.0}});
  ASSERT_EQ(y.rows(), 1u);
  ASSERT_EQ(y.cols(), 3u);
  EXPECT_NEAR(y(0, 0), 0.01821127, kPrinted8Tol);
  EXPECT_NEAR(y(0, 1), 0.24519181, kPrinted8Tol);
  EXPECT_NEAR(y(0, 2), 0.73659691, kPrinted8Tol);
}

// Scores of 1000 and more: exp(1000) alone is inf, so without subtracting the maximum
// the result is inf/inf = NaN. Equal scores share the probability equally.
TEST(SoftmaxTest, ScoresOfAThousandGiveNoInf) {
  const Matrix y = softmax(Matrix{{1000, 1000}});
  ASSERT_EQ(y.cols(), 2u);
  EXPECT_NEAR(y(0, 0), 0.5, kRoundingTol);
  EXPECT_NEAR(y(0, 1), 0.5, kRoundingTol);
}

// The book's overflow example [1010, 1000, 990]: with the maximum taken out the scores
// are (0, −10, −20), so y = (1, e⁻¹⁰, e⁻²⁰) / (1 + e⁻¹⁰ + e⁻²⁰).
TEST(SoftmaxTest, LargeScoresMatchClosedForm) {
  const Matrix y = softmax(Matrix{{1010, 1000, 990}});
  ASSERT_EQ(y.cols(), 3u);
  const double total = 1.0 + std::exp(-10.0) + std::exp(-20.0);
  const double expected[] = {1.0 / total, std::exp(-10.0) / total, std::exp(-20.0) / total};
  for (int k = 0; k < 3; ++k) {
    ASSERT_TRUE(std::isfinite(y(0, k))) << "entry " << k;
    EXPECT_NEAR(y(0, k), expected[k], kRelativeTol * expected[k]) << "entry " << k;
  }
}

// Each row is one example: each row sums to 1 on its own (not the whole batch).
TEST(SoftmaxTest, EachRowSumsToOne) {
  const Matrix y = softmax(Matrix{{1, 2, 3, 4}, {-1, 0, 5, 2}, {0.5, 0.5, 0.5, 0.5}});
  ASSERT_EQ(y.rows(), 3u);
  ASSERT_EQ(y.cols(), 4u);
  const Matrix totals = row_sums(y);
  for (std::size_t b = 0; b < 3; ++b) EXPECT_NEAR(totals(b, 0), 1.0, kRoundingTol) << "row " << b;
  EXPECT_NEAR(y(2, 0), 0.25, kRoundingTol);
}

// Each row subtracts its own maximum: a row of large scores beside a row of small ones.
// (One maximum for the whole batch, or per column, leaves exp(−1000) = 0 in every entry
// of the second row: 0/0.) Both rows are (0, −1, −2) after the shift, in some order.
TEST(SoftmaxTest, EachRowUsesItsOwnMaximum) {
  const Matrix y = softmax(Matrix{{1000, 999, 998}, {0, 1, 2}});
  ASSERT_EQ(y.rows(), 2u);
  ASSERT_EQ(y.cols(), 3u);
  const double total = 1.0 + std::exp(-1.0) + std::exp(-2.0);
  const double p[] = {1.0 / total, std::exp(-1.0) / total, std::exp(-2.0) / total};
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(y(0, k), p[k], kRoundingTol) << "row 0, entry " << k;
    EXPECT_NEAR(y(1, 2 - k), p[k], kRoundingTol) << "row 1, entry " << 2 - k;
  }
}

// A row with no scores has no probabilities: the error names softmax, the function called.
TEST(SoftmaxTest, NoColumnsThrowsNamingSoftmax) {
  const std::string message = invalid_argument_message([] { softmax(Matrix(2, 0)); });
  EXPECT_TRUE(mentions(message, "softmax")) << message;
}

// --- sum_squared_error ------------------------------------------------------------------

// The book's first example (4.2.1): ½ Σ (y − t)² = ½ (0.1² + 0.05² + 0.4² + 0.05² + 0.1² +
// 0.1²) = ½ · 0.195 = 0.0975 (the book prints 0.097500000000000031). Without the ½: 0.195.
TEST(SumSquaredErrorTest, BookExampleRightGuess) {
  EXPECT_NEAR(sum_squared_error(book_right_guess(), book_label()), 0.0975, kRoundingTol);
}

// The book's second example: ½ (0.1² + 0.05² + 0.9² + 0.05² + 0.1² + 0.6²) = ½ · 1.195 =
// 0.5975 (printed 0.59750000000000003). The wrong guess has the larger loss.
TEST(SumSquaredErrorTest, BookExampleWrongGuess) {
  EXPECT_NEAR(sum_squared_error(book_wrong_guess(), book_label()), 0.5975, kRoundingTol);
}

// Every class counts, not only the true one: y = (0.5, 0.5, 0) against t = (0, 1, 0) is
// ½ (0.5² + 0.5²) = 0.25; with the probability on the wrong class moved to the third
// class, still 0.25; a loss of the true class alone would give ½ · 0.5² = 0.125.
TEST(SumSquaredErrorTest, EveryClassCounts) {
  const Matrix t = {{0, 1, 0}};
  EXPECT_NEAR(sum_squared_error(Matrix{{0.5, 0.5, 0}}, t), 0.25, kRoundingTol);
  EXPECT_NEAR(sum_squared_error(Matrix{{0, 0.5, 0.5}}, t), 0.25, kRoundingTol);
}

// A batch: the mean over its rows, (0.0975 + 0.5975) / 2 = 0.3475, not the sum 0.695 and
// not divided by the 20 entries (0.03475).
TEST(SumSquaredErrorTest, AveragesOverTheBatchRows) {
  const Matrix y = {{0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0},
                    {0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0}};
  const Matrix t = {{0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 1, 0, 0, 0, 0, 0, 0, 0}};
  EXPECT_NEAR(sum_squared_error(y, t), 0.3475, kRoundingTol);
}

// Labels of another shape are an error that names the function and both shapes.
TEST(SumSquaredErrorTest, ShapeMismatchThrowsNamingBothShapes) {
  const std::string message = invalid_argument_message([] {
    sum_squared_error(Matrix{{0.2, 0.8}}, Matrix{{0, 0, 1}});
  });
  EXPECT_TRUE(mentions(message, "sum_squared_error")) << message;
  EXPECT_TRUE(mentions(message, "(1x2)") && mentions(message, "(1x3)")) << message;
}

// An empty batch has no mean: an error naming the function, not 0/0 = NaN.
TEST(SumSquaredErrorTest, EmptyBatchThrowsNamingTheFunction) {
  const std::string message =
      invalid_argument_message([] { sum_squared_error(Matrix(0, 10), Matrix(0, 10)); });
  EXPECT_TRUE(mentions(message, "sum_squared_error")) << message;
}

// --- cross_entropy_error --------------------------------------------------------------

// The book's example (4.2.2), true class 2 given probability 0.6: −log(0.6 + 1e-7), which
// the book prints as 0.51082545709933802.
TEST(CrossEntropyErrorTest, BookExampleRightGuess) {
  EXPECT_NEAR(cross_entropy_error(book_right_guess(), book_label()), 0.51082545709933802,
              kRoundingTol);
}

// The book's second example: the net bets 0.6 on class 7, the truth (class 2) gets 0.1,
// so the loss is −log(0.1 + 1e-7), printed 2.3025840929945458.
TEST(CrossEntropyErrorTest, BookExampleWrongGuess) {
  EXPECT_NEAR(cross_entropy_error(book_wrong_guess(), book_label()), 2.3025840929945458,
              kRoundingTol);
}

// Probability 0 for the true class: the 1e-7 makes the loss −log(1e-7) ≈ 16.118, large
// but finite (without it, −log(0) = inf).
TEST(CrossEntropyErrorTest, ZeroProbabilityGivesLargeFiniteLoss) {
  const Matrix t = {{1, 0}};
  const Matrix y = {{0, 1}};
  EXPECT_NEAR(cross_entropy_error(y, t), -std::log(1e-7), kRoundingTol);
}

// A batch: the mean of the rows' losses, divided by the 2 rows (not the sum, and not
// divided by the 6 entries).
TEST(CrossEntropyErrorTest, AveragesOverTheBatchRows) {
  const Matrix t = {{0, 1, 0}, {1, 0, 0}};
  const Matrix y = {{0.2, 0.6, 0.2}, {0.1, 0.7, 0.2}};
  const double expected = (-std::log(0.6 + 1e-7) - std::log(0.1 + 1e-7)) / 2.0;
  EXPECT_NEAR(cross_entropy_error(y, t), expected, kRoundingTol);
}

// Labels that do not match the predictions' shape are an error, not a silent number; it
// names the function and both shapes.
TEST(CrossEntropyErrorTest, ShapeMismatchThrowsNamingBothShapes) {
  const std::string message = invalid_argument_message([] {
    cross_entropy_error(Matrix{{0.2, 0.8}}, Matrix{{0, 0, 1}});
  });
  EXPECT_TRUE(mentions(message, "cross_entropy_error")) << message;
  EXPECT_TRUE(mentions(message, "(1x2)") && mentions(message, "(1x3)")) << message;
}

// An empty batch has no mean loss: an error naming the function, not 0/0 = NaN.
TEST(CrossEntropyErrorTest, EmptyBatchThrowsNamingTheFunction) {
  const std::string message =
      invalid_argument_message([] { cross_entropy_error(Matrix(0, 10), Matrix(0, 10)); });
  EXPECT_TRUE(mentions(message, "cross_entropy_error")) << message;
}

// --- SimpleNet ----------------------------------------------------------------------

// predict is x · W, the raw scores: with the book's W and x = (0.6, 0.9), exactly
// (0.6·0.47355232 + 0.9·0.85557411, …) = (1.054148091, 0.630716529, 1.132807401).
TEST(SimpleNetTest, PredictIsInputTimesWeights) {
  const SimpleNet net{book_W()};
  const Matrix p = net.predict(book_x());
  ASSERT_EQ(p.rows(), 1u);
  ASSERT_EQ(p.cols(), 3u);
  EXPECT_NEAR(p(0, 0), 1.054148091, kRoundingTol);
  EXPECT_NEAR(p(0, 1), 0.630716529, kRoundingTol);
  EXPECT_NEAR(p(0, 2), 1.132807401, kRoundingTol);
}

// An input that is not two numbers wide does not fit W (2,3): the product refuses it
// and names both shapes.
TEST(SimpleNetTest, PredictRejectsAnInputOfTheWrongWidth) {
  const SimpleNet net{book_W()};
  const std::string message = invalid_argument_message([&] { net.predict(Matrix{{1, 2, 3}}); });
  EXPECT_TRUE(mentions(message, "(1x3)") && mentions(message, "(2x3)")) << message;
}

// One row of scores per input row.
TEST(SimpleNetTest, PredictsEveryRowOfABatch) {
  const SimpleNet net{book_W()};
  const Matrix p = net.predict(Matrix{{0.6, 0.9}, {1, 0}});
  ASSERT_EQ(p.rows(), 2u);
  ASSERT_EQ(p.cols(), 3u);
  EXPECT_NEAR(p(1, 0), 0.47355232, kRoundingTol);
  EXPECT_NEAR(p(1, 2), 0.84668094, kRoundingTol);
}

// loss = −log(softmax(x·W)[2] + 1e-7) for the book's W as printed: 0.9280682857864075.
// (The book prints 0.92806853663411326: see the lesson's "going deeper" on the last digits.)
TEST(SimpleNetTest, LossBookExample) {
  const SimpleNet net{book_W()};
  EXPECT_NEAR(net.loss(book_x(), book_t()), 0.9280682857864075, kRoundingTol);
}

// The loss is lesson 05's chain on a batch: scores → softmax → mean cross-entropy. With
// W = 0 every score is 0, every probability 1/3, so each row's loss is −log(1/3 + 1e-7).
TEST(SimpleNetTest, LossOfZeroWeightsIsLogOfThree) {
  const SimpleNet net{Matrix(2, 3)};
  const Matrix x = {{0.6, 0.9}, {-2, 5}};
  const Matrix t = {{0, 0, 1}, {1, 0, 0}};
  EXPECT_NEAR(net.loss(x, t), -std::log(1.0 / 3.0 + 1e-7), kRoundingTol);
}

// Labels for two classes do not fit three scores: the loss passes on cross_entropy_error's
// error, which names it and both shapes.
TEST(SimpleNetTest, LossRejectsLabelsOfTheWrongShape) {
  const SimpleNet net{book_W()};
  const std::string message = invalid_argument_message([&] { net.loss(book_x(), Matrix{{0, 1}}); });
  EXPECT_TRUE(mentions(message, "cross_entropy_error")) << message;
  EXPECT_TRUE(mentions(message, "(1x3)") && mentions(message, "(1x2)")) << message;
}

// ∂L/∂W for the book's W as printed, worked out by central differences with h = 1e-4:
// [[0.21924757, 0.14356243, −0.36281000], [0.32887136, 0.21534364, −0.54421500]].
// (The book prints slightly different digits: see the lesson's "going deeper".)
TEST(SimpleNetTest, NumericalGradientBookExample) {
  SimpleNet net{book_W()};
  const Matrix dW = net.numerical_gradient(book_x(), book_t());
  ASSERT_EQ(dW.rows(), 2u);
  ASSERT_EQ(dW.cols(), 3u);
  const Matrix worked_out = {{0.21924757, 0.14356243, -0.36281000},
                             {0.32887136, 0.21534364, -0.54421500}};
  EXPECT_MATRIX_NEAR(dW, worked_out, kGradientTol);
}

// The gradient is taken at W and W is left exactly as it was (lesson 02 restores it).
TEST(SimpleNetTest, NumericalGradientLeavesWeightsUnchanged) {
  SimpleNet net{book_W()};
  (void)net.numerical_gradient(book_x(), book_t());
  EXPECT_EQ(net.W, book_W());
}

}  // namespace
