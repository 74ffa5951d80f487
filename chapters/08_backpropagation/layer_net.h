// chapters/08_backpropagation/layer_net.h: chapter 6's two-layer net with its gradient
// found by running the layers of layers.h backwards.
//
// Exercise (layer_net.cpp): LayerNet::gradient.
// Given (layer_net_given.cpp): gradient_check.
//
// A LayerNet is a TwoLayerNet: the same parameters, the same predict, loss, accuracy and
// numerical_gradient (yours, from chapter 6), and chapter 7's train trains it. Only the
// gradient differs in how it is computed:
//   x (B,D) → Affine(W1, b1) → (B,H) → Sigmoid → (B,H) → Affine(W2, b2) → scores (B,K)
//           → SoftmaxWithLoss against t (B,K) → L
// The book's layered TwoLayerNet puts Relu where we put Sigmoid (see the lesson); we keep
// chapter 6's sigmoid so that both nets compute the same function and the same gradient.
//
// Shapes: B = batch, D = inputs (784 pixels for MNIST), H = hidden units, K = classes.
#pragma once

#include "chapters/06_two_layer_net/two_layer_net.h"
#include "common/matrix.h"

class LayerNet : public TwoLayerNet {
 public:
  // Exactly TwoLayerNet's constructor: the same seed gives the same net in chapters 6, 7
  // and 8.
  using TwoLayerNet::TwoLayerNet;

  // ∂L/∂W1, ∂L/∂b1, ∂L/∂W2, ∂L/∂b2 by backpropagation through the layers:
  //   forward:  Affine1 → Sigmoid → Affine2 → SoftmaxWithLoss, each caching what it needs
  //   backward: SoftmaxWithLoss → Affine2 → Sigmoid → Affine1, each turning ∂L/∂out
  //             into ∂L/∂in, starting from ∂L/∂L = 1
  // then ∂L/∂W1, ∂L/∂b1 from Affine1 and ∂L/∂W2, ∂L/∂b2 from Affine2. Equal, to rounding,
  // to chapter 6's TwoLayerNet::gradient on the same parameters.
  TwoLayerParams gradient(const Matrix& x, const Matrix& t) const override;
};

// Backpropagation held against the numerical gradient, one parameter at a time (the
// book's gradient_check.py): relative_error(net.gradient, net.numerical_gradient) for each
// of W1, b1, W2, b2 (chapter 6's relative_error, max|a − b| / max(|a|, |b|, tiny)).
// net.gradient is whichever net's it is: a LayerNet's runs through the layers. Given.
struct GradientCheck {
  GradientDifference W1, b1, W2, b2;
};
GradientCheck gradient_check(TwoLayerNet& net, const Matrix& x, const Matrix& t);
