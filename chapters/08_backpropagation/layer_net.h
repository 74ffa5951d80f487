// chapters/08_backpropagation/layer_net.h: chapter 6's two-layer net rebuilt from the
// layers of layers.h, its gradient found by running them backwards, and chapter 7's
// training loop for it.
//
// Exercise (layer_net.cpp): LayerNet::gradient.
// Given (layer_net_given.cpp): the constructor, scores, loss, accuracy,
// numerical_gradient, gradient_check, and train for a LayerNet.
//
// Shapes: B = batch, D = inputs (784 pixels for MNIST), H = hidden units, K = classes.
//   x (B,D) → Affine(W1, b1) → (B,H) → Sigmoid → (B,H) → Affine(W2, b2) → scores (B,K)
//           → SoftmaxWithLoss against t (B,K) → L
// The book's layered TwoLayerNet puts Relu where we put Sigmoid (see the lesson); we keep
// chapter 6's sigmoid so that both nets compute the same function and the same gradient.
#pragma once

#include <cstddef>
#include <cstdint>

#include "chapters/06_two_layer_net/two_layer_net.h"
#include "chapters/07_learning_mnist/train.h"
#include "common/matrix.h"
#include "common/mnist.h"
#include "common/random.h"

class LayerNet {
 public:
  // D = input_size, H = hidden_size, K = output_size. Given.
  // Exactly the initial parameters of TwoLayerNet(input_size, hidden_size, output_size,
  // weight_init_std, seed): the same seed gives the same net in chapters 6, 7 and 8.
  LayerNet(std::size_t input_size, std::size_t hidden_size, std::size_t output_size,
           double weight_init_std = 0.01, std::uint64_t seed = 42);

  // The same four matrices as chapter 6's net, so chapter 7's sgd_step updates either.
  // The layers are built on them for each pass and read them by reference.
  TwoLayerParams params;

  // The scores a2 (B,K) before softmax, by the layers' forward passes. Given.
  //   a2 = Affine(W2, b2)(Sigmoid(Affine(W1, b1)(x)))
  // (The book's layered predict returns these scores; chapter 6's predict applies softmax.)
  Matrix scores(const Matrix& x) const;

  // L = SoftmaxWithLoss(scores(x), t): the same mean cross-entropy, 1e-7 and all, as
  // chapter 6's TwoLayerNet::loss. Given.
  double loss(const Matrix& x, const Matrix& t) const;

  // The fraction of rows whose largest score is in the column of t's 1. Given.
  double accuracy(const Matrix& x, const Matrix& t) const;

  // ∂L/∂W1, ∂L/∂b1, ∂L/∂W2, ∂L/∂b2 by chapter 2's numerical_gradient on loss() above (two
  // loss evaluations per parameter). Not const: it nudges params in place and restores
  // them bit for bit. Given.
  TwoLayerParams numerical_gradient(const Matrix& x, const Matrix& t);

  // The same four gradients by backpropagation through the layers:
  //   forward:  Affine1 → Sigmoid → Affine2 → SoftmaxWithLoss, each caching what it needs
  //   backward: SoftmaxWithLoss → Affine2 → Sigmoid → Affine1, each turning ∂L/∂out
  //             into ∂L/∂in, starting from ∂L/∂L = 1
  // then ∂L/∂W1, ∂L/∂b1 from Affine1 and ∂L/∂W2, ∂L/∂b2 from Affine2. Equal, to rounding,
  // to chapter 6's TwoLayerNet::gradient on the same parameters.
  TwoLayerParams gradient(const Matrix& x, const Matrix& t) const;
};

// Backpropagation held against the numerical gradient, one parameter at a time (the
// book's gradient_check.py): relative_error(gradient, numerical_gradient) for each of W1,
// b1, W2, b2 (chapter 6's relative_error, max|a − b| / max(|a|, |b|, tiny)). Given.
struct GradientCheck {
  GradientDifference W1, b1, W2, b2;
};
GradientCheck gradient_check(LayerNet& net, const Matrix& x, const Matrix& t);

// Chapter 7's train, for the layered net: the same contract (steps 1–6 in train.h), the
// same batches from the same rng, with net.gradient (or net.numerical_gradient) from the
// layers. Given. Chapter 7's train takes a TwoLayerNet, so this is its loop again.
TrainLog train(LayerNet& net, const Dataset& train_set, const Dataset& test_set,
               const TrainConfig& config, Rng& rng, const TrainObserver& observer = {});
