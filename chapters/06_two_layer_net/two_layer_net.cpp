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
  // TODO: return a new matrix of a's shape with 1 / (1 + exp(−v)) for every entry v.
  // It must stay finite for v = ±1000.
  (void)a;
  throw not_implemented("sigmoid");
}

// The forward pass: the net's class probabilities for each input row.
Matrix TwoLayerNet::predict(const Matrix& x) const {
  // TODO: the first layer (x times params.W1, plus params.b1 added to every row), then
  // sigmoid; the second layer (times W2, plus b2 on every row), then lesson 05's softmax.
  // Matrix operations only, no loops.
  (void)x;
  throw not_implemented("TwoLayerNet::predict");
}

// The number training lowers: lesson 05's loss on this net's predictions.
double TwoLayerNet::loss(const Matrix& x, const Matrix& t) const {
  // TODO: lesson 05's cross_entropy_error of this net's predictions against t.
  (void)x, (void)t;
  throw not_implemented("TwoLayerNet::loss");
}

// The figure training is judged by: the share of the batch the net classifies right.
double TwoLayerNet::accuracy(const Matrix& x, const Matrix& t) const {
  // TODO: for every row, compare the column of the largest prediction with the column of
  // the 1 in t (common/matrix.h finds both); return the matches divided by the number of
  // rows, as a double. Throw std::invalid_argument, with a message that begins
  // "TwoLayerNet::accuracy: ", if predictions and t differ in shape (give both shapes) or
  // there are no rows.
  (void)x, (void)t;
  throw not_implemented("TwoLayerNet::accuracy");
}

// The slow, simple gradient that backpropagation is checked against.
TwoLayerParams TwoLayerNet::numerical_gradient(const Matrix& x, const Matrix& t) {
  // TODO: write the loss as a function of the parameters (a lambda taking a const
  // Matrix& that returns loss(x, t)), then call lesson 02's numerical_gradient with it
  // on each of params.W1, b1, W2 and b2, storing each result in the matching field.
  // Do not write the difference loop again here.
  (void)x, (void)t;
  throw not_implemented("TwoLayerNet::numerical_gradient");
}

// One number for how far two gradients disagree, and the entry where they differ most.
GradientDifference relative_error(const Matrix& a, const Matrix& b) {
  // TODO: refuse a and b of different shapes (std::invalid_argument, a message that begins
  // "relative_error: " and gives both shapes). Then one pass over the entries: keep the
  // largest |a − b| and its row and column, and the largest |a| or |b| for the scale
  // (start it at 1e-300). A NaN difference ends the search there: return NaN and that
  // entry. The error is the largest difference divided by the scale.
  (void)a, (void)b;
  throw not_implemented("relative_error");
}

// The book's gradient check: the net's gradient held against the numerical one.
GradientCheck gradient_check(TwoLayerNet& net, const Matrix& x, const Matrix& t) {
  // TODO: both gradients of the net on this batch, each once (net.gradient is virtual:
  // call it through net, not TwoLayerNet::gradient); then for W1, b1, W2 and b2 the mean
  // of |backprop − numerical| over the parameter's entries (the book's printed figure)
  // and relative_error(backprop, numerical).
  (void)net, (void)x, (void)t;
  throw not_implemented("gradient_check");
}
