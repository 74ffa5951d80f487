// 08_backpropagation/layers.cpp: each layer's forward and backward pass. Contracts are in
// layers.h. B = batch, D = a layer's inputs, H = its outputs, K = classes.
#include "chapters/08_backpropagation/layers.h"

#include <cstddef>

#include "chapters/05_loss_gradient/loss.h"
#include "chapters/06_two_layer_net/two_layer_net.h"
#include "common/not_implemented.h"

// The multiplication node, forward: the product, both inputs kept for backward.
double MulLayer::forward(double x, double y) {
  // TODO: keep both inputs in the members x and y, then return their product.
  (void)x, (void)y;
  throw not_implemented("MulLayer::forward");
}

// The multiplication node, backward: each input's gradient, from the kept inputs.
InputGradients MulLayer::backward(double dout) const {
  // TODO: return {∂L/∂x, ∂L/∂y} from dout and the two cached inputs.
  (void)dout;
  throw not_implemented("MulLayer::backward");
}

// The addition node, forward: the sum.
double AddLayer::forward(double x, double y) {
  // TODO: return the sum.
  (void)x, (void)y;
  throw not_implemented("AddLayer::forward");
}

// The addition node, backward: each input's gradient.
InputGradients AddLayer::backward(double dout) const {
  // TODO: return {∂L/∂x, ∂L/∂y}.
  (void)dout;
  throw not_implemented("AddLayer::backward");
}

// Relu, forward: the positive entries pass, and the mask remembers which.
Matrix Relu::forward(const Matrix& x) {
  // TODO: set the member mask to 1 where x > 0 and 0 elsewhere (zero included), then
  // return max(0, x) entry by entry.
  (void)x;
  throw not_implemented("Relu::forward");
}

// Relu, backward: the gradient goes back through the entries that passed forward.
Matrix Relu::backward(const Matrix& dout) const {
  // TODO: let dout through where the cached mask is 1, and 0 where it is 0.
  (void)dout;
  throw not_implemented("Relu::backward");
}

// Sigmoid, forward: lesson 06's sigmoid, its output kept for backward.
Matrix Sigmoid::forward(const Matrix& x) {
  // TODO: compute σ(x) with lesson 06's sigmoid, keep it in the member out, return it.
  (void)x;
  throw not_implemented("Sigmoid::forward");
}

// Sigmoid, backward: the gradient through the sigmoid, from the kept output alone.
Matrix Sigmoid::backward(const Matrix& dout) const {
  // TODO: the formula in layers.h, from the cached out only (no exp, no sigmoid call here).
  (void)dout;
  throw not_implemented("Sigmoid::backward");
}

// Affine, forward: lesson 00's affine layer, its input kept for backward.
Matrix Affine::forward(const Matrix& x) {
  // TODO: keep x in the member x (this->x), then return x·W with b added to every row.
  (void)x;
  throw not_implemented("Affine::forward");
}

// Affine, backward: the input's gradient, returned, and W's and b's, stored.
Matrix Affine::backward(const Matrix& dout) {
  // TODO: store ∂L/∂W in dW and ∂L/∂b in db (a (1,H) row: sum over the batch, which axis
  // is that?), then return ∂L/∂x. Check each shape against layers.h.
  (void)dout;
  throw not_implemented("Affine::backward");
}

// The last layer, forward: lesson 05's loss of the scores against the labels.
double SoftmaxWithLoss::forward(const Matrix& x, const Matrix& t) {
  // TODO: keep t (this->t) and y = softmax(x), and return the cross-entropy of y against
  // t. Lesson 05's softmax and cross_entropy_error do the work.
  (void)x, (void)t;
  throw not_implemented("SoftmaxWithLoss::forward");
}

// The last layer, backward: where every backward pass starts.
Matrix SoftmaxWithLoss::backward(double dout) const {
  // TODO: the formula in layers.h, from the cached y and t; B is the number of rows.
  (void)dout;
  throw not_implemented("SoftmaxWithLoss::backward");
}
