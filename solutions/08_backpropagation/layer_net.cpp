// 08_backpropagation/layer_net.cpp: the layered net's gradient by backpropagation.
// Contracts are in layer_net.h. B = batch, D = inputs, H = hidden units, K = classes.
#include "chapters/08_backpropagation/layer_net.h"

#include "chapters/08_backpropagation/layers.h"
#include "common/not_implemented.h"

// Lesson 06's gradient again, now by running the layers of layers.h forward and back.
TwoLayerParams LayerNet::gradient(const Matrix& x, const Matrix& t) const {
  // The layers of this pass, bound to the parameters (by reference: nothing is copied).
  // They live as long as this call: forward fills their caches, backward reads them.
  Affine affine1(params.W1, params.b1);
  Sigmoid sigmoid1;
  Affine affine2(params.W2, params.b2);
  SoftmaxWithLoss last;

  // Forward, in order. The loss value itself is not needed, only the caches it leaves.
  // x (B,D) → (B,H) → (B,H) → scores (B,K) → L
  last.forward(affine2.forward(sigmoid1.forward(affine1.forward(x))), t);

  // Backward, in reverse order. Each backward multiplies the gradient arriving from
  // above by its own local derivative (the chain rule), so no layer needs to know what
  // comes after it. It starts from ∂L/∂L = 1.
  Matrix dout = last.backward(1.0);  // ∂L/∂scores  (B,K)
  dout = affine2.backward(dout);     // ∂L/∂z1      (B,H); stores ∂L/∂W2, ∂L/∂b2
  dout = sigmoid1.backward(dout);    // ∂L/∂a1      (B,H)
  affine1.backward(dout);            // ∂L/∂x (B,D), unused; stores ∂L/∂W1, ∂L/∂b1

  // The parameter gradients each Affine kept, in TwoLayerParams' order W1, b1, W2, b2.
  return {affine1.dW, affine1.db, affine2.dW, affine2.db};
}
