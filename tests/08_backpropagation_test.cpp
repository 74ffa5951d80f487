// tests/08_backpropagation_test.cpp: lesson 08, each layer's forward and backward (every
// backward held against a numerical derivative of its forward), the book's shopping
// figures, and the layered net's gradient against lesson 06's and the numerical gradient.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/01_numerical_diff/numerical_diff.h"
#include "chapters/02_gradient/gradient.h"
#include "chapters/06_two_layer_net/two_layer_net.h"
#include "chapters/07_learning_mnist/train.h"
#include "chapters/08_backpropagation/layer_net.h"
#include "chapters/08_backpropagation/layers.h"
#include "common/format.h"
#include "common/mnist.h"
#include "common/random.h"
#include "tests/support/expect.h"

namespace {

// Sums and products of a few small numbers (integers, halves, quarters, and σ or softmax
// values near 1): another order of the same operations agrees to ~1e-15.
constexpr double kRoundingTol = 1e-12;
// The shopping figures: 1.1 has no exact binary form, so 100·2·1.1 is 220.00000000000003
// and the total 715.0000000000001, one unit in the last place (≤ 1.2e-13 at 715) from the
// exact figures. A wrong derivative misses them by 0.1 or more.
constexpr double kShoppingTol = 1e-12;
// A layer's backward against central differences (h = 1e-4) of its forward: exact for the
// linear layers up to rounding ε·|L|/h ≈ 1e-11; for σ, truncation h²/6·|σ'''| < 2e-10. A
// swapped input, a missing factor or a wrong slope misses by 0.1 or more here.
constexpr double kCentralDiffTol = 1e-7;
// SoftmaxWithLoss's backward, the book's (y − t)/B, against central differences of its
// forward, whose loss has the 1e-7 inside the log: the book's formula is the derivative
// without it, off by (1e-7/p)·|y − t|/B per entry, p the true class's probability: at
// most 1e-7/0.12 · 1/3 ≈ 3e-7 in the test below, where every p > 0.12 (the test asserts
// it). A missing 1/B, a wrong sign or a missing softmax misses by 0.1 or more.
constexpr double kWithoutLogDeltaTol = 1e-6;
constexpr double kSoftmaxTestSmallestP = 0.12;
// The whole net's backprop against central differences of its loss (the gradient check,
// relative): for the same reason, off by ≈ 1e-7/p relative, under 7e-7 on the small net
// (every p > 0.15) and 1e-6 on a fresh MNIST net (p ≈ 0.1, and 1e-7/p < kGradCheckTol
// while p > 0.05); the tests assert both. The central difference's own error is ~1e-9. A
// missing 1/B misses by 0.5 or more (2/3 for a batch of 3), a wrong sign by 2, the
// sigmoid's slope taken as out by 0.5.
constexpr double kGradCheckTol = 2e-6;
constexpr double kSmallNetSmallestP = 0.15;
constexpr double kMnistSmallestP = 0.05;
// The layered gradient against lesson 06's hand-written one: the same arithmetic, up to
// the order of a few products (the book writes dout·(1 − y)·y): rounding only, relative.
constexpr double kSameMathTol = 1e-12;

// --- helpers ----------------------------------------------------------------------------

// The gradient a layer's backward must return for upstream gradient dout, by central
// differences: ∂/∂in of L(in) = Σ dout ⊙ forward(in), whose exact gradient is
// dout · ∂out/∂in, the chain rule's product. `in` is nudged in place (lesson 02), so
// forward may read it through a reference (as Affine reads W and b).
Matrix numerical_backward(const std::function<Matrix()>& forward, Matrix& in, const Matrix& dout) {
  return numerical_gradient([&](const Matrix&) { return sum(hadamard(dout, forward())); }, in);
}

// --- MulLayer ---------------------------------------------------------------------------

// out = x·y, and both inputs are kept for the backward pass.
TEST(MulLayerTest, ForwardMultipliesAndCachesBothInputs) {
  MulLayer mul;
  EXPECT_NEAR(mul.forward(100, 2), 200, kRoundingTol);
  EXPECT_EQ(mul.x, 100);
  EXPECT_EQ(mul.y, 2);
}

// ∂L/∂x = dout·y and ∂L/∂y = dout·x: the inputs swap, and dout scales both. With x = 3,
// y = −5, dout = 2: (−10, 6). Unswapped gives (6, −10), ignoring dout (−5, 3).
TEST(MulLayerTest, BackwardSwapsTheInputsAndScalesByDout) {
  MulLayer mul;
  mul.forward(3, -5);
  const InputGradients g = mul.backward(2);
  EXPECT_NEAR(g.dx, -10, kRoundingTol);
  EXPECT_NEAR(g.dy, 6, kRoundingTol);
}

// backward agrees with lesson 01's numerical_diff of dout·forward in each input.
TEST(MulLayerTest, BackwardMatchesNumericalDerivative) {
  const double x = 1.5, y = -0.7, dout = 0.3;
  MulLayer mul;
  mul.forward(x, y);
  const InputGradients g = mul.backward(dout);
  MulLayer probe;  // a second layer, so the probing does not overwrite mul's cache
  EXPECT_NEAR(g.dx, numerical_diff([&](double v) { return dout * probe.forward(v, y); }, x),
              kCentralDiffTol);
  EXPECT_NEAR(g.dy, numerical_diff([&](double v) { return dout * probe.forward(x, v); }, y),
              kCentralDiffTol);
}

// --- AddLayer ---------------------------------------------------------------------------

// out = x + y.
TEST(AddLayerTest, ForwardAdds) {
  AddLayer add;
  EXPECT_NEAR(add.forward(200, 450), 650, kRoundingTol);
}

// ∂L/∂x = ∂L/∂y = dout: passed on unchanged, not 1 and not halved.
TEST(AddLayerTest, BackwardPassesDoutToBothInputs) {
  AddLayer add;
  add.forward(200, 450);
  const InputGradients g = add.backward(1.1);
  EXPECT_NEAR(g.dx, 1.1, kRoundingTol);
  EXPECT_NEAR(g.dy, 1.1, kRoundingTol);
  const InputGradients h = add.backward(-3);
  EXPECT_NEAR(h.dx, -3, kRoundingTol);
  EXPECT_NEAR(h.dy, -3, kRoundingTol);
}

// backward agrees with numerical_diff of dout·forward in each input.
TEST(AddLayerTest, BackwardMatchesNumericalDerivative) {
  const double x = 2.5, y = -4, dout = -0.6;
  AddLayer add;
  add.forward(x, y);
  const InputGradients g = add.backward(dout);
  AddLayer probe;
  EXPECT_NEAR(g.dx, numerical_diff([&](double v) { return dout * probe.forward(v, y); }, x),
              kCentralDiffTol);
  EXPECT_NEAR(g.dy, numerical_diff([&](double v) { return dout * probe.forward(x, v); }, y),
              kCentralDiffTol);
}

// --- the book's shopping graphs -----------------------------------------------------------

// 2 apples at 100 with tax 1.1: price 220; ∂price/∂apple = 2.2, ∂/∂apple_num = 110,
// ∂/∂tax = 200 (the book's buy_apple.py).
TEST(ShoppingGraphTest, ApplesBookFigures) {
  MulLayer mul_apple, mul_tax;
  const double price = mul_tax.forward(mul_apple.forward(100, 2), 1.1);
  const InputGradients tax_grads = mul_tax.backward(1.0);
  const InputGradients apple_grads = mul_apple.backward(tax_grads.dx);
  EXPECT_NEAR(price, 220, kShoppingTol);
  EXPECT_NEAR(apple_grads.dx, 2.2, kShoppingTol);
  EXPECT_NEAR(apple_grads.dy, 110, kShoppingTol);
  EXPECT_NEAR(tax_grads.dy, 200, kShoppingTol);
}

// And 3 oranges at 150: price 715; ∂price/∂apple = 2.2, ∂/∂apple_num = 110,
// ∂/∂orange = 3.3, ∂/∂orange_num = 165, ∂/∂tax = 650 (the book's buy_apple_orange.py).
TEST(ShoppingGraphTest, ApplesAndOrangesBookFigures) {
  MulLayer mul_apple, mul_orange, mul_tax;
  AddLayer add;
  const double all = add.forward(mul_apple.forward(100, 2), mul_orange.forward(150, 3));
  const double price = mul_tax.forward(all, 1.1);
  const InputGradients tax_grads = mul_tax.backward(1.0);
  const InputGradients add_grads = add.backward(tax_grads.dx);
  const InputGradients apple_grads = mul_apple.backward(add_grads.dx);
  const InputGradients orange_grads = mul_orange.backward(add_grads.dy);
  EXPECT_NEAR(price, 715, kShoppingTol);
  EXPECT_NEAR(apple_grads.dx, 2.2, kShoppingTol);
  EXPECT_NEAR(apple_grads.dy, 110, kShoppingTol);
  EXPECT_NEAR(orange_grads.dx, 3.3, kShoppingTol);
  EXPECT_NEAR(orange_grads.dy, 165, kShoppingTol);
  EXPECT_NEAR(tax_grads.dy, 650, kShoppingTol);
}

// One multiplication per node gives Python's digits exactly: print(100 * 2 * 1.1) shows
// 220.00000000000003, and 1.1 * 100 shows 110.00000000000001.
TEST(ShoppingGraphTest, SameDigitsAsPython) {
  MulLayer mul_apple, mul_tax;
  const double price = mul_tax.forward(mul_apple.forward(100, 2), 1.1);
  const InputGradients apple_grads = mul_apple.backward(mul_tax.backward(1.0).dx);
  EXPECT_EQ(repr(price), "220.00000000000003");
  EXPECT_EQ(repr(apple_grads.dy), "110.00000000000001");
}

// --- Relu -------------------------------------------------------------------------------

// max(0, x): negatives and 0 become 0, positives (even tiny ones) stay; mask marks them.
TEST(ReluTest, ForwardZeroesNegativesAndZero) {
  Relu relu;
  const Matrix out = relu.forward(Matrix{{-1, 0, 2}, {3, -0.5, 1e-300}});
  EXPECT_MATRIX_NEAR(out, (Matrix{{0, 0, 2}, {3, 0, 1e-300}}), 0.0);
  EXPECT_MATRIX_NEAR(relu.mask, (Matrix{{0, 0, 1}, {1, 0, 1}}), 0.0);
}

// A blocked entry is +0, as the book's out[x <= 0] = 0 writes it, −inf included: not x·0,
// which is −0 for a negative x and NaN for −inf.
TEST(ReluTest, ForwardGivesPlusZeroWhereBlocked) {
  const double inf = std::numeric_limits<double>::infinity();
  Relu relu;
  const Matrix out = relu.forward(Matrix{{-2, -inf, 0}});
  ASSERT_EQ(out.rows(), 1u);
  ASSERT_EQ(out.cols(), 3u);
  for (std::size_t j = 0; j < 3; ++j) {
    EXPECT_EQ(out(0, j), 0.0) << "entry " << j;
    EXPECT_FALSE(std::signbit(out(0, j))) << "entry " << j << " is −0";
  }
}

// The gradient passes where x > 0, as it is (a negative dout too), and stops where x ≤ 0,
// x = 0 included. Letting 0 through, or taking max(0, dout), fails here.
TEST(ReluTest, BackwardBlocksWhereTheInputWasNotPositive) {
  Relu relu;
  relu.forward(Matrix{{-1, 0, 2}, {3, -0.5, 1e-300}});
  const Matrix dx = relu.backward(Matrix{{5, 6, -7}, {-8, 9, 10}});
  EXPECT_MATRIX_NEAR(dx, (Matrix{{0, 0, -7}, {-8, 0, 10}}), 0.0);
}

// backward agrees with central differences of forward (inputs away from the kink at 0).
TEST(ReluTest, BackwardMatchesNumericalDerivative) {
  Matrix x = {{-1.5, 0.3, 2.0}, {0.7, -0.2, -3.0}};
  const Matrix dout = {{0.5, -1.0, 2.0}, {1.5, 3.0, -0.25}};
  Relu relu;
  relu.forward(x);
  const Matrix dx = relu.backward(dout);
  Relu probe;
  const Matrix numerical = numerical_backward([&] { return probe.forward(x); }, x, dout);
  EXPECT_MATRIX_NEAR(dx, numerical, kCentralDiffTol);
}

// A dout of another shape than the cached mask is refused, naming both shapes.
TEST(ReluTest, BackwardOfAnotherShapeThrows) {
  Relu relu;
  relu.forward(Matrix{{-1, 0, 2}, {3, -0.5, 1}});
  const std::string message = invalid_argument_message([&] { relu.backward(Matrix(2, 2)); });
  EXPECT_TRUE(mentions(message, "(2x3)") && mentions(message, "(2x2)")) << message;
}

// --- Sigmoid ----------------------------------------------------------------------------

// σ(0) = 1/2, σ(ln 3) = 3/4, σ(−ln 3) = 1/4, σ(40) ≈ 1; the output is kept in out.
TEST(SigmoidTest, ForwardIsTheSigmoidAndCachesItsOutput) {
  Sigmoid s;
  const Matrix out = s.forward(Matrix{{0, std::log(3.0)}, {-std::log(3.0), 40}});
  EXPECT_MATRIX_NEAR(out, (Matrix{{0.5, 0.75}, {0.25, 1.0}}), kRoundingTol);
  EXPECT_MATRIX_NEAR(s.out, out, 0.0);
}

// backward reads only the cached output: with out set to (1/2, 1/4, 9/10) by hand,
// dout ⊙ out ⊙ (1 − out) = (1·1/4, 2·3/16, −1·9/100). Forgetting (1 − out) or applying σ
// to out again gives other numbers.
TEST(SigmoidTest, BackwardUsesTheCachedOutput) {
  Sigmoid s;
  s.out = Matrix{{0.5, 0.25, 0.9}};
  const Matrix dx = s.backward(Matrix{{1, 2, -1}});
  EXPECT_MATRIX_NEAR(dx, (Matrix{{0.25, 0.375, -0.09}}), kRoundingTol);
}

// backward agrees with central differences of forward on a batch.
TEST(SigmoidTest, BackwardMatchesNumericalDerivative) {
  Matrix x = {{-2.0, 0.0, 0.5}, {1.0, 3.0, -0.7}};
  const Matrix dout = {{1.0, -2.0, 0.5}, {0.25, 1.5, -1.0}};
  Sigmoid s;
  s.forward(x);
  const Matrix dx = s.backward(dout);
  Sigmoid probe;
  const Matrix numerical = numerical_backward([&] { return probe.forward(x); }, x, dout);
  EXPECT_MATRIX_NEAR(dx, numerical, kCentralDiffTol);
}

// A dout of another shape than the cached out is refused, naming both shapes.
TEST(SigmoidTest, BackwardOfAnotherShapeThrows) {
  Sigmoid s;
  s.forward(Matrix{{0, 1, 2}});
  const std::string message = invalid_argument_message([&] { s.backward(Matrix(1, 2)); });
  EXPECT_TRUE(mentions(message, "(1x3)") && mentions(message, "(1x2)")) << message;
}

// --- Affine -----------------------------------------------------------------------------

// A batch of 3 distinct rows through W (2,3) and b (1,3). Distinct rows and columns make
// a sum along the wrong axis, a mean instead of a sum, or a transposed product visible.
struct AffineCase {
  Matrix x = {{1, 2}, {-1, 0.5}, {3, -2}};                      // (3,2)
  Matrix W = {{0.5, -1, 2}, {1.5, 0.25, -0.5}};                 // (2,3)
  Matrix b = {{0.1, -0.2, 0.3}};                                // (1,3)
  Matrix dout = {{1, -1, 0.5}, {2, 0.25, -3}, {-0.5, 1.5, 4}};  // (3,3)
};

// out = x·W + b, b added to every row: row 0 is [1 2]·W + b = [3.6, −0.7, 1.3].
TEST(AffineTest, ForwardIsXTimesWPlusBOnEveryRow) {
  AffineCase c;
  Affine affine(c.W, c.b);
  const Matrix out = affine.forward(c.x);
  const Matrix expected = {{3.6, -0.7, 1.3}, {0.35, 0.925, -1.95}, {-1.4, -3.7, 7.3}};
  EXPECT_MATRIX_NEAR(out, expected, kRoundingTol);
  EXPECT_MATRIX_NEAR(affine.x, c.x, 0.0);
}

// ∂L/∂b sums dout down the batch: (1,3) = (1 + 2 − 0.5, −1 + 0.25 + 1.5, 0.5 − 3 + 4).
// Along the rows it would be (3,1); a mean would be a third of it.
TEST(AffineTest, BiasGradientSumsOverTheBatch) {
  AffineCase c;
  Affine affine(c.W, c.b);
  affine.forward(c.x);
  affine.backward(c.dout);
  EXPECT_MATRIX_NEAR(affine.db, (Matrix{{2.5, 0.75, 1.5}}), kRoundingTol);
}

// ∂L/∂W = xᵀ·dout (2,3) and ∂L/∂x = dout·Wᵀ (3,2), worked by hand.
TEST(AffineTest, WeightAndInputGradientsInClosedForm) {
  AffineCase c;
  Affine affine(c.W, c.b);
  affine.forward(c.x);
  const Matrix dx = affine.backward(c.dout);
  // dW(d,h) = Σ_i x(i,d) dout(i,h)
  EXPECT_MATRIX_NEAR(affine.dW, (Matrix{{-2.5, 3.25, 15.5}, {4.0, -4.875, -8.5}}), kRoundingTol);
  // dx(i,d) = Σ_h dout(i,h) W(d,h)
  EXPECT_MATRIX_NEAR(dx, (Matrix{{2.5, 1.0}, {-5.25, 4.5625}, {6.25, -2.375}}), kRoundingTol);
}

// All three gradients agree with central differences of forward: in x, in W and in b
// (W and b nudged in place, seen by the layer through its references).
TEST(AffineTest, BackwardMatchesNumericalDerivative) {
  AffineCase c;
  Affine affine(c.W, c.b);
  affine.forward(c.x);
  const Matrix dx = affine.backward(c.dout);
  Affine probe(c.W, c.b);
  const auto forward = [&] { return probe.forward(c.x); };
  EXPECT_MATRIX_NEAR(dx, numerical_backward(forward, c.x, c.dout), kCentralDiffTol);
  EXPECT_MATRIX_NEAR(affine.dW, numerical_backward(forward, c.W, c.dout), kCentralDiffTol);
  EXPECT_MATRIX_NEAR(affine.db, numerical_backward(forward, c.b, c.dout), kCentralDiffTol);
}

// An x without W's D rows of inputs is refused by the product, which names both shapes.
TEST(AffineTest, InputOfAnotherWidthThrows) {
  AffineCase c;
  Affine affine(c.W, c.b);
  const std::string message = invalid_argument_message([&] { affine.forward(Matrix(3, 3)); });
  EXPECT_TRUE(mentions(message, "matmul")) << message;
  EXPECT_TRUE(mentions(message, "(3x3)") && mentions(message, "(2x3)")) << message;
}

// A dout for another batch than forward's x is refused by a product: (2x3) against the
// cached x (3x2).
TEST(AffineTest, BackwardOfAnotherBatchThrows) {
  AffineCase c;
  Affine affine(c.W, c.b);
  affine.forward(c.x);
  const std::string message = invalid_argument_message([&] { affine.backward(Matrix(2, 3)); });
  EXPECT_TRUE(mentions(message, "matmul")) << message;
  EXPECT_TRUE(mentions(message, "(2x3)")) << message;
}

// --- SoftmaxWithLoss --------------------------------------------------------------------

// Scores (0, 0) and (ln 3, 0) give y = (1/2, 1/2) and (3/4, 1/4); with true classes 0 and
// 1 the loss is the mean of −log(1/2 + 1e-7) and −log(1/4 + 1e-7). y and t are kept.
TEST(SoftmaxWithLossTest, ForwardIsTheMeanCrossEntropyOfTheSoftmax) {
  SoftmaxWithLoss last;
  const Matrix t = {{1, 0}, {0, 1}};
  const double loss = last.forward(Matrix{{0, 0}, {std::log(3.0), 0}}, t);
  EXPECT_NEAR(loss, (-std::log(0.5 + 1e-7) - std::log(0.25 + 1e-7)) / 2, kRoundingTol);
  EXPECT_MATRIX_NEAR(last.y, (Matrix{{0.5, 0.5}, {0.75, 0.25}}), kRoundingTol);
  EXPECT_MATRIX_NEAR(last.t, t, 0.0);
}

// Labels of another shape are lesson 05's error, passed on: cross_entropy_error names
// both shapes.
TEST(SoftmaxWithLossTest, LabelsOfAnotherShapeThrow) {
  SoftmaxWithLoss last;
  const std::string message = invalid_argument_message([&] {
    last.forward(Matrix{{0, 0}}, Matrix{{1, 0, 0}});
  });
  EXPECT_TRUE(mentions(message, "cross_entropy_error")) << message;
  EXPECT_TRUE(mentions(message, "(1x2)") && mentions(message, "(1x3)")) << message;
}

// An empty batch has no mean loss: cross_entropy_error's error, passed on, not 0/0 = NaN.
TEST(SoftmaxWithLossTest, EmptyBatchThrowsNamingCrossEntropyError) {
  SoftmaxWithLoss last;
  const std::string message =
      invalid_argument_message([&] { last.forward(Matrix(0, 3), Matrix(0, 3)); });
  EXPECT_TRUE(mentions(message, "cross_entropy_error")) << message;
}

// ∂L/∂x = (y − t)/B, the book's: ((1/2 − 1)/2, (1/2)/2) and ((3/4)/2, (1/4 − 1)/2).
// Without the 1/B it is twice that; t − y has the wrong sign.
TEST(SoftmaxWithLossTest, BackwardIsPredictionMinusTruthOverBatch) {
  SoftmaxWithLoss last;
  last.forward(Matrix{{0, 0}, {std::log(3.0), 0}}, Matrix{{1, 0}, {0, 1}});
  const Matrix dx = last.backward();
  EXPECT_MATRIX_NEAR(dx, (Matrix{{-0.25, 0.25}, {0.375, -0.375}}), kRoundingTol);
}

// Where the true class gets almost nothing the book's formula still holds: scores (0, −s)
// with e^s = 999,999 give the true class 1 exactly p = 1e-6, and ∂L/∂x = y − t =
// (1 − p, p − 1). (The loss with its 1e-7 has the slope p/(p + 1e-7) = 10/11 of that
// here, as the central differences show: the factor the book leaves out, see the lesson.)
TEST(SoftmaxWithLossTest, BackwardIsTheBooksFormulaWhereTheTrueClassIsUnlikely) {
  SoftmaxWithLoss last;
  Matrix x = {{0, -std::log(999999.0)}};
  const Matrix t = {{0, 1}};
  last.forward(x, t);
  const Matrix dx = last.backward();
  const double p = 1e-6;
  EXPECT_MATRIX_NEAR(dx, (Matrix{{1 - p, p - 1}}), kRoundingTol);
  SoftmaxWithLoss probe;
  const Matrix numerical =
      numerical_gradient([&](const Matrix&) { return probe.forward(x, t); }, x);
  const double r = 10.0 / 11.0;
  EXPECT_MATRIX_NEAR(numerical, (Matrix{{r * (1 - p), r * (p - 1)}}), kCentralDiffTol);
}

// The same example 4 times: each row gets a quarter of the single example's gradient,
// because the loss is a mean over the batch (divided by B = 4, not by B·K = 12).
TEST(SoftmaxWithLossTest, BackwardDividesByTheBatchSize) {
  const Matrix one_x = {{0.2, -1.0, 0.7}}, one_t = {{0, 0, 1}};
  SoftmaxWithLoss single;
  single.forward(one_x, one_t);
  const Matrix one_dx = single.backward();
  const std::vector<std::size_t> four_times = {0, 0, 0, 0};
  SoftmaxWithLoss batch;
  batch.forward(gather_rows(one_x, four_times), gather_rows(one_t, four_times));
  const Matrix four_dx = batch.backward();
  ASSERT_EQ(four_dx.shape(), "(4x3)");
  EXPECT_MATRIX_NEAR(four_dx, gather_rows(one_dx, four_times) * 0.25, kRoundingTol);
}

// dout multiplies the whole gradient: backward(2) is twice backward(1).
TEST(SoftmaxWithLossTest, BackwardScalesByDout) {
  SoftmaxWithLoss last;
  last.forward(Matrix{{0.5, -0.5, 1.0}, {2.0, 0.0, -1.0}}, Matrix{{0, 1, 0}, {1, 0, 0}});
  EXPECT_MATRIX_NEAR(last.backward(2.0), 2.0 * last.backward(1.0), kRoundingTol);
}

// backward agrees with central differences of the loss, up to the 1e-7 the book's formula
// leaves out (kWithoutLogDeltaTol).
TEST(SoftmaxWithLossTest, BackwardMatchesNumericalDerivative) {
  Matrix x = {{0.5, -0.5, 1.0}, {2.0, 0.0, -1.0}, {-0.3, 0.3, 0.1}};
  const Matrix t = {{0, 1, 0}, {1, 0, 0}, {0, 0, 1}};
  SoftmaxWithLoss last;
  last.forward(x, t);
  ASSERT_GT(smallest_true_class_probability(last.y, t), kSoftmaxTestSmallestP)
      << "the tolerance assumes every true class has p > " << kSoftmaxTestSmallestP;
  const Matrix dx = last.backward();
  SoftmaxWithLoss probe;
  const Matrix numerical =
      numerical_gradient([&](const Matrix&) { return probe.forward(x, t); }, x);
  EXPECT_MATRIX_NEAR(dx, numerical, kWithoutLogDeltaTol);
}

// --- LayerNet ---------------------------------------------------------------------------

// A small net with weights of size 1 (σ far from linear, gradients far above rounding)
// and non-zero biases, batch of 3. D = 4, H = 5, K = 3 give the four parameters four
// different shapes, so a gradient returned in the wrong field fails on its shape.
struct SmallNet {
  LayerNet net{4, 5, 3, 1.0, 42};
  RandomData data = random_data(3, 4, 3, 43, -1.0, 1.0);
  SmallNet() {
    net.params.b1 = Matrix{{0.1, -0.2, 0.3, -0.4, 0.5}};
    net.params.b2 = Matrix{{0.2, 0.0, -0.2}};
  }
  // Lesson 06's net with the same parameters.
  TwoLayerNet lesson06() const {
    TwoLayerNet twin(4, 5, 3);
    twin.params = net.params;
    return twin;
  }
};

// The constructor gives exactly lesson 06's initial parameters for the same seed.
TEST(LayerNetProvidedTest, StartsFromLesson06sParameters) {
  const LayerNet net(6, 4, 3, 0.01, 7);
  const TwoLayerNet twin(6, 4, 3, 0.01, 7);
  EXPECT_EQ(net.params.W1, twin.params.W1);
  EXPECT_EQ(net.params.b1, twin.params.b1);
  EXPECT_EQ(net.params.W2, twin.params.W2);
  EXPECT_EQ(net.params.b2, twin.params.b2);
}

// Backprop through the layers gives lesson 06's gradient (its formula, given there) on
// every entry of every parameter, to rounding.
TEST(LayerNetTest, GradientEqualsLesson06sBackprop) {
  const SmallNet s;
  const TwoLayerParams layered = s.net.gradient(s.data.x, s.data.t);
  const TwoLayerParams formula = s.lesson06().gradient(s.data.x, s.data.t);
  EXPECT_RELATIVE_GAP_BELOW(layered.W1, formula.W1, kSameMathTol);
  EXPECT_RELATIVE_GAP_BELOW(layered.b1, formula.b1, kSameMathTol);
  EXPECT_RELATIVE_GAP_BELOW(layered.W2, formula.W2, kSameMathTol);
  EXPECT_RELATIVE_GAP_BELOW(layered.b2, formula.b2, kSameMathTol);
}

// Expects every parameter's relative error below kGradCheckTol.
void expect_check_passes(const GradientCheck& check) {
  EXPECT_LT(check.W1.relative.relative_error, kGradCheckTol) << "W1";
  EXPECT_LT(check.b1.relative.relative_error, kGradCheckTol) << "b1";
  EXPECT_LT(check.W2.relative.relative_error, kGradCheckTol) << "W2";
  EXPECT_LT(check.b2.relative.relative_error, kGradCheckTol) << "b2";
}

// The gradient check (lesson 06's gradient_check): backprop through the layers against the
// numerical gradient, parameter by parameter.
TEST(LayerNetTest, GradientMatchesNumericalGradient) {
  SmallNet s;
  ASSERT_GT(smallest_true_class_probability(s.net.predict(s.data.x), s.data.t), kSmallNetSmallestP)
      << "the tolerance assumes every true class has p > " << kSmallNetSmallestP;
  expect_check_passes(gradient_check(s.net, s.data.x, s.data.t));
}

// The gradient check on the first 3 real MNIST training images through a fresh 784-10-10
// net, as the program runs it. Skipped without the data.
TEST(LayerNetTest, GradientMatchesNumericalGradientOnMnist) {
  if (!std::filesystem::exists("data/mnist/train-images-idx3-ubyte")) {
    GTEST_SKIP() << "run make data (data/mnist not found; tests run from the repository root)";
  }
  const Dataset train_set =
      load_mnist_pair("data/mnist/train-images-idx3-ubyte", "data/mnist/train-labels-idx1-ubyte");
  const Batch batch = sample_batch(train_set, {0, 1, 2});
  LayerNet net(784, 10, 10, 0.01, 42);
  ASSERT_GT(smallest_true_class_probability(net.predict(batch.x), batch.t), kMnistSmallestP)
      << "the tolerance assumes every true class has p > " << kMnistSmallestP;
  expect_check_passes(gradient_check(net, batch.x, batch.t));
}

// An x without the net's D = 4 inputs reaches the first Affine's product, which names both
// shapes: x (3x5) and W1 (4x5).
TEST(LayerNetTest, InputOfAnotherWidthThrows) {
  const SmallNet s;
  const std::string message =
      invalid_argument_message([&] { s.net.gradient(Matrix(3, 5), s.data.t); });
  EXPECT_TRUE(mentions(message, "matmul")) << message;
  EXPECT_TRUE(mentions(message, "(3x5)") && mentions(message, "(4x5)")) << message;
}

// Labels of another shape reach SoftmaxWithLoss::forward, whose cross_entropy_error says
// so.
TEST(LayerNetTest, LabelsOfAnotherShapeThrow) {
  const SmallNet s;
  const std::string message =
      invalid_argument_message([&] { s.net.gradient(s.data.x, Matrix(3, 4)); });
  EXPECT_TRUE(mentions(message, "cross_entropy_error")) << message;
}

// Trained by lesson 07's loop on the same batches, the layered net follows lesson 06's
// TwoLayerNet step for step: after 30 updates the parameters and every batch loss agree.
TEST(LayerNetTest, TrainsLikeLesson07) {
  // 40 images of 2x3 pixels, bytes from a seed, and labels 0..2.
  Dataset data;
  Rng pixels(5);
  for (std::size_t k = 0; k < 40 * 6; ++k)
    data.pixels.push_back(static_cast<std::uint8_t>(pixels.below(256)));
  for (std::size_t i = 0; i < 40; ++i) data.labels.push_back(pixels.below(3));
  data.image_rows = 2;
  data.image_cols = 3;
  TrainConfig config;
  config.batch_size = 8;
  config.learning_rate = 0.5;
  config.iterations = 30;
  LayerNet layered(6, 4, 3, 0.5, 9);
  TwoLayerNet plain(6, 4, 3, 0.5, 9);
  Rng rng_layered(10), rng_plain(10);
  const TrainLog log_layered = train(layered, data, data, config, rng_layered);
  const TrainLog log_plain = train(plain, data, data, config, rng_plain);
  ASSERT_EQ(log_layered.losses.size(), log_plain.losses.size());
  for (std::size_t i = 0; i < log_layered.losses.size(); ++i) {
    EXPECT_NEAR(log_layered.losses[i], log_plain.losses[i], kRoundingTol) << "iteration " << i + 1;
  }
  EXPECT_RELATIVE_GAP_BELOW(layered.params.W1, plain.params.W1, kRoundingTol);
  EXPECT_RELATIVE_GAP_BELOW(layered.params.b1, plain.params.b1, kRoundingTol);
  EXPECT_RELATIVE_GAP_BELOW(layered.params.W2, plain.params.W2, kRoundingTol);
  EXPECT_RELATIVE_GAP_BELOW(layered.params.b2, plain.params.b2, kRoundingTol);
}

}  // namespace
