// tests/06_two_layer_net_test.cpp: lesson 06, sigmoid and the two-layer net (predict,
// loss, accuracy, numerical_gradient), and the gradient check (relative_error,
// gradient_check); the given constructor and gradient in the *ProvidedTest suites.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "chapters/05_loss_gradient/loss.h"
#include "chapters/06_two_layer_net/two_layer_net.h"
#include "common/random.h"
#include "tests/support/expect.h"

namespace {

// A few exp/log/divisions of numbers near 1: another order of operations agrees to
// ~1e-15; a wrong formula misses by far more than 1e-12.
constexpr double kRoundingTol = 1e-12;
// numerical_gradient (central differences of the loss, h = 1e-4) against the given
// gradient (the book's backward, (y − t)/B) on the small net below. The book's backward is
// the derivative of the loss without the 1e-7 inside its log; the loss with it has, per
// example, the extra factor r = p/(p + 1e-7), p the true class's probability, so the two
// differ by a relative 1e-7/p: under 8e-7 here, where every p is above 0.13 (the test
// asserts it). The central difference's own error is ~1e-9. A forward difference errs by
// h/2·|L''| ≈ 1e-5 of the largest entry here, a gradient off by a factor of 2 by 0.5.
constexpr double kBookBackwardTol = 2e-6;
constexpr double kSmallestTrueClassProbability = 0.13;
// The gradient check's b2 line, against its closed form Σ_b (1 − r_b)(y − t)(b,:)/B (the
// 1e-7's share, ~1e-7 in size): the central difference's own error, ~1e-10, is a
// thousandth of it.
constexpr double kResidualTol = 1e-2;
// A fresh net (weights 0.01·N(0,1)) gives every class nearly 1/10. Each logit is a sum of
// H = 10 terms z·w with z in (0, 1), so its spread is ~0.01·√10 ≈ 0.03, and |L − ln 10|
// is at most the spread of a row's logits (0.04 at worst over 2,000 seeds). 0.1 is > 3
// spreads; summing the batch instead of averaging, or a missing softmax, miss by > 1.
constexpr double kFreshLossTol = 0.1;

// σ(v) in closed form, for expected values.
double logistic(double v) { return 1.0 / (1.0 + std::exp(-v)); }

// A net small enough to work by hand: D = 1, H = 1, K = 2, with
//   a1 = x·1 − 1,  z1 = σ(a1),  a2 = (2·z1 + 0.5, 0).
// For two classes softmax gives y0 = e^a / (e^a + e^0) = σ(a), so
//   x = 1: a1 = 0, z1 = 0.5, a2 = (1.5, 0), y = (σ(1.5), 1 − σ(1.5))
//   x = 3: a1 = 2, z1 = σ(2), y0 = σ(2σ(2) + 0.5)
// Each parameter changes the answer: without b1, b2, the sigmoid or the softmax it differs.
TwoLayerNet hand_net() {
  TwoLayerNet net(1, 1, 2);
  net.params.W1 = Matrix{{1}};
  net.params.b1 = Matrix{{-1}};
  net.params.W2 = Matrix{{2, 0}};
  net.params.b2 = Matrix{{0.5, 0}};
  return net;
}

// A net whose prediction is the position of the 1 in a one-hot input: W1 = 10·I and
// b1 = −5 make z1 ≈ 1 where x is 1 and ≈ 0 elsewhere (σ(±5)); W2 = 10·I passes that on.
TwoLayerNet argmax_net() {
  TwoLayerNet net(3, 3, 3);
  net.params.W1 = Matrix{{10, 0, 0}, {0, 10, 0}, {0, 0, 10}};
  net.params.b1 = Matrix{{-5, -5, -5}};
  net.params.W2 = Matrix{{10, 0, 0}, {0, 10, 0}, {0, 0, 10}};
  net.params.b2 = Matrix{{0, 0, 0}};
  return net;
}

// --- sigmoid --------------------------------------------------------------------------

// σ(a) = 1 / (1 + exp(−a)) entry by entry: σ(0) = 0.5, and the shape is kept.
TEST(SigmoidTest, KnownValues) {
  const Matrix s = sigmoid(Matrix{{0, 1, -2}, {4, -0.5, 10}});
  ASSERT_EQ(s.rows(), 2u);
  ASSERT_EQ(s.cols(), 3u);
  EXPECT_NEAR(s(0, 0), 0.5, kRoundingTol);
  EXPECT_NEAR(s(0, 1), 1.0 / (1.0 + std::exp(-1.0)), kRoundingTol);
  EXPECT_NEAR(s(0, 2), 1.0 / (1.0 + std::exp(2.0)), kRoundingTol);
  EXPECT_NEAR(s(1, 0), 1.0 / (1.0 + std::exp(-4.0)), kRoundingTol);
  EXPECT_NEAR(s(1, 1), 1.0 / (1.0 + std::exp(0.5)), kRoundingTol);
  EXPECT_NEAR(s(1, 2), 1.0 / (1.0 + std::exp(-10.0)), kRoundingTol);
}

// The curve is symmetric about (0, 0.5): σ(−a) = 1 − σ(a). A flipped sign breaks it.
TEST(SigmoidTest, SymmetricAboutZero) {
  const Matrix a = {{0.3, 1.7, 6.0}};
  const Matrix pos = sigmoid(a);
  const Matrix neg = sigmoid(-a);
  for (std::size_t j = 0; j < 3; ++j) {
    EXPECT_NEAR(neg(0, j), 1.0 - pos(0, j), kRoundingTol) << "a = " << a(0, j);
    EXPECT_GT(pos(0, j), 0.5) << "σ of a positive number is above 0.5";
  }
}

// Far out it is 1 or 0, never NaN: exp(a) / (1 + exp(a)) would give inf/inf at a = 1000.
TEST(SigmoidTest, ExtremeInputsStayFinite) {
  const Matrix s = sigmoid(Matrix{{1000, -1000}});
  ASSERT_EQ(s.cols(), 2u);
  ASSERT_TRUE(std::isfinite(s(0, 0)) && std::isfinite(s(0, 1))) << s;
  EXPECT_NEAR(s(0, 0), 1.0, kRoundingTol);
  EXPECT_NEAR(s(0, 1), 0.0, kRoundingTol);
}

// --- predict --------------------------------------------------------------------------

// The hand-worked net: y = (σ(1.5), 1 − σ(1.5)) for x = 1 and y0 = σ(2σ(2) + 0.5) for
// x = 3, one row of probabilities per input row.
TEST(TwoLayerNetPredictTest, HandWorkedNet) {
  const TwoLayerNet net = hand_net();
  const Matrix y = net.predict(Matrix{{1}, {3}});
  ASSERT_EQ(y.rows(), 2u);
  ASSERT_EQ(y.cols(), 2u);
  EXPECT_NEAR(y(0, 0), logistic(1.5), kRoundingTol);
  EXPECT_NEAR(y(0, 1), 1.0 - logistic(1.5), kRoundingTol);
  EXPECT_NEAR(y(1, 0), logistic(2.0 * logistic(2.0) + 0.5), kRoundingTol);
  EXPECT_NEAR(y(1, 1), 1.0 - logistic(2.0 * logistic(2.0) + 0.5), kRoundingTol);
}

// Probabilities: shape (B,K), every entry in (0, 1), every row summing to 1.
TEST(TwoLayerNetPredictTest, RowsAreProbabilities) {
  const TwoLayerNet net(6, 4, 5, 1.0, 7);
  const RandomData data = random_data(4, 6, 5, 8);
  const Matrix y = net.predict(data.x);
  ASSERT_EQ(y.rows(), 4u);
  ASSERT_EQ(y.cols(), 5u);
  const Matrix totals = row_sums(y);
  for (std::size_t b = 0; b < 4; ++b) {
    EXPECT_NEAR(totals(b, 0), 1.0, kRoundingTol) << "row " << b;
    for (std::size_t k = 0; k < 5; ++k) {
      EXPECT_GT(y(b, k), 0.0);
      EXPECT_LT(y(b, k), 1.0);
    }
  }
}

// An x without D columns cannot be multiplied by W1: the product says so, naming both
// shapes, rather than reading past a row.
TEST(TwoLayerNetPredictTest, InputOfAnotherWidthThrows) {
  const TwoLayerNet net(6, 4, 5);
  const std::string message = invalid_argument_message([&] { net.predict(Matrix(2, 5)); });
  EXPECT_TRUE(mentions(message, "matmul")) << message;
  EXPECT_TRUE(mentions(message, "(2x5)") && mentions(message, "(6x4)")) << message;
}

// --- loss -----------------------------------------------------------------------------

// The hand-worked net, true classes 0 and 1: the mean of −log(y_true + 1e-7) over the
// two rows.
TEST(TwoLayerNetLossTest, HandWorkedNet) {
  const TwoLayerNet net = hand_net();
  const Matrix x = {{1}, {3}};
  const Matrix t = {{1, 0}, {0, 1}};
  const double y_row0 = logistic(1.5);
  const double y_row1 = 1.0 - logistic(2.0 * logistic(2.0) + 0.5);
  const double expected = (-std::log(y_row0 + 1e-7) - std::log(y_row1 + 1e-7)) / 2.0;
  EXPECT_NEAR(net.loss(x, t), expected, kRoundingTol);
}

// A fresh 10-class net knows nothing: every class gets about 1/10, so the loss is about
// −log(1/10) = ln 10 ≈ 2.3026, whatever the labels.
TEST(TwoLayerNetLossTest, FreshTenClassNetIsNearLogTen) {
  const TwoLayerNet net(20, 10, 10);
  const RandomData data = random_data(5, 20, 10, 1);
  EXPECT_NEAR(net.loss(data.x, data.t), std::log(10.0), kFreshLossTol);
}

// An empty batch has no mean loss: lesson 05's error, passed on, not 0/0 = NaN.
TEST(TwoLayerNetLossTest, EmptyBatchThrowsNamingCrossEntropyError) {
  const TwoLayerNet net = hand_net();
  const std::string message =
      invalid_argument_message([&] { net.loss(Matrix(0, 1), Matrix(0, 2)); });
  EXPECT_TRUE(mentions(message, "cross_entropy_error")) << message;
}

// Labels of another shape are lesson 05's error, passed on: its message names
// cross_entropy_error and both shapes.
TEST(TwoLayerNetLossTest, LabelsOfAnotherShapeThrow) {
  const TwoLayerNet net = hand_net();
  const std::string message = invalid_argument_message([&] {
    net.loss(Matrix{{1}, {3}}, Matrix{{1, 0, 0}, {0, 1, 0}});
  });
  EXPECT_TRUE(mentions(message, "cross_entropy_error")) << message;
  EXPECT_TRUE(mentions(message, "(2x2)") && mentions(message, "(2x3)")) << message;
}

// --- accuracy -------------------------------------------------------------------------

// argmax_net predicts 0, 1, 2, 0 for these four inputs; the labels are 0, 1, 0, 0, so
// three of four rows are right: 0.75. (Comparing predictions with themselves gives 1;
// argmax down the columns instead of along the rows gives 2/3 or 0.5; a count gives 3.)
TEST(TwoLayerNetAccuracyTest, FractionOfRowsMatchingTheLabels) {
  const TwoLayerNet net = argmax_net();
  const Matrix x = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}};
  const Matrix t = {{1, 0, 0}, {0, 1, 0}, {1, 0, 0}, {1, 0, 0}};
  EXPECT_NEAR(net.accuracy(x, t), 0.75, kRoundingTol);
}

