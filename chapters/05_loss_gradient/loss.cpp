// 05_loss_gradient/loss.cpp: softmax, cross-entropy and the simple net. Contracts are in
// loss.h. B = batch (rows), K = classes (columns).
#include "chapters/05_loss_gradient/loss.h"

#include <cmath>
#include <cstddef>
#include <stdexcept>

#include "chapters/02_gradient/gradient.h"
#include "common/not_implemented.h"

// Softmax of each row: y(b,k) = exp(a(b,k) − m_b) / Σ_j exp(a(b,j) − m_b), m_b = max_j a(b,j).
Matrix softmax(const Matrix& a) {
  // TODO: for each row b, find its largest score m_b (common/matrix.h has row_max), take
  // exp(a(b,k) − m_b) for every k, and divide each by that row's total. Return a new
  // matrix of a's shape; do not skip the max (a score of 1000 must not give inf or NaN).
  (void)a;
  throw not_implemented("softmax");
}

// Cross-entropy error averaged over the batch: E = −(1/B) Σ_b Σ_k t(b,k) · log(y(b,k) + 1e-7).
// Throws std::invalid_argument if y and t differ in shape.
double cross_entropy_error(const Matrix& y, const Matrix& t) {
  // TODO: throw std::invalid_argument if the shapes differ; then add up
  // t(b,k) · log(y(b,k) + kLogDelta) over every entry, negate, and divide by the number
  // of rows B (examples), not by the number of entries.
  (void)y, (void)t;
  throw not_implemented("cross_entropy_error");
}

// The scores x · W (B,3), before softmax.
Matrix SimpleNet::predict(const Matrix& x) const {
  // TODO: return the matrix product of x and the net's W (no softmax here).
  (void)x;
  throw not_implemented("SimpleNet::predict");
}

// cross_entropy_error(softmax(predict(x)), t).
double SimpleNet::loss(const Matrix& x, const Matrix& t) const {
  // TODO: the scores from predict, turned into probabilities by softmax, then the
  // cross-entropy against t. One line from the three functions above.
  (void)x, (void)t;
  throw not_implemented("SimpleNet::loss");
}

// ∂loss/∂W (2,3) at the current W, by chapter 2's numerical_gradient over W:
//   ∂L/∂W(i,j) ≈ (L(W with W(i,j)+h) − L(W with W(i,j)−h)) / 2h,   h = 1e-4
Matrix SimpleNet::numerical_gradient(const Matrix& x, const Matrix& t) {
  // TODO: write the loss as a function of the weights (a lambda taking a const Matrix&
  // and returning loss(x, t)) and pass it, with this net's own W, to chapter 2's
  // numerical_gradient (chapters/02_gradient/gradient.h). Do not write the difference
  // loop again here.
  (void)x, (void)t;
  throw not_implemented("SimpleNet::numerical_gradient");
}
