// chapters/05_loss_gradient/loss.h: how wrong a network's answer is (the loss), and how
// the loss changes when each weight moves (its gradient).
//
// Exercises (loss.cpp): softmax, cross_entropy_error, SimpleNet::predict, SimpleNet::loss,
// SimpleNet::numerical_gradient.
//
// Shapes: B = batch (one example per row), K = classes (one score per column).
#pragma once

#include "common/matrix.h"

// The small number added inside the log of the cross-entropy, so that a probability of
// exactly 0 gives a large finite loss, −log(1e-7) ≈ 16.1, instead of −log(0) = ∞.
constexpr double kLogDelta = 1e-7;

// Softmax of each row: scores a (B,K) → probabilities y (B,K), each row positive and
// summing to 1:
//   y(b,k) = exp(a(b,k) − m_b) / Σ_j exp(a(b,j) − m_b),   m_b = max_j a(b,j)
// Subtracting the row's own maximum changes nothing mathematically (it cancels between
// top and bottom) but keeps every exp() argument ≤ 0, so scores like 1000 give no inf.
Matrix softmax(const Matrix& a);

// Cross-entropy error of predictions y (B,K) against one-hot labels t (B,K), averaged
// over the batch:
//   E = −(1/B) Σ_b Σ_k t(b,k) · log(y(b,k) + 1e-7)
// With one-hot t only the true class counts: E is the mean of −log(y[true class]).
// Throws std::invalid_argument if y and t differ in shape.
double cross_entropy_error(const Matrix& y, const Matrix& t);

// The book's simple net: one weight matrix, no bias, no hidden layer.
//   x (B,2) · W (2,3) → scores (B,3) → softmax → cross-entropy against t (B,3)
// (The book calls it simpleNet and draws W at random; here W is set by the caller.)
struct SimpleNet {
  Matrix W = Matrix(2, 3);  // (2,3)

  // The scores x · W (B,3), before softmax (the book's predict returns them too).
  Matrix predict(const Matrix& x) const;

  // cross_entropy_error(softmax(predict(x)), t).
  double loss(const Matrix& x, const Matrix& t) const;

  // ∂loss/∂W (2,3) at the current W, by chapter 2's numerical_gradient over W:
  //   ∂L/∂W(i,j) ≈ (L(W with W(i,j)+h) − L(W with W(i,j)−h)) / 2h,   h = 1e-4
  // Not const: W is perturbed in place while it runs, and restored bit-for-bit.
  Matrix numerical_gradient(const Matrix& x, const Matrix& t);
};