// Every prediction wrong gives 0, every one right gives 1.
TEST(TwoLayerNetAccuracyTest, AllWrongAndAllRight) {
  const TwoLayerNet net = argmax_net();
  const Matrix x = {{1, 0, 0}, {0, 1, 0}};
  EXPECT_NEAR(net.accuracy(x, Matrix{{0, 1, 0}, {0, 0, 1}}), 0.0, kRoundingTol);
  EXPECT_NEAR(net.accuracy(x, Matrix{{1, 0, 0}, {0, 1, 0}}), 1.0, kRoundingTol);
}

// Labels for another number of classes are an error, not a silent number; the message
// names the function and both shapes.
TEST(TwoLayerNetAccuracyTest, ShapeMismatchThrows) {
  const TwoLayerNet net = argmax_net();
  const std::string message = invalid_argument_message([&] {
    net.accuracy(Matrix{{1, 0, 0}}, Matrix{{1, 0}});
  });
  EXPECT_TRUE(mentions(message, "TwoLayerNet::accuracy")) << message;
  EXPECT_TRUE(mentions(message, "(1x3)") && mentions(message, "(1x2)")) << message;
}

// An empty batch has no fraction right: an error, not 0/0 = NaN.
TEST(TwoLayerNetAccuracyTest, EmptyBatchThrows) {
  const TwoLayerNet net = argmax_net();
  const std::string message =
      invalid_argument_message([&] { net.accuracy(Matrix(0, 3), Matrix(0, 3)); });
  EXPECT_TRUE(mentions(message, "TwoLayerNet::accuracy")) << message;
}

