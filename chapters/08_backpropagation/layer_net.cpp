// 08_backpropagation/layer_net.cpp: the layered net's gradient by backpropagation.
// Contracts are in layer_net.h. B = batch, D = inputs, H = hidden units, K = classes.
#include "chapters/08_backpropagation/layer_net.h"

#include "chapters/08_backpropagation/layers.h"
#include "common/not_implemented.h"

// Lesson 06's gradient again, now by running the layers of layers.h forward and back.
TwoLayerParams LayerNet::gradient(const Matrix& x, const Matrix& t) const {
  // TODO: make the four layers here (the Affines on params.W1, params.b1 and params.W2,
  // params.b2), run their forward passes in order on x and t, then their backward passes
  // in reverse order, starting from 1, and return the four gradients the Affines stored.
  // Do not call numerical_gradient or lesson 06's TwoLayerNet::gradient.
  (void)x, (void)t;
  throw not_implemented("LayerNet::gradient");
}
