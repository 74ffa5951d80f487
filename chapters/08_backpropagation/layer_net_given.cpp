// chapters/08_backpropagation/layer_net_given.cpp: the gradient check, given ready-made.
// Contract in layer_net.h.
#include "chapters/08_backpropagation/layer_net.h"

GradientCheck gradient_check(TwoLayerNet& net, const Matrix& x, const Matrix& t) {
  const TwoLayerParams backprop = net.gradient(x, t);
  const TwoLayerParams numerical = net.numerical_gradient(x, t);
  return {relative_error(backprop.W1, numerical.W1), relative_error(backprop.b1, numerical.b1),
          relative_error(backprop.W2, numerical.W2), relative_error(backprop.b2, numerical.b2)};
}