// --- numerical_gradient ---------------------------------------------------------------

// A small net with weights of size 1 (so every gradient entry is far above rounding, and
// a forward difference's error shows), batch of 3. H = 5 ≠ K = 3, so b1 and b2 differ in
// shape as well as in value.
struct Small {
  TwoLayerNet net{4, 5, 3, 1.0, 42};
  RandomData data = random_data(3, 4, 3, 43);
};

// One gradient entry per parameter entry: each field has its parameter's shape.
TEST(TwoLayerNetNumericalGradientTest, ShapesMatchTheParameters) {
  Small s;
  const TwoLayerParams g = s.net.numerical_gradient(s.data.x, s.data.t);
  const TwoLayerParams& p = s.net.params;
  EXPECT_EQ(g.W1.shape(), p.W1.shape()) << "W1";
  EXPECT_EQ(g.b1.shape(), p.b1.shape()) << "b1";
  EXPECT_EQ(g.W2.shape(), p.W2.shape()) << "W2";
  EXPECT_EQ(g.b2.shape(), p.b2.shape()) << "b2";
}

// Central differences through lesson 02 agree with backpropagation (the given gradient,
// the book's formulas) on every entry of every parameter, up to the book's leaving out
// the 1e-7: kBookBackwardTol relative.
TEST(TwoLayerNetNumericalGradientTest, AgreesWithBackpropagation) {
  Small s;
  ASSERT_GT(smallest_true_class_probability(s.net.predict(s.data.x), s.data.t),
            kSmallestTrueClassProbability)
      << "the tolerance assumes every true class has p > " << kSmallestTrueClassProbability;
  const TwoLayerParams numerical = s.net.numerical_gradient(s.data.x, s.data.t);
  const TwoLayerParams backprop = s.net.gradient(s.data.x, s.data.t);
  const struct {
    const char* name;
    const Matrix& numerical;
    const Matrix& backprop;
  } fields[] = {{"W1", numerical.W1, backprop.W1},
                {"b1", numerical.b1, backprop.b1},
                {"W2", numerical.W2, backprop.W2},
                {"b2", numerical.b2, backprop.b2}};
  for (const auto& f : fields) {
    ASSERT_EQ(f.numerical.shape(), f.backprop.shape()) << f.name;
    EXPECT_RELATIVE_GAP_BELOW(f.numerical, f.backprop, kBookBackwardTol)
        << f.name << ": numerical " << f.numerical << "\nbackprop " << f.backprop;
  }
}

