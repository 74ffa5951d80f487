// 06_two_layer_net/two_layer_net.cpp: the two-layer net's forward pass, loss, accuracy and
// numerical gradient, and the gradient check. Contracts are in two_layer_net.h.
//
// B = batch, D = inputs, H = hidden units, K = classes.
#include "chapters/06_two_layer_net/two_layer_net.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include "chapters/02_gradient/gradient.h"
#include "chapters/05_loss_gradient/loss.h"
#include "common/not_implemented.h"

// The hidden layer's activation, entry by entry: a smooth step from 0 to 1.
Matrix sigmoid(const Matrix& a) {
  // For very negative a, exp(−a) overflows to inf and 1 / (1 + inf) = 0, the right
  // limit; for very positive a, exp(−a) → 0 and the result → 1. No NaN either way.
  return apply(a, [](double v) { return 1.0 / (1.0 + std::exp(-v)); });
}

// The forward pass: the net's class probabilities for each input row.
Matrix TwoLayerNet::predict(const Matrix& x) const {
  // x (B,D) · W1 (D,H) + b1 (1,H) → a1 (B,H) → z1 = σ(a1)
  const Matrix z1 = sigmoid(add_row_vector(x * params.W1, params.b1));
  // z1 (B,H) · W2 (H,K) + b2 (1,K) → a2 (B,K) → y = softmax(a2), row by row
  return softmax(add_row_vector(z1 * params.W2, params.b2));
}

// The number training lowers: lesson 05's loss on this net's predictions.
double TwoLayerNet::loss(const Matrix& x, const Matrix& t) const {
  // predict already ends in softmax (unlike lesson 05's SimpleNet), so its
  // probabilities go to the loss as they are.
  return cross_entropy_error(predict(x), t);
}

// The figure training is judged by: the share of the batch the net classifies right.
double TwoLayerNet::accuracy(const Matrix& x, const Matrix& t) const {
  const Matrix y = predict(x);
  if (!y.same_shape(t)) {
    throw std::invalid_argument("TwoLayerNet::accuracy: predictions " + y.shape() +
                                " and labels t " + t.shape() +
                                " differ in shape. HINT: t is one-hot (B,K)");
  }
  if (y.rows() == 0) {
    throw std::invalid_argument("TwoLayerNet::accuracy: an empty batch has no accuracy");
  }
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

// The slow, simple gradient that backpropagation is checked against.
TwoLayerParams TwoLayerNet::numerical_gradient(const Matrix& x, const Matrix& t) {
  // The loss as a function of the parameters. Lesson 02 nudges one matrix in place and
  // passes it in; loss() reads params, the very matrices being nudged, so the argument
  // is not needed, and one lambda serves all four (the book's loss_W).
  const auto loss_of_params = [this, &x, &t](const Matrix&) { return loss(x, t); };
  TwoLayerParams grad;
  // `::` picks lesson 02's free function; the bare name here would be this member.
  // Each gradient has the shape of its own parameter, so they cannot be mixed up.
  grad.W1 = ::numerical_gradient(loss_of_params, params.W1);
  grad.b1 = ::numerical_gradient(loss_of_params, params.b1);
  grad.W2 = ::numerical_gradient(loss_of_params, params.W2);
  grad.b2 = ::numerical_gradient(loss_of_params, params.b2);
  return grad;
}

// One number for how far two gradients disagree, and the entry where they differ most.
GradientDifference relative_error(const Matrix& a, const Matrix& b) {
  if (!a.same_shape(b)) {
    throw std::invalid_argument("relative_error: " + a.shape() + " and " + b.shape() +
                                " differ in shape: these are not gradients of the same parameter");
  }
  GradientDifference result;
  // Against the largest entry, not each entry against itself: a central difference errs
  // by about ε·L/h whatever the entry's size (lesson 02), so a tiny entry would show a
  // huge "error" of its own while the gradient is fine.
  double worst_diff = 0.0, scale = 1e-300;
  for (std::size_t i = 0; i < a.rows(); ++i) {
    for (std::size_t j = 0; j < a.cols(); ++j) {
      const double diff = std::fabs(a(i, j) - b(i, j));
      // A NaN anywhere is the worst possible disagreement, never a quiet 0: NaN > x is
      // false, so the comparison below would pass it over.
      if (std::isnan(diff)) return {std::nan(""), i, j};
      // Strictly larger: of equal differences the first one stays.
      if (diff > worst_diff) {
        worst_diff = diff;
        result.worst_row = i;
        result.worst_col = j;
      }
      scale = std::max({scale, std::fabs(a(i, j)), std::fabs(b(i, j))});
    }
  }
  result.relative_error = worst_diff / scale;
  return result;
}

namespace {

// One parameter's line: the book's mean |backprop − numerical|, and ours beside it.
ParameterCheck check_parameter(const Matrix& backprop, const Matrix& numerical) {
  // relative_error first: it refuses two shapes that differ before anything is subtracted.
  const GradientDifference relative = relative_error(backprop, numerical);
  // The book's figure is absolute, and means little until it is set beside the size of
  // the gradient itself: hence relative_error beside it.
  const double total = sum(apply(backprop - numerical, [](double d) { return std::fabs(d); }));
  return {total / static_cast<double>(backprop.size()), relative};
}

}  // namespace

// The book's gradient check: the net's gradient held against the numerical one.
GradientCheck gradient_check(TwoLayerNet& net, const Matrix& x, const Matrix& t) {
  // net.gradient is virtual: a LayerNet's runs through its layers, so this one check
  // serves lesson 06's given backprop and lesson 08's layers alike.
  const TwoLayerParams backprop = net.gradient(x, t);
  const TwoLayerParams numerical = net.numerical_gradient(x, t);
  return {check_parameter(backprop.W1, numerical.W1), check_parameter(backprop.b1, numerical.b1),
          check_parameter(backprop.W2, numerical.W2), check_parameter(backprop.b2, numerical.b2)};
}
