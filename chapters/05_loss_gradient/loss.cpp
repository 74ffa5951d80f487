// 05_loss_gradient/loss.cpp: softmax, the two losses and the simple net. Contracts are in
// loss.h. B = batch (rows), K = classes (columns).
#include "chapters/05_loss_gradient/loss.h"

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

#include "chapters/02_gradient/gradient.h"
#include "common/not_implemented.h"

// Softmax of each row: y(b,k) = exp(a(b,k) − m_b) / Σ_j exp(a(b,j) − m_b), m_b = max_j a(b,j).
// Throws std::invalid_argument naming softmax if a has no columns.
Matrix softmax(const Matrix& a) {
  // TODO: throw std::invalid_argument if a has no columns. Then for each row b, find its
  // largest score m_b, take exp(a(b,k) − m_b) for every k, and divide each by that row's
  // total. Return a new matrix of a's shape; do not skip the max (a score of 1000 must
  // not give inf or NaN).
  (void)a;
  throw not_implemented("softmax");
}

// Sum of squared errors averaged over the batch: E = (1/B) Σ_b ½ Σ_k (y(b,k) − t(b,k))².
// Throws std::invalid_argument naming sum_squared_error if the shapes differ or B = 0.
double sum_squared_error(const Matrix& y, const Matrix& t) {
  // TODO: throw std::invalid_argument if the shapes differ or there are no rows; then
  // half the sum of the squared differences over every entry, divided by the number of
  // rows B.
  (void)y, (void)t;
  throw not_implemented("sum_squared_error");
}

// Cross-entropy error averaged over the batch: E = −(1/B) Σ_b Σ_k t(b,k) · log(y(b,k) + 1e-7).
// Throws std::invalid_argument naming cross_entropy_error if the shapes differ or B = 0.
double cross_entropy_error(const Matrix& y, const Matrix& t) {
  // TODO: throw std::invalid_argument if the shapes differ or there are no rows; then add
  // up t(b,k) · log(y(b,k) + kLogDelta) over every entry, negate, and divide by the
  // number of rows B (examples), not by the number of entries.
  (void)y, (void)t;
  throw not_implemented("cross_entropy_error");
}

// The scores x · W (B,3), before softmax.
Matrix SimpleNet::predict(const Matrix& x) const {
  // TODO: the scores of every row of x under the net's W (no softmax here).
  (void)x;
  throw not_implemented("SimpleNet::predict");
}

// cross_entropy_error(softmax(predict(x)), t).
double SimpleNet::loss(const Matrix& x, const Matrix& t) const {
  // TODO: the scores from predict, turned into probabilities by softmax, then the
  // cross-entropy against t, from the functions above.
  (void)x, (void)t;
  throw not_implemented("SimpleNet::loss");
}

// ∂loss/∂W (2,3) at the current W, by lesson 02's numerical_gradient over W:
//   ∂L/∂W(i,j) ≈ (L(W with W(i,j)+h) − L(W with W(i,j)−h)) / 2h,   h = 1e-4
Matrix SimpleNet::numerical_gradient(const Matrix& x, const Matrix& t) {
  // TODO: write the loss as a function of the weights (it takes a const Matrix& and gives
  // this net's loss on x and t) and hand it, with this net's own W, to lesson 02's
  // numerical_gradient (chapters/02_gradient/gradient.h). Do not write the difference
  // loop again here.
  (void)x, (void)t;
  throw not_implemented("SimpleNet::numerical_gradient");
}
