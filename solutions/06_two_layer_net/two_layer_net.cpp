// 06_two_layer_net/two_layer_net.cpp: the two-layer net's forward pass, loss, accuracy and
// numerical gradient. Contracts are in two_layer_net.h.
//
// B = batch, D = inputs, H = hidden units, K = classes.
#include "chapters/06_two_layer_net/two_layer_net.h"

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include "chapters/02_gradient/gradient.h"
#include "chapters/05_loss_gradient/loss.h"
#include "common/not_implemented.h"

// The logistic sigmoid of every entry: σ(a) = 1 / (1 + exp(−a)).
Matrix sigmoid(const Matrix& a) {
  // For very negative a, exp(−a) overflows to inf and 1 / (1 + inf) = 0, the right
  // limit; for very positive a, exp(−a) → 0 and the result → 1. No NaN either way.
  return apply(a, [](double v) { return 1.0 / (1.0 + std::exp(-v)); });
}

// Class probabilities y (B,K) for inputs x (B,D): y = softmax(sigmoid(x·W1 + b1)·W2 + b2).
Matrix TwoLayerNet::predict(const Matrix& x) const {
  // x (B,D) · W1 (D,H) + b1 (1,H) → a1 (B,H) → z1 = σ(a1)
  const Matrix z1 = sigmoid(add_row_vector(x * params.W1, params.b1));
  // z1 (B,H) · W2 (H,K) + b2 (1,K) → a2 (B,K) → y = softmax(a2), row by row
  return softmax(add_row_vector(z1 * params.W2, params.b2));
}

// The mean cross-entropy of predict(x) against one-hot labels t (B,K).
double TwoLayerNet::loss(const Matrix& x, const Matrix& t) const {
  // L = −(1/B) Σ t · log(y + 1e-7), chapter 5's function on this net's probabilities.
  return cross_entropy_error(predict(x), t);
}

// The fraction of rows whose largest y is in the column of t's 1.
double TwoLayerNet::accuracy(const Matrix& x, const Matrix& t) const {
  const Matrix y = predict(x);
  if (!y.same_shape(t)) {
    throw std::invalid_argument("accuracy: predictions " + y.shape() + " and labels t " +
                                t.shape() + " differ in shape. HINT: t is one-hot (B,K)");
  }
  if (y.rows() == 0) throw std::invalid_argument("accuracy: an empty batch has no accuracy");
  // Along each row (over the K classes), once for the prediction and once for the truth:
  // a one-hot row's largest entry is its 1, so argmax recovers the label.
  const std::vector<std::size_t> predicted = row_argmax(y);
  const std::vector<std::size_t> truth = row_argmax(t);
  std::size_t correct = 0;
  for (std::size_t b = 0; b < predicted.size(); ++b) {
    if (predicted[b] == truth[b]) ++correct;
  }
  // A fraction of the batch, in double: 3 / 4 in integers would be 0.
  return static_cast<double>(correct) / static_cast<double>(y.rows());
}

// ∂L/∂W1, ∂L/∂b1, ∂L/∂W2, ∂L/∂b2, each by chapter 2's numerical_gradient on the loss.
TwoLayerParams TwoLayerNet::numerical_gradient(const Matrix& x, const Matrix& t) {
  // The loss as a function of the parameters. Chapter 2 nudges one matrix in place and
  // passes it in; loss() reads params, the very matrices being nudged, so the argument
  // is not needed, and one lambda serves all four (the book's loss_W).
  const auto loss_of_params = [this, &x, &t](const Matrix&) { return loss(x, t); };
  TwoLayerParams grad;
  // `::` picks chapter 2's free function; the bare name here would be this member.
  // Each gradient has the shape of its own parameter, so they cannot be mixed up.
  grad.W1 = ::numerical_gradient(loss_of_params, params.W1);
  grad.b1 = ::numerical_gradient(loss_of_params, params.b1);
  grad.W2 = ::numerical_gradient(loss_of_params, params.W2);
  grad.b2 = ::numerical_gradient(loss_of_params, params.b2);
  return grad;
}
