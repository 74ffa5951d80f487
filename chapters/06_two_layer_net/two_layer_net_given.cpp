// chapters/06_two_layer_net/two_layer_net_given.cpp: the parts of the two-layer net given
// ready-made: the constructor, the gradient by backpropagation, and relative_error.
// Contracts are in two_layer_net.h.
//
// B = batch, D = inputs, H = hidden units, K = classes.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "chapters/05_loss_gradient/loss.h"
#include "chapters/06_two_layer_net/two_layer_net.h"
#include "common/random.h"

TwoLayerNet::TwoLayerNet(std::size_t input_size, std::size_t hidden_size, std::size_t output_size,
                         double weight_init_std, std::uint64_t seed) {
  if (input_size == 0 || hidden_size == 0 || output_size == 0) {
    throw std::invalid_argument("TwoLayerNet(" + std::to_string(input_size) + ", " +
                                std::to_string(hidden_size) + ", " + std::to_string(output_size) +
                                "): every layer needs at least one unit");
  }
  // One generator for both matrices, W1 first: the same seed gives the same net.
  Rng rng(seed);
  // The book's weight_init_std * np.random.randn(rows, cols).
  params.W1 = weight_init_std * randn(input_size, hidden_size, rng);   // (D,H)
  params.b1 = Matrix(1, hidden_size);                                  // (1,H), zeros
  params.W2 = weight_init_std * randn(hidden_size, output_size, rng);  // (H,K)
  params.b2 = Matrix(1, output_size);                                  // (1,K), zeros
}

// Backpropagation: one forward pass that keeps its intermediate results, then one pass
// backwards through the same steps, each step turning "how L changes with my output"
// into "how L changes with my input and my parameters" (the chain rule). Chapter 8
// derives every line; here is what each computes.
TwoLayerParams TwoLayerNet::gradient(const Matrix& x, const Matrix& t) const {
  const Matrix& W1 = params.W1;
  const Matrix& b1 = params.b1;
  const Matrix& W2 = params.W2;
  const Matrix& b2 = params.b2;
  const double batch = static_cast<double>(x.rows());

  // Forward, keeping z1 and y for the backward pass.
  // x (B,D) · W1 (D,H) + b1 (1,H) → a1 (B,H) → z1 = σ(a1)
  const Matrix z1 = sigmoid(add_row_vector(x * W1, b1));
  // z1 (B,H) · W2 (H,K) + b2 (1,K) → a2 (B,K) → y = softmax(a2)
  const Matrix y = softmax(add_row_vector(z1 * W2, b2));

  if (!y.same_shape(t)) {
    throw std::invalid_argument("gradient: predictions " + y.shape() + " and labels t " +
                                t.shape() + " differ in shape. HINT: t is one-hot (B,K)");
  }

  TwoLayerParams grad;
  // Softmax and cross-entropy together have a short derivative. With the loss exactly as
  // chapter 5 defines it, L = −(1/B) Σ t·log(y + 1e-7), it is
  //   ∂L/∂a2 = (y · Σ_k q(b,k) − q) / B,   q = t ⊙ y / (y + 1e-7)     (B,K)
  // q is t shrunk a little by the 1e-7: for one-hot t, q = r·t with r = y_t / (y_t + 1e-7)
  // (y_t the true class's probability), so ∂L/∂a2 = r·(y − t) / B: prediction minus truth,
  // per example, averaged like the loss. The book drops the 1e-7 here (r = 1, (y − t) / B);
  // r differs from 1 by under 1e-6 while y_t > 0.1. Keeping it makes this the exact
  // derivative of loss(), so the gradient check can demand 9 digits rather than 6.
  const Matrix q = hadamard(t, apply(y, [](double p) { return p / (p + kLogDelta); }));
  const Matrix q_total = row_sums(q);  // (B,1): r for each example when t is one-hot
  Matrix d_a2(y.rows(), y.cols());
  for (std::size_t b = 0; b < y.rows(); ++b) {
    for (std::size_t k = 0; k < y.cols(); ++k) {
      d_a2(b, k) = (y(b, k) * q_total(b, 0) - q(b, k)) / batch;
    }
  }
  // a2 = z1·W2 + b2. W2(j,k) multiplies z1(b,j) in every example's score k:
  //   ∂L/∂W2 = z1ᵀ · ∂L/∂a2     (H,B)·(B,K) → (H,K)
  // b2 is added to every row, so its gradient sums over the batch:
  //   ∂L/∂b2 = Σ_b ∂L/∂a2(b,:)  (1,K)
  grad.W2 = transpose(z1) * d_a2;
  grad.b2 = column_sums(d_a2);
  // Back through W2 to the hidden values:
  //   ∂L/∂z1 = ∂L/∂a2 · W2ᵀ     (B,K)·(K,H) → (B,H)
  const Matrix d_z1 = d_a2 * transpose(W2);
  // Back through the sigmoid, entry by entry, with σ'(a) = σ(a)(1 − σ(a)) = z1(1 − z1):
  //   ∂L/∂a1 = ∂L/∂z1 ⊙ z1 ⊙ (1 − z1)   (B,H)
  const Matrix slope = apply(z1, [](double s) { return s * (1.0 - s); });
  const Matrix d_a1 = hadamard(d_z1, slope);
  // a1 = x·W1 + b1, the same pattern as the second layer:
  //   ∂L/∂W1 = xᵀ · ∂L/∂a1       (D,B)·(B,H) → (D,H)
  //   ∂L/∂b1 = Σ_b ∂L/∂a1(b,:)   (1,H)
  grad.W1 = transpose(x) * d_a1;
  grad.b1 = column_sums(d_a1);
  return grad;
}

GradientDifference relative_error(const Matrix& a, const Matrix& b) {
  if (!a.same_shape(b)) {
    throw std::invalid_argument("relative_error: " + a.shape() + " and " + b.shape() +
                                " differ in shape: these are not gradients of the same parameter");
  }
  GradientDifference result;
  double worst_diff = 0.0, scale = 1e-300;
  for (std::size_t i = 0; i < a.rows(); ++i) {
    for (std::size_t j = 0; j < a.cols(); ++j) {
      const double diff = std::fabs(a(i, j) - b(i, j));
      // A NaN anywhere is the worst possible disagreement, never a quiet 0.
      if (std::isnan(diff)) return {std::nan(""), i, j};
      if (diff > worst_diff) {
        worst_diff = diff;
        result.worst_row = i;
        result.worst_col = j;
      }
      scale = std::max({scale, std::fabs(a(i, j)), std::fabs(b(i, j))});
    }
  }
  // max |a − b| / max(|a|, |b|, tiny)
  result.relative_error = worst_diff / scale;
  return result;
}
