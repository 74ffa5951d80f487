// 08_backpropagation/layers.cpp: each layer's forward and backward pass. Contracts are in
// layers.h. B = batch, D = a layer's inputs, H = its outputs, K = classes.
#include "chapters/08_backpropagation/layers.h"

#include <cstddef>

#include "chapters/05_loss_gradient/loss.h"
#include "chapters/06_two_layer_net/two_layer_net.h"
#include "common/not_implemented.h"

// out = x · y; caches x and y.
double MulLayer::forward(double x, double y) {
  // TODO: keep both inputs in the members x and y, then return their product.
  (void)x, (void)y;
  throw not_implemented("MulLayer::forward");
}

// ∂L/∂x = dout · y,   ∂L/∂y = dout · x
InputGradients MulLayer::backward(double dout) const {
  // TODO: return {∂L/∂x, ∂L/∂y} from dout and the two cached inputs.
  (void)dout;
  throw not_implemented("MulLayer::backward");
}

// out = x + y; caches nothing.
double AddLayer::forward(double x, double y) {
  // TODO: return the sum.
  (void)x, (void)y;
  throw not_implemented("AddLayer::forward");
}

// ∂L/∂x = dout · 1,   ∂L/∂y = dout · 1
InputGradients AddLayer::backward(double dout) const {
  // TODO: return {∂L/∂x, ∂L/∂y}.
  (void)dout;
  throw not_implemented("AddLayer::backward");
}

// out(i,j) = x(i,j) if x(i,j) > 0, else 0; caches mask.
Matrix Relu::forward(const Matrix& x) {
  // TODO: set the member mask to 1 where x > 0 and 0 elsewhere (zero included), then
  // return max(0, x) entry by entry.
  (void)x;
  throw not_implemented("Relu::forward");
}

// ∂L/∂x = dout ⊙ mask
Matrix Relu::backward(const Matrix& dout) const {
  // TODO: let dout through where the cached mask is 1, and 0 where it is 0.
  (void)dout;
  throw not_implemented("Relu::backward");
}

// out = σ(x); caches out.
Matrix Sigmoid::forward(const Matrix& x) {
  // TODO: compute σ(x) with lesson 06's sigmoid, keep it in the member out, return it.
  (void)x;
  throw not_implemented("Sigmoid::forward");
}

// ∂L/∂x = dout ⊙ out ⊙ (1 − out)
Matrix Sigmoid::backward(const Matrix& dout) const {
  // TODO: the formula above, from the cached out only (no exp, no sigmoid call here).
  (void)dout;
  throw not_implemented("Sigmoid::backward");
}

// out = x · W + b; caches x.
Matrix Affine::forward(const Matrix& x) {
  // TODO: keep x in the member x (this->x), then return x·W with b added to every row.
  (void)x;
  throw not_implemented("Affine::forward");
}

// ∂L/∂x = dout · Wᵀ, ∂L/∂W = xᵀ · dout, ∂L/∂b = Σ_i dout(i, :)
Matrix Affine::backward(const Matrix& dout) {
  // TODO: store ∂L/∂W in dW and ∂L/∂b in db (a (1,H) row: sum over the batch, which axis
  // is that?), then return ∂L/∂x. Check each shape against the comment above.
  (void)dout;
  throw not_implemented("Affine::backward");
}

// L = cross_entropy_error(softmax(x), t); caches y and t.
double SoftmaxWithLoss::forward(const Matrix& x, const Matrix& t) {
  // TODO: keep t (this->t) and y = softmax(x), and return the cross-entropy of y against
  // t. Lesson 05's softmax and cross_entropy_error do the work.
  (void)x, (void)t;
  throw not_implemented("SoftmaxWithLoss::forward");
}

// ∂L/∂x = dout · (y − t) / B
Matrix SoftmaxWithLoss::backward(double dout) const {
  // TODO: the formula above, from the cached y and t; B is the number of rows.
  (void)dout;
  throw not_implemented("SoftmaxWithLoss::backward");
}
