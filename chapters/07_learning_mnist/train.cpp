// 07_learning_mnist/train.cpp: mini-batch stochastic gradient descent. Contracts are in
// train.h. N = images in a set, B = batch, D = 784 pixels, K = classes.
#include "chapters/07_learning_mnist/train.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/not_implemented.h"

// batch_size indices, each rng.below(n), in order; with replacement.
// Throws std::invalid_argument if n == 0 or batch_size == 0.
std::vector<std::size_t> choose_batch(Rng& rng, std::size_t n, std::size_t batch_size) {
  // TODO: throw std::invalid_argument when n or batch_size is 0; otherwise return
  // batch_size indices, the k-th being the k-th call of rng.below(n). Use the rng you are
  // given (do not make a new one), and no shuffle: draws are with replacement.
  (void)rng, (void)n, (void)batch_size;
  throw not_implemented("choose_batch");
}

// The rows `indices` of a data set:
//   x(k, :) = data.images(indices[k], :),   t(k, c) = 1 if c == data.labels[indices[k]]
// Throws std::out_of_range if an index is ≥ N, std::invalid_argument if a label is ≥ classes.
Batch sample_batch(const Dataset& data, const std::vector<std::size_t>& indices,
                   std::size_t classes) {
  // TODO: build x (one row per index, copied from data.images) and t (the one-hot rows of
  // the same images' labels; common/mnist.h has one_hot). Check each index against the
  // number of images yourself and throw std::out_of_range: the reference build does not
  // check A(i, j).
  (void)data, (void)indices, (void)classes;
  throw not_implemented("sample_batch");
}

// One step of gradient descent on every parameter, in place:
//   θ ← θ − lr · ∇L(θ)    for θ = W1, b1, W2, b2
void sgd_step(TwoLayerParams& params, const TwoLayerParams& grads, double lr) {
  // TODO: move each of the four parameters by −lr times its own gradient, in place. The
  // Matrix compound assignments and scalar product (common/matrix.h) do it without loops.
  (void)params, (void)grads, (void)lr;
  throw not_implemented("sgd_step");
}

// Mini-batch SGD, the loop of the book's train_neuralnet.py (steps 1–6 in train.h).
TrainLog train(TwoLayerNet& net, const Dataset& train_set, const Dataset& test_set,
               const TrainConfig& config, Rng& rng, const TrainObserver& observer) {
  // TODO: check the configuration (see train.h), then follow steps 1–6 of train.h for
  // each iteration, composing choose_batch, sample_batch, net.gradient (or
  // net.numerical_gradient), sgd_step and net.loss; record what TrainLog holds and call
  // the observer's functions when they are set.
  (void)net, (void)train_set, (void)test_set, (void)config, (void)rng, (void)observer;
  throw not_implemented("train");
}