// The parameters are nudged while it runs and end exactly as they began.
TEST(TwoLayerNetNumericalGradientTest, LeavesTheParametersUnchanged) {
  Small s;
  const TwoLayerParams before = s.net.params;
  (void)s.net.numerical_gradient(s.data.x, s.data.t);
  EXPECT_EQ(s.net.params.W1, before.W1);
  EXPECT_EQ(s.net.params.b1, before.b1);
  EXPECT_EQ(s.net.params.W2, before.W2);
  EXPECT_EQ(s.net.params.b2, before.b2);
}

// Labels of another shape: the loss's error, passed on (lesson 05's message).
TEST(TwoLayerNetNumericalGradientTest, LabelsOfAnotherShapeThrow) {
  Small s;
  const std::string message =
      invalid_argument_message([&] { s.net.numerical_gradient(s.data.x, Matrix(3, 4)); });
  EXPECT_TRUE(mentions(message, "cross_entropy_error")) << message;
}

// --- relative_error -------------------------------------------------------------------

// Equal gradients: 0. All zeros: 0, not 0/0.
TEST(RelativeErrorTest, EqualIsZero) {
  const Matrix a = {{1, -2}, {3, 0}};
  EXPECT_EQ(relative_error(a, a).relative_error, 0.0);
  EXPECT_EQ(relative_error(Matrix(2, 2), Matrix(2, 2)).relative_error, 0.0);
}

