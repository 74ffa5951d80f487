// 08_backpropagation/layers.cpp: each layer's forward and backward pass. Contracts are in
// layers.h. B = batch, D = a layer's inputs, H = its outputs, K = classes.
#include "chapters/08_backpropagation/layers.h"

#include <cstddef>

#include "chapters/05_loss_gradient/loss.h"
#include "chapters/06_two_layer_net/two_layer_net.h"
#include "common/not_implemented.h"

// The multiplication node, forward: the product, both inputs kept for backward.
double MulLayer::forward(double x, double y) {
  // Kept for backward: each input's derivative is the other input's value.
  this->x = x;
  this->y = y;
  return x * y;
}

// The multiplication node, backward: each input's gradient, from the kept inputs.
InputGradients MulLayer::backward(double dout) const {
  // The inputs swap: in the book's shopping example the apple price's gradient is scaled
  // by the apple count, and the count's by the price.
  return {dout * y, dout * x};
}

// The addition node, forward: the sum.
double AddLayer::forward(double x, double y) { return x + y; }

// The addition node, backward: each input's gradient.
InputGradients AddLayer::backward(double dout) const {
  // dout, not 1: what reaches the sum already carries every factor from the nodes after
  // it, and a sum hands it on to both inputs as it is.
  return {dout, dout};
}

// Relu, forward: the positive entries pass, and the mask remembers which.
Matrix Relu::forward(const Matrix& x) {
  // 1 where the entry passes, 0 where it is blocked. Strictly > 0: at 0 the slope is
  // taken as 0, so 0 is blocked too.
  mask = apply(x, [](double v) { return v > 0.0 ? 1.0 : 0.0; });
  // Not x ⊙ mask: that gives −inf · 0 = NaN for −inf, and −2 · 0 = −0 for −2.
  return apply(x, [](double v) { return v > 0.0 ? v : 0.0; });
}

// Relu, backward: the gradient goes back through the entries that passed forward.
Matrix Relu::backward(const Matrix& dout) const {
  // The mask from forward decides, not dout's sign: a negative gradient through an open
  // unit goes back as it is.
  return hadamard(dout, mask);
}

// Sigmoid, forward: lesson 06's sigmoid, its output kept for backward.
Matrix Sigmoid::forward(const Matrix& x) {
  // Lesson 06's sigmoid. The output is all the backward pass needs, so it is the cache.
  out = sigmoid(x);
  return out;
}

// Sigmoid, backward: the gradient through the sigmoid, from the kept output alone.
Matrix Sigmoid::backward(const Matrix& dout) const {
  // σ'(x) = exp(−x) / (1 + exp(−x))², which is σ(x)·(1 − σ(x)): written in terms of the
  // output, the slope needs no exp() here, and x was never kept.
  const Matrix slope = apply(out, [](double s) { return s * (1.0 - s); });
  return hadamard(dout, slope);
}

// Affine, forward: lesson 00's affine layer, its input kept for backward.
Matrix Affine::forward(const Matrix& x) {
  // ∂out/∂W involves x, so keep it; W and b are read through the references, so a
  // parameter nudged in place (lesson 02's numerical_gradient) is seen here at once.
  this->x = x;
  // x (B,D) · W (D,H) + b (1,H) → (B,H)
  return add_row_vector(x * W, b);
}

// Affine, backward: the input's gradient, returned, and W's and b's, stored.
Matrix Affine::backward(const Matrix& dout) {
  // out(i,h) = Σ_d x(i,d) W(d,h) + b(h), i the example. W(d,h) meets x(i,d) in every
  // example i, so ∂L/∂W(d,h) = Σ_i x(i,d) · dout(i,h): a product with x transposed.
  // xᵀ (D,B) · dout (B,H) → dW (D,H)
  dW = transpose(x) * dout;
  // The bias is added to every row, so each example's gradient reaches it and they add
  // up: a sum down the batch (over rows, one total per column), not a mean, not per row.
  db = column_sums(dout);
  // x(i,d) reaches every output h of its own row through W(d,h):
  // dout (B,H) · Wᵀ (H,D) → dx (B,D)
  return dout * transpose(W);
}

// The last layer, forward: lesson 05's loss of the scores against the labels.
double SoftmaxWithLoss::forward(const Matrix& x, const Matrix& t) {
  // Both kept for backward, which needs nothing else. (cross_entropy_error below checks
  // that t has the scores' shape.)
  this->t = t;
  y = softmax(x);
  return cross_entropy_error(y, t);
}

// The last layer, backward: where every backward pass starts.
Matrix SoftmaxWithLoss::backward(double dout) const {
  // For one example with true class c, L = −log y_c (the book differentiates the loss
  // without its 1e-7) and y_k = exp(x_k) / Σ_j exp(x_j), so ∂y_c/∂x_k = y_c·(t_k − y_k)
  // and ∂L/∂x_k = −(1/y_c) · y_c·(t_k − y_k) = y_k − t_k: the y_c cancels.
  // The loss is the mean over the batch, so every example's share is divided by B: forget
  // it and the gradient is B times too large, and the step silently grows with the batch.
  const double batch = static_cast<double>(y.rows());
  return (dout / batch) * (y - t);
}
