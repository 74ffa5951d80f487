// chapters/05_loss_gradient/loss.h: how wrong a network's answer is (the loss), and how
// the loss changes when each weight moves (its gradient).
//
// Exercises (loss.cpp): softmax, sum_squared_error, cross_entropy_error,
// SimpleNet::predict, SimpleNet::loss, SimpleNet::numerical_gradient.
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
// Throws std::invalid_argument naming softmax if a has no columns (K = 0: no scores to
// turn into probabilities).
Matrix softmax(const Matrix& a);

// Sum of squared errors (the book's 2乗和誤差) of predictions y (B,K) against one-hot
// labels t (B,K), averaged over the batch:
//   E = (1/B) Σ_b ½ Σ_k (y(b,k) − t(b,k))²
// Every class counts, the wrong ones too. For one row this is the book's
// mean_squared_error, which despite its name sums over the classes.
// Throws std::invalid_argument naming sum_squared_error if y and t differ in shape (the
// message gives both shapes) or the batch is empty (B = 0 has no mean).
double sum_squared_error(const Matrix& y, const Matrix& t);

// Cross-entropy error (the book's 交差エントロピー誤差) of predictions y (B,K) against
// one-hot labels t (B,K), averaged over the batch:
//   E = −(1/B) Σ_b Σ_k t(b,k) · log(y(b,k) + 1e-7)
// With one-hot t only the true class counts: E is the mean of −log(y[true class]).
// Throws std::invalid_argument naming cross_entropy_error if y and t differ in shape (the
// message gives both shapes) or the batch is empty (B = 0 has no mean).
double cross_entropy_error(const Matrix& y, const Matrix& t);

// The book's simple net: one weight matrix, no bias, no hidden layer.
//   x (B,2) · W (2,3) → scores (B,3) → softmax → cross-entropy against t (B,3)
// (The book calls it simpleNet and draws W at random; here W is set by the caller.)
struct SimpleNet {
  Matrix W = Matrix(2, 3);  // (2,3)

  // The scores x · W (B,3), before softmax (the book's predict returns them too).
  // An x that is not (B,2) throws std::invalid_argument from the product (the message
  // names matmul and both shapes).
  Matrix predict(const Matrix& x) const;

  // cross_entropy_error(softmax(predict(x)), t). Throws what those throw: a t that is
  // not (B,3) gives cross_entropy_error's message.
  double loss(const Matrix& x, const Matrix& t) const;

  // ∂loss/∂W (2,3) at the current W, by lesson 02's numerical_gradient over W:
  //   ∂L/∂W(i,j) ≈ (L(W with W(i,j)+h) − L(W with W(i,j)−h)) / 2h,   h = 1e-4
  // Not const: W is perturbed in place while it runs, and restored bit-for-bit.
  // Throws what loss throws.
  Matrix numerical_gradient(const Matrix& x, const Matrix& t);
};