// Off by a factor 2: max|a − b| / max|a| = 3/6 = 1/2. The worst entry is the largest one,
// (1, 0); a scale taken from b alone would give 3/3 = 1.
TEST(RelativeErrorTest, FactorTwoIsOneHalf) {
  const Matrix b = {{1, -2}, {3, 0.5}};
  const GradientDifference d = relative_error(2.0 * b, b);
  EXPECT_NEAR(d.relative_error, 0.5, kRoundingTol);
  EXPECT_EQ(d.worst_row, 1u);
  EXPECT_EQ(d.worst_col, 0u);
}

// The largest difference against the largest entry, not each entry against itself: a
// tiny entry off by its own size (1e-9 against 2e-9) beside an exact entry of 1 is an
// error of 1e-9, not 0.5.
TEST(RelativeErrorTest, MeasuredAgainstTheLargestEntry) {
  const GradientDifference d = relative_error(Matrix{{1, 1e-9}}, Matrix{{1, 2e-9}});
  EXPECT_NEAR(d.relative_error, 1e-9, 1e-9 * kRoundingTol);
  EXPECT_EQ(d.worst_col, 1u);
}

// Sizes are absolute values, of either gradient: −4 against 0 is a difference of 4 on a
// scale of 4, an error of 1, whichever argument holds the −4. A signed maximum, or the
// first argument's entries alone, give a scale of 1 and an error of 4.
TEST(RelativeErrorTest, ScaleIsTheLargestEntryOfEither) {
  const Matrix a = {{0, 0}, {0, 1}};
  const Matrix b = {{0, -4}, {0, 1}};
  EXPECT_NEAR(relative_error(a, b).relative_error, 1.0, kRoundingTol);
  EXPECT_NEAR(relative_error(b, a).relative_error, 1.0, kRoundingTol);
  const GradientDifference d = relative_error(a, b);
  EXPECT_EQ(d.worst_row, 0u);
  EXPECT_EQ(d.worst_col, 1u);
}

// A NaN is the worst disagreement, never a small error, and its entry is named.
TEST(RelativeErrorTest, NanIsNeverSmall) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const GradientDifference d = relative_error(Matrix{{1, 5}, {nan, 2}}, Matrix{{1, 2}, {3, 2}});
  EXPECT_TRUE(std::isnan(d.relative_error)) << d.relative_error;
  EXPECT_EQ(d.worst_row, 1u);
  EXPECT_EQ(d.worst_col, 0u);
}

// Gradients of different parameters cannot be compared: the message names the function
// and both shapes.
TEST(RelativeErrorTest, ShapeMismatchThrows) {
  const std::string message =
      invalid_argument_message([] { relative_error(Matrix(1, 3), Matrix(1, 4)); });
  EXPECT_TRUE(mentions(message, "relative_error")) << message;
  EXPECT_TRUE(mentions(message, "(1x3)") && mentions(message, "(1x4)")) << message;
}

// --- gradient_check -------------------------------------------------------------------

