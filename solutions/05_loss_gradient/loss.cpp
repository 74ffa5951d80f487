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
  // row_max would refuse too, but under its own name; the caller called softmax.
  if (a.cols() == 0) {
    throw std::invalid_argument("softmax: " + a.shape() +
                                " has no columns: a row needs at least one score");
  }
  // Each row is its own example, so each row gets its own maximum: with one maximum for
  // the whole batch, a row of small scores next to a row of large ones would underflow
  // to exp(−1000) = 0 everywhere and divide 0 by 0.
  const Matrix m = row_max(a);  // (B,1)
  Matrix y(a.rows(), a.cols());
  for (std::size_t b = 0; b < a.rows(); ++b) {
    double total = 0.0;
    for (std::size_t k = 0; k < a.cols(); ++k) {
      // a − m ≤ 0, so exp() lies in (0, 1]: no overflow, and the largest term is exactly
      // 1, so the total is ≥ 1 and the division below is safe.
      y(b, k) = std::exp(a(b, k) - m(b, 0));
      total += y(b, k);
    }
    for (std::size_t k = 0; k < a.cols(); ++k) y(b, k) /= total;
  }
  return y;
}

namespace {

// What both losses refuse, in the name of the loss the caller called: y and t of different
// shapes, and an empty batch (a mean over B = 0 rows would be 0/0 = NaN).
void require_loss_inputs(const std::string& name, const Matrix& y, const Matrix& t) {
  if (!y.same_shape(t)) {
    throw std::invalid_argument(name + ": y " + y.shape() + " and t " + t.shape() +
                                " differ in shape. HINT: t is one-hot, one row per example and "
                                "one column per class, like y (common/mnist.h has one_hot)");
  }
  if (y.rows() == 0) {
    throw std::invalid_argument(name + ": an empty batch " + y.shape() + " has no mean loss");
  }
}

}  // namespace

// The book's first loss: how far the predictions lie from the labels, every class counting.
double sum_squared_error(const Matrix& y, const Matrix& t) {
  require_loss_inputs("sum_squared_error", y, t);
  // Every class counts: a probability put on a wrong class is an error too, not only
  // the probability missing from the right one.
  const Matrix d = y - t;
  // The ½ is the book's, and makes the derivative in y simply y − t.
  // Divided by B (rows), like the cross-entropy, so a batch's loss is per example.
  return 0.5 * sum(hadamard(d, d)) / static_cast<double>(y.rows());
}

// The loss the workbook trains with: how little probability the true class got.
double cross_entropy_error(const Matrix& y, const Matrix& t) {
  require_loss_inputs("cross_entropy_error", y, t);
  // The 1e-7 keeps log() finite when a predicted probability is exactly 0.
  const Matrix log_y = apply(y, [](double p) { return std::log(p + kLogDelta); });
  // The one-hot t zeroes every term but the true class's.
  // Dividing by B (rows), not by B·K (entries), makes E the mean loss per example, so its
  // size does not depend on the batch size.
  return -sum(hadamard(t, log_y)) / static_cast<double>(y.rows());
}

// The simple net's scores, before softmax.
Matrix SimpleNet::predict(const Matrix& x) const {
  // x (B,2) · W (2,3) → (B,3): score k of an example is Σ_i x(i) W(i,k). The product
  // checks the shapes and names both when they do not fit.
  return x * W;
}

// The simple net's loss on a batch, from the functions above.
double SimpleNet::loss(const Matrix& x, const Matrix& t) const {
  // Scores → probabilities → how little probability the true class got.
  return cross_entropy_error(softmax(predict(x)), t);
}

// How the loss changes with each weight: lesson 02's numerical gradient, on the net's W.
Matrix SimpleNet::numerical_gradient(const Matrix& x, const Matrix& t) {
  // The loss as a function of the weights (the book's f = lambda w: net.loss(x, t)).
  // Lesson 02 nudges W in place and calls this with W itself; loss() reads this->W, the
  // very matrix being nudged, so the argument is not needed. Capturing `this` (not a copy
  // of the net) is what makes the nudges visible: a copy would see none and give zeros.
  const auto loss_of_W = [this, &x, &t](const Matrix&) { return loss(x, t); };
  // `::` picks lesson 02's free function: inside this member, the bare name would mean
  // SimpleNet::numerical_gradient itself.
  return ::numerical_gradient(loss_of_W, W);
}
