// 07_learning_mnist/train.cpp: the body of the book's training loop. Contracts are in
// train.h. N = images in a set, B = batch, D = 784 pixels, K = classes.
#include "chapters/07_learning_mnist/train.h"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/not_implemented.h"

// Which examples the next mini-batch takes: the book's batch_mask.
std::vector<std::size_t> choose_batch(Rng& rng, std::size_t n, std::size_t batch_size) {
  // TODO: throw std::invalid_argument when n or batch_size is 0; otherwise return
  // batch_size indices, the k-th being the k-th call of rng.below(n). Use the rng you are
  // given (do not make a new one), and no shuffle: draws are with replacement.
  (void)rng, (void)n, (void)batch_size;
  throw not_implemented("choose_batch");
}

// Those examples as a batch the net can take: their images and their one-hot labels.
Batch sample_batch(const Dataset& data, const std::vector<std::size_t>& indices,
                   std::size_t classes) {
  // TODO: x holds the images at these indices (Dataset::images, common/mnist.h, gathers
  // them and checks each index); t holds the one-hot rows of the same images' labels, in
  // the same order (collect the labels, then common/mnist.h's one_hot).
  (void)data, (void)indices, (void)classes;
  throw not_implemented("sample_batch");
}

// The update that makes the net learn: every parameter a small step downhill.
void sgd_step(TwoLayerParams& params, const TwoLayerParams& grads, double lr) {
  // TODO: move each of the four parameters by −lr times its own gradient, in place. The
  // Matrix compound assignments and scalar product (common/matrix.h) do it without loops.
  (void)params, (void)grads, (void)lr;
  throw not_implemented("sgd_step");
}

// One pass of the book's training loop, built from the three functions above (steps 1–5
// in train.h).
double train_step(TwoLayerNet& net, const Dataset& train_set, const TrainConfig& config, Rng& rng) {
  // TODO: follow steps 1–5 of train.h, composing your three functions above with the net's
  // gradient (or numerical_gradient, as config.gradient says) and loss. K, the number of
  // classes, is the width of the net's output bias.
  (void)net, (void)train_set, (void)config, (void)rng;
  throw not_implemented("train_step");
}