// A net whose "backprop" is whatever the test plants, so the check's figures are known:
// gradient_check must call this (virtual) gradient and the net's numerical_gradient.
class PlantedGradientNet : public TwoLayerNet {
 public:
  using TwoLayerNet::TwoLayerNet;
  TwoLayerParams planted;
  TwoLayerParams gradient(const Matrix&, const Matrix&) const override { return planted; }
};

// mean |a| over the entries.
double mean_abs(const Matrix& a) {
  double total = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) total += std::fabs(a.data()[k]);
  return total / static_cast<double>(a.size());
}

// max(|a|, |b|) over the entries of both.
double largest_abs(const Matrix& a, const Matrix& b) {
  double largest = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    largest = std::max({largest, std::fabs(a.data()[k]), std::fabs(b.data()[k])});
  }
  return largest;
}

// Planted against the numerical gradient N: W1 = 2N (relative error 1/2, mean |N.W1|);
// b1 = N.b1 with 0.5 added at (0, 2) (mean 0.5/5); W2 = N.W2 with +0.3 at (1, 1) and −0.6
// at (3, 2) (mean 0.9/15, where a signed mean would give −0.3/15; worst at (3, 2)); b2 = N.b2
// (0 and 0). A check that compares a gradient with itself, mixes the fields up, averages
// without |·| or reports the maximum as the mean gets one of these wrong.
TEST(GradientCheckTest, ReportsTheBooksMeanAndTheRelativeErrorOfEachParameter) {
  PlantedGradientNet net(4, 5, 3, 1.0, 42);
  const RandomData data = random_data(3, 4, 3, 43);
  const TwoLayerParams n = net.numerical_gradient(data.x, data.t);
  net.planted = n;
  net.planted.W1 = 2.0 * n.W1;
  net.planted.b1(0, 2) += 0.5;
  net.planted.W2(1, 1) += 0.3;
  net.planted.W2(3, 2) -= 0.6;
  const GradientCheck check = gradient_check(net, data.x, data.t);

  EXPECT_NEAR(check.W1.mean_abs_difference, mean_abs(n.W1), kRoundingTol);
  EXPECT_NEAR(check.W1.relative.relative_error, 0.5, kRoundingTol);
  EXPECT_NEAR(check.b1.mean_abs_difference, 0.5 / 5, kRoundingTol);
  EXPECT_EQ(check.b1.relative.worst_col, 2u);
  EXPECT_NEAR(check.b1.relative.relative_error, 0.5 / largest_abs(n.b1, net.planted.b1),
              kRoundingTol);
  EXPECT_NEAR(check.W2.mean_abs_difference, 0.9 / 15, kRoundingTol);
  EXPECT_NEAR(check.W2.relative.relative_error, 0.6 / largest_abs(n.W2, net.planted.W2),
              kRoundingTol);
  EXPECT_EQ(check.W2.relative.worst_row, 3u);
  EXPECT_EQ(check.W2.relative.worst_col, 2u);
  EXPECT_EQ(check.b2.mean_abs_difference, 0.0);
  EXPECT_EQ(check.b2.relative.relative_error, 0.0);
}

// On the real net the check measures the book's backward against the exact derivative of
// the loss: b2's difference is, in closed form, the 1e-7's share
//   backprop − numerical = Σ_b (1 − r_b)·(y − t)(b,:) / B,   1 − r_b = 1e-7 / (p_b + 1e-7)
// (~1e-7 here), and every relative error stays below kBookBackwardTol.
TEST(GradientCheckTest, MeasuresTheBooksBackwardOffByTheLogsDelta) {
  Small s;
  const GradientCheck check = gradient_check(s.net, s.data.x, s.data.t);
  const Matrix y = s.net.predict(s.data.x);
  const std::vector<std::size_t> truth = row_argmax(s.data.t);
  Matrix share(1, 3);
  for (std::size_t b = 0; b < 3; ++b) {
    const double p = y(b, truth[b]);
    const double one_minus_r = 1e-7 / (p + 1e-7);
    for (std::size_t k = 0; k < 3; ++k) share(0, k) += one_minus_r * (y(b, k) - s.data.t(b, k)) / 3;
  }
  EXPECT_NEAR(check.b2.mean_abs_difference, mean_abs(share), kResidualTol * mean_abs(share));
  for (const ParameterCheck* c : {&check.W1, &check.b1, &check.W2, &check.b2}) {
    EXPECT_GT(c->relative.relative_error, 0.0);
    EXPECT_LT(c->relative.relative_error, kBookBackwardTol);
  }
}

