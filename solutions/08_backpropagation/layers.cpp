// 08_backpropagation/layers.cpp: each layer's forward and backward pass. Contracts are in
// layers.h. B = batch, D = a layer's inputs, H = its outputs, K = classes.
#include "chapters/08_backpropagation/layers.h"

#include <cstddef>

#include "chapters/05_loss_gradient/loss.h"
#include "chapters/06_two_layer_net/two_layer_net.h"
#include "common/not_implemented.h"

// out = x · y; caches x and y.
double MulLayer::forward(double x, double y) {
  // Kept for backward: each input's derivative is the other input's value.
  this->x = x;
  this->y = y;
  return x * y;
}

// ∂L/∂x = dout · y,   ∂L/∂y = dout · x
InputGradients MulLayer::backward(double dout) const {
  // Chain rule: ∂L/∂x = ∂L/∂out · ∂out/∂x, and ∂(x·y)/∂x = y. So the inputs swap: the
  // apple price's gradient is scaled by the apple count, and the other way round.
  return {dout * y, dout * x};
}

// out = x + y; caches nothing.
double AddLayer::forward(double x, double y) { return x + y; }

// ∂L/∂x = dout · 1,   ∂L/∂y = dout · 1
InputGradients AddLayer::backward(double dout) const {
  // ∂(x + y)/∂x = 1: a sum hands the gradient on to both inputs as it is. It is dout, not
  // 1: what reaches the sum already carries every factor from the nodes after it.
  return {dout, dout};
}

// out(i,j) = x(i,j) if x(i,j) > 0, else 0; caches mask.
Matrix Relu::forward(const Matrix& x) {
  // 1 where the entry passes, 0 where it is blocked. Strictly > 0: at 0 the slope is
  // taken as 0, so 0 is blocked too.
  mask = apply(x, [](double v) { return v > 0.0 ? 1.0 : 0.0; });
  // max(0, x), entry by entry. (Not x ⊙ mask: for x = −inf that would be −inf · 0 = NaN.)
  return apply(x, [](double v) { return v > 0.0 ? v : 0.0; });
}

// ∂L/∂x = dout ⊙ mask
Matrix Relu::backward(const Matrix& dout) const {
  // The local slope is 1 where x > 0 and 0 elsewhere, so the gradient passes through
  // exactly where the signal did. It is the mask from forward, not dout's sign, that
  // decides: a negative gradient through an open unit goes back as it is.
  return hadamard(dout, mask);
}

// out = σ(x); caches out.
Matrix Sigmoid::forward(const Matrix& x) {
  // Lesson 06's sigmoid. The output is all the backward pass needs, so it is the cache.
  out = sigmoid(x);
  return out;
}

// ∂L/∂x = dout ⊙ out ⊙ (1 − out)
Matrix Sigmoid::backward(const Matrix& dout) const {
  // σ'(x) = exp(−x) / (1 + exp(−x))² = σ(x)·(1 − σ(x)): the slope is written in terms of
  // the output, so no exp() is needed here, and x was never kept.
  const Matrix slope = apply(out, [](double s) { return s * (1.0 - s); });
  return hadamard(dout, slope);
}

// out = x · W + b; caches x.
Matrix Affine::forward(const Matrix& x) {
  // ∂out/∂W involves x, so keep it; W and b are read through the references, so a
  // parameter nudged in place (lesson 02's numerical_gradient) is seen here at once.
  this->x = x;
  // x (B,D) · W (D,H) + b (1,H) → (B,H)
  return add_row_vector(x * W, b);
}

// ∂L/∂x = dout · Wᵀ, ∂L/∂W = xᵀ · dout, ∂L/∂b = Σ_i dout(i, :)
Matrix Affine::backward(const Matrix& dout) {
  // out(i,h) = Σ_d x(i,d) W(d,h) + b(h), i the example. W(d,h) meets x(i,d) in every
  // example i, so ∂L/∂W(d,h) = Σ_i x(i,d) · dout(i,h): a product with x transposed.
  // ∂L/∂W = xᵀ · dout    (D,B)·(B,H) → (D,H)
  dW = transpose(x) * dout;
  // The bias is added to every row, so each example's gradient reaches it and they add
  // up: a sum down the batch (over rows, one total per column), not a mean, not per row.
  // ∂L/∂b = Σ_i dout(i, :)    (1,H)
  db = column_sums(dout);
  // x(i,d) reaches every output h of its own row through W(d,h):
  // ∂L/∂x = dout · Wᵀ    (B,H)·(H,D) → (B,D)
  return dout * transpose(W);
}

// L = cross_entropy_error(softmax(x), t); caches y and t.
double SoftmaxWithLoss::forward(const Matrix& x, const Matrix& t) {
  // Both kept for backward, which needs nothing else. (cross_entropy_error below checks
  // that t has the scores' shape.)
  this->t = t;
  // y = softmax(x), row by row
  y = softmax(x);
  // L = −(1/B) Σ t · log(y + 1e-7)
  return cross_entropy_error(y, t);
}

// ∂L/∂x = dout · (y − t) / B
Matrix SoftmaxWithLoss::backward(double dout) const {
  // For one example with true class c, L = −log y_c (the book differentiates the loss
  // without its 1e-7) and y_k = exp(x_k) / Σ_j exp(x_j), so ∂y_c/∂x_k = y_c·(t_k − y_k)
  // and ∂L/∂x_k = −(1/y_c) · y_c·(t_k − y_k) = y_k − t_k: the y_c cancels.
  // The loss is the mean over the batch, so every example's share is divided by B: forget
  // it and the gradient is B times too large, and the step silently grows with the batch.
  const double batch = static_cast<double>(y.rows());
  // Times dout = ∂(final output)/∂L, 1 when L is the final output: the chain rule's last
  // link. (y − t) (B,K): prediction minus truth.
  return (dout / batch) * (y - t);
}
