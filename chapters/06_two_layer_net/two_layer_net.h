// chapters/06_two_layer_net/two_layer_net.h: the two-layer network the workbook trains in
// lesson 07, the gradient of its loss with respect to every parameter, and the gradient
// check that holds one way of computing that gradient against the other.
//
// Exercises (two_layer_net.cpp): sigmoid, TwoLayerNet::predict, ::loss, ::accuracy,
// ::numerical_gradient, relative_error, gradient_check.
// Given (two_layer_net_given.cpp): the constructor and TwoLayerNet::gradient
// (backpropagation, derived in lesson 08).
//
// Shapes: B = batch, D = inputs (784 pixels for MNIST), H = hidden units, K = classes.
//   x (B,D) · W1 (D,H) + b1 (1,H) → a1 (B,H) → sigmoid → z1 (B,H)
//   z1 (B,H) · W2 (H,K) + b2 (1,K) → a2 (B,K) → softmax → y (B,K)
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/matrix.h"

// The logistic sigmoid of every entry: σ(a) = 1 / (1 + exp(−a)), each in (0, 1).
// σ(0) = 0.5, σ(−a) = 1 − σ(a); large positive a → 1, large negative a → 0.
Matrix sigmoid(const Matrix& a);

// The four parameters of the net (the book keeps them in a dict, params['W1'] …).
// Gradients come in the same struct: field for field, entry for entry.
struct TwoLayerParams {
  Matrix W1;  // (D,H)
  Matrix b1;  // (1,H)  (numpy's b1 has shape (H,); ours is a one-row matrix)
  Matrix W2;  // (H,K)
  Matrix b2;  // (1,K)
};

// Given. How many numbers the net learns: D·H + H + H·K + K, 39,760 for the book's
// 784-50-10 (numerical_gradient computes the loss twice for each).
inline std::size_t parameter_count(const TwoLayerParams& p) {
  return p.W1.size() + p.b1.size() + p.W2.size() + p.b2.size();
}

class TwoLayerNet {
 public:
  // D = input_size, H = hidden_size, K = output_size. Given.
  // W1 then W2, each filled row after row with weight_init_std · N(0,1) draws from one
  // Rng(seed) (common/random.h); b1 and b2 start at 0.
  // Throws std::invalid_argument naming TwoLayerNet (and the three sizes) if a size is 0.
  TwoLayerNet(std::size_t input_size, std::size_t hidden_size, std::size_t output_size,
              double weight_init_std = 0.01, std::uint64_t seed = 42);
  virtual ~TwoLayerNet() = default;

  TwoLayerParams params;

  // Class probabilities y (B,K) for inputs x (B,D), each row summing to 1:
  //   y = softmax(sigmoid(x·W1 + b1)·W2 + b2)
  // (Unlike lesson 05's SimpleNet::predict, this returns probabilities, as the book's
  // TwoLayerNet.predict does.)
  // An x that is not (B,D) throws std::invalid_argument from the product (the message
  // names matmul and both shapes).
  Matrix predict(const Matrix& x) const;

  // The mean cross-entropy of predict(x) against one-hot labels t (B,K):
  //   L = cross_entropy_error(predict(x), t)
  // Throws what those throw: a t that is not (B,K), or B = 0, gives cross_entropy_error's
  // message.
  double loss(const Matrix& x, const Matrix& t) const;

  // The fraction of rows whose predicted class (the column of the largest y) is the
  // true class (the column of the 1 in t): in [0, 1], not a count.
  // Throws std::invalid_argument naming TwoLayerNet::accuracy if predict(x) and t differ
  // in shape (the message gives both) or the batch is empty (B = 0 has no fraction).
  double accuracy(const Matrix& x, const Matrix& t) const;

  // ∂L/∂W1, ∂L/∂b1, ∂L/∂W2, ∂L/∂b2 at the current parameters, each by lesson 02's
  // numerical_gradient (central differences, h = 1e-4) on the loss above. Every entry
  // costs two evaluations of the loss: slow, but simple and hard to get wrong, which is
  // what makes it the reference for checking gradient(). Not const: the parameters are
  // nudged in place while it runs; they end bit-for-bit as they began.
  // Throws what loss throws.
  TwoLayerParams numerical_gradient(const Matrix& x, const Matrix& t);

  // The same four gradients by backpropagation, in the time of about two forward
  // passes. Given. The book's formulas: its backward starts from ∂L/∂a2 = (y − t)/B.
  // Virtual: lesson 08's LayerNet is this net with the gradient computed by layers, and
  // lesson 07's train calls the gradient of whichever net it is given.
  // Throws std::invalid_argument naming TwoLayerNet::gradient if predict(x) and t differ
  // in shape (the message gives both), and, for an x that is not (B,D), what predict
  // throws.
  virtual TwoLayerParams gradient(const Matrix& x, const Matrix& t) const;
};

// --- The gradient check: the book's gradient_check.py ----------------------------------

// How far gradient a is from gradient b, relative to their size:
//   error = max_ij |a(i,j) − b(i,j)| / max(max_ij |a(i,j)|, max_ij |b(i,j)|, 1e-300)
// The largest disagreement measured against the largest entry of either, not each entry
// against itself (the lesson says why). The 1e-300 only avoids 0/0 when both are all zero.
// 0 means equal; 1e-9 means they agree to about 9 digits at the largest entry; a gradient
// off by a constant factor c gives |c − 1| / max(|c|, 1), 0.5 for a factor of 2 or ½.
// worst_row and worst_col name the entry where |a − b| is largest (the first, in row
// order, if several are). A NaN is the worst disagreement there is: at the first NaN
// difference, in row order, the error is NaN and worst_row, worst_col name that entry.
// Throws std::invalid_argument naming relative_error (and both shapes) if the shapes differ.
struct GradientDifference {
  double relative_error = 0.0;
  std::size_t worst_row = 0, worst_col = 0;
};
GradientDifference relative_error(const Matrix& a, const Matrix& b);

// One parameter's line of the gradient check.
struct ParameterCheck {
  // mean_ij |backprop(i,j) − numerical(i,j)|: the figure the book's gradient_check.py
  // prints for each key, np.average(np.abs(grad_backprop[key] − grad_numerical[key])).
  double mean_abs_difference = 0.0;
  // relative_error(backprop, numerical): the same disagreement against the gradient's
  // size, and where it is worst.
  GradientDifference relative;
};

struct GradientCheck {
  ParameterCheck W1, b1, W2, b2;
};

// Backpropagation held against the numerical gradient, parameter by parameter (the
// book's gradient_check.py): backprop = net.gradient(x, t), numerical =
// net.numerical_gradient(x, t), then for each of W1, b1, W2, b2 the mean absolute
// difference and the relative_error of the two. net.gradient is whichever net's it is
// (virtual): a LayerNet's runs through lesson 08's layers. Not const, as
// numerical_gradient is not; the parameters end as they began.
// Exceptions from the two gradients pass through unchanged (a t that is not (B,K): the
// message of the gradient that met it first).
GradientCheck gradient_check(TwoLayerNet& net, const Matrix& x, const Matrix& t);
