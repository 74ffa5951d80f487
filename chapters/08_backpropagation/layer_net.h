// chapters/08_backpropagation/layer_net.h: lesson 06's two-layer net with its gradient
// found by running the layers of layers.h backwards.
//
// Exercise (layer_net.cpp): LayerNet::gradient.
//
// A LayerNet is a TwoLayerNet: the same parameters, the same predict, loss, accuracy and
// numerical_gradient (yours, from lesson 06), your gradient_check (lesson 06) checks it,
// and lesson 07's train trains it. Only the gradient differs in how it is computed:
//   x (B,D) → Affine(W1, b1) → (B,H) → Sigmoid → (B,H) → Affine(W2, b2) → scores (B,K)
//           → SoftmaxWithLoss against t (B,K) → L
// The book's layered TwoLayerNet puts Relu where we put Sigmoid (see the lesson); we keep
// lesson 06's sigmoid so that both nets compute the same function and the same gradient.
//
// Shapes: B = batch, D = inputs (784 pixels for MNIST), H = hidden units, K = classes.
#pragma once

#include "chapters/06_two_layer_net/two_layer_net.h"
#include "common/matrix.h"

class LayerNet : public TwoLayerNet {
 public:
  // Exactly TwoLayerNet's constructor: the same seed gives the same net in lessons 06, 07
  // and 08.
  using TwoLayerNet::TwoLayerNet;

  // ∂L/∂W1, ∂L/∂b1, ∂L/∂W2, ∂L/∂b2 by backpropagation through the layers:
  //   forward:  Affine1 → Sigmoid → Affine2 → SoftmaxWithLoss, each caching what it needs
  //   backward: SoftmaxWithLoss → Affine2 → Sigmoid → Affine1, each turning ∂L/∂out
  //             into ∂L/∂in, starting from ∂L/∂L = 1
  // then ∂L/∂W1, ∂L/∂b1 from Affine1 and ∂L/∂W2, ∂L/∂b2 from Affine2. Equal, to rounding,
  // to lesson 06's TwoLayerNet::gradient on the same parameters.
  // Throws what the layers throw: an x that is not (B,D) gives the product's message
  // ("matmul: ..."), a t that is not (B,K) cross_entropy_error's (from
  // SoftmaxWithLoss::forward).
  TwoLayerParams gradient(const Matrix& x, const Matrix& t) const override;
};
