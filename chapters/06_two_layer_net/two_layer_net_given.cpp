// chapters/06_two_layer_net/two_layer_net_given.cpp: the parts of the two-layer net given
// ready-made: the constructor and the gradient by backpropagation. Contracts are in
// two_layer_net.h.
//
// B = batch, D = inputs, H = hidden units, K = classes.
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
// into "how L changes with my input and my parameters" (the chain rule). Lesson 08
// derives every line; here is what each computes. These are the lines of the book's
// TwoLayerNet.gradient (ch04/two_layer_net.py).
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
    throw std::invalid_argument("TwoLayerNet::gradient: predictions " + y.shape() +
                                " and labels t " + t.shape() +
                                " differ in shape. HINT: t is one-hot (B,K)");
  }

  TwoLayerParams grad;
  // Softmax and cross-entropy together have the book's short derivative: prediction minus
  // truth, per example, averaged over the batch like the loss.
  //   ∂L/∂a2 = (y − t) / B     (B,K)
  // (Exactly, the 1e-7 inside the loss's log adds a factor p/(p + 1e-7) per example, p the
  // true class's probability: within 1e-6 of 1 while p > 0.1. The book leaves it out, and
  // so do we; the lesson's "going deeper" shows what it changes.)
  const Matrix d_a2 = (1.0 / batch) * (y - t);
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