// Labels of another shape: the gradient's error passes through (whichever of the two
// gradients meets them first).
TEST(GradientCheckTest, LabelsOfAnotherShapeThrow) {
  Small s;
  EXPECT_THROW(gradient_check(s.net, s.data.x, Matrix(3, 4)), std::invalid_argument);
}

// --- given: the constructor and gradient ------------------------------------------------

// W1 (D,H), b1 (1,H), W2 (H,K), b2 (1,K): 784-50-10 like the book.
TEST(TwoLayerNetProvidedTest, ConstructorShapes) {
  const TwoLayerNet net(784, 50, 10);
  EXPECT_EQ(net.params.W1.shape(), "(784x50)");
  EXPECT_EQ(net.params.b1.shape(), "(1x50)");
  EXPECT_EQ(net.params.W2.shape(), "(50x10)");
  EXPECT_EQ(net.params.b2.shape(), "(1x10)");
}

// The weights are std · N(0,1) draws from Rng(seed), W1 row after row, then W2; the
// biases are 0.
TEST(TwoLayerNetProvidedTest, WeightsAreScaledDrawsFromTheSeed) {
  const TwoLayerNet net(3, 2, 4, 0.5, 9);
  Rng rng(9);
  for (std::size_t k = 0; k < net.params.W1.size(); ++k) {
    EXPECT_EQ(net.params.W1.data()[k], 0.5 * rng.normal()) << "W1 entry " << k;
  }
  for (std::size_t k = 0; k < net.params.W2.size(); ++k) {
    EXPECT_EQ(net.params.W2.data()[k], 0.5 * rng.normal()) << "W2 entry " << k;
  }
  EXPECT_EQ(net.params.b1, Matrix(1, 2));
  EXPECT_EQ(net.params.b2, Matrix(1, 4));
}

// The same seed gives the same net; another seed another.
TEST(TwoLayerNetProvidedTest, SeedDecidesTheWeights) {
  EXPECT_EQ(TwoLayerNet(5, 4, 3).params.W1, TwoLayerNet(5, 4, 3).params.W1);
  EXPECT_NE(TwoLayerNet(5, 4, 3, 0.01, 1).params.W1, TwoLayerNet(5, 4, 3, 0.01, 2).params.W1);
}

// A layer without units is refused; the message names the net and its sizes.
TEST(TwoLayerNetProvidedTest, ZeroSizeThrows) {
  const std::string message = invalid_argument_message([] { TwoLayerNet(784, 0, 10); });
  EXPECT_TRUE(mentions(message, "TwoLayerNet(784, 0, 10)")) << message;
}

// All parameters 0: a1 = 0, z1 = 0.5, a2 = 0, y = 1/3 for each class. With labels 0 and
// 2, ∂L/∂a2 = (y − t)/B, the book's, so
//   ∂L/∂b2 = 1/3 − mean t = (−1/6, 1/3, −1/6),   ∂L/∂W2 = z1ᵀ·∂L/∂a2 = 0.5·∂L/∂b2 per row,
// and W2 = 0 passes nothing back: ∂L/∂W1 = 0, ∂L/∂b1 = 0.
TEST(TwoLayerNetProvidedTest, GradientAtZeroWeights) {
  TwoLayerNet net(2, 4, 3);
  net.params = {Matrix(2, 4), Matrix(1, 4), Matrix(4, 3), Matrix(1, 3)};
  const Matrix x = {{0.3, -1.0}, {2.0, 0.5}};
  const Matrix t = {{1, 0, 0}, {0, 0, 1}};
  const TwoLayerParams g = net.gradient(x, t);
  ASSERT_EQ(g.W1.shape(), "(2x4)");
  ASSERT_EQ(g.b1.shape(), "(1x4)");
  ASSERT_EQ(g.W2.shape(), "(4x3)");
  ASSERT_EQ(g.b2.shape(), "(1x3)");
  const double db2[] = {-1.0 / 6.0, 1.0 / 3.0, -1.0 / 6.0};
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_NEAR(g.b2(0, k), db2[k], kRoundingTol) << "b2 " << k;
    for (std::size_t j = 0; j < 4; ++j) EXPECT_NEAR(g.W2(j, k), 0.5 * db2[k], kRoundingTol);
  }
  EXPECT_EQ(g.W1, Matrix(2, 4));
  EXPECT_EQ(g.b1, Matrix(1, 4));
}

