// 05_loss_gradient/loss.cpp: softmax, the two losses and the simple net. Contracts are in
// loss.h. B = batch (rows), K = classes (columns).
#include "chapters/05_loss_gradient/loss.h"

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

#include "chapters/02_gradient/gradient.h"
#include "common/not_implemented.h"

// Scores into probabilities, one row (one example) at a time.
Matrix softmax(const Matrix& a) {
  // TODO: throw std::invalid_argument if a has no columns. Then for each row b, find its
  // largest score m_b, take exp(a(b,k) − m_b) for every k, and divide each by that row's
  // total. Return a new matrix of a's shape; do not skip the max (a score of 1000 must
  // not give inf or NaN).
  (void)a;
  throw not_implemented("softmax");
}

// The book's first loss: how far the predictions lie from the labels, every class counting.
double sum_squared_error(const Matrix& y, const Matrix& t) {
  // TODO: throw std::invalid_argument if the shapes differ or there are no rows; then
  // half the sum of the squared differences over every entry, divided by the number of
  // rows B.
  (void)y, (void)t;
  throw not_implemented("sum_squared_error");
}

// The loss the workbook trains with: how little probability the true class got.
double cross_entropy_error(const Matrix& y, const Matrix& t) {
  // TODO: throw std::invalid_argument if the shapes differ or there are no rows; then add
  // up t(b,k) · log(y(b,k) + kLogDelta) over every entry, negate, and divide by the
  // number of rows B (examples), not by the number of entries.
  (void)y, (void)t;
  throw not_implemented("cross_entropy_error");
}

// The simple net's scores, before softmax.
Matrix SimpleNet::predict(const Matrix& x) const {
  // TODO: the scores of every row of x under the net's W (no softmax here).
  (void)x;
  throw not_implemented("SimpleNet::predict");
}

// The simple net's loss on a batch, from the functions above.
double SimpleNet::loss(const Matrix& x, const Matrix& t) const {
  // TODO: the scores from predict, turned into probabilities by softmax, then the
  // cross-entropy against t, from the functions above.
  (void)x, (void)t;
  throw not_implemented("SimpleNet::loss");
}

// How the loss changes with each weight: lesson 02's numerical gradient, on the net's W.
Matrix SimpleNet::numerical_gradient(const Matrix& x, const Matrix& t) {
  // TODO: write the loss as a function of the weights (it takes a const Matrix& and gives
  // this net's loss on x and t) and hand it, with this net's own W, to lesson 02's
  // numerical_gradient (chapters/02_gradient/gradient.h). Do not write the difference
  // loop again here.
  (void)x, (void)t;
  throw not_implemented("SimpleNet::numerical_gradient");
}