// The hand-worked net, two examples with labels 0 and 1, every line of backpropagation
// by hand. Per example, with p = y(b,0) and z its hidden value:
//   ∂L/∂a2 = (y − t)/2,   ∂L/∂W2 = z·∂L/∂a2,   ∂L/∂b2 = ∂L/∂a2
//   ∂L/∂a1 = (∂L/∂a2 · W2ᵀ)·z(1 − z) = 2·∂L/∂a2(b,0)·z(1 − z)    (W2 = (2, 0))
//   ∂L/∂W1 = x·∂L/∂a1,   ∂L/∂b1 = ∂L/∂a1
// and each parameter's gradient is the sum over the two examples.
TEST(TwoLayerNetProvidedTest, GradientOfHandWorkedNet) {
  const TwoLayerNet net = hand_net();
  const Matrix x = {{1}, {3}};
  const Matrix t = {{1, 0}, {0, 1}};
  // Example 0: x = 1, z = 0.5, p = σ(1.5), true class 0.
  const double z0 = 0.5, p0 = logistic(1.5);
  const double da2_0[] = {(p0 - 1.0) / 2.0, (1.0 - p0) / 2.0};
  // Example 1: x = 3, z = σ(2), p = σ(2σ(2) + 0.5), true class 1.
  const double z1 = logistic(2.0), p1 = logistic(2.0 * z1 + 0.5);
  const double da2_1[] = {p1 / 2.0, -p1 / 2.0};
  const double da1_0 = 2.0 * da2_0[0] * z0 * (1.0 - z0);
  const double da1_1 = 2.0 * da2_1[0] * z1 * (1.0 - z1);

  const TwoLayerParams g = net.gradient(x, t);
  ASSERT_EQ(g.W1.shape(), "(1x1)");
  ASSERT_EQ(g.b1.shape(), "(1x1)");
  ASSERT_EQ(g.W2.shape(), "(1x2)");
  ASSERT_EQ(g.b2.shape(), "(1x2)");
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_NEAR(g.b2(0, k), da2_0[k] + da2_1[k], kRoundingTol) << "b2 " << k;
    EXPECT_NEAR(g.W2(0, k), z0 * da2_0[k] + z1 * da2_1[k], kRoundingTol) << "W2 " << k;
  }
  EXPECT_NEAR(g.b1(0, 0), da1_0 + da1_1, kRoundingTol);
  EXPECT_NEAR(g.W1(0, 0), 1.0 * da1_0 + 3.0 * da1_1, kRoundingTol);
}

// Labels of another shape are refused before any arithmetic with them; the message names
// the function and both shapes.
TEST(TwoLayerNetProvidedTest, GradientShapeMismatchThrows) {
  const TwoLayerNet net = hand_net();
  const std::string message = invalid_argument_message([&] {
    net.gradient(Matrix{{1}, {3}}, Matrix{{1, 0, 0}, {0, 1, 0}});
  });
  EXPECT_TRUE(mentions(message, "TwoLayerNet::gradient")) << message;
  EXPECT_TRUE(mentions(message, "(2x2)") && mentions(message, "(2x3)")) << message;
}

}  // namespace
