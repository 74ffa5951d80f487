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
  if (n == 0 || batch_size == 0) {
    throw std::invalid_argument("choose_batch: cannot draw " + std::to_string(batch_size) +
                                " indices from a set of " + std::to_string(n) +
                                " items: both must be at least 1");
  }
  std::vector<std::size_t> indices(batch_size);
  // Each draw is independent of the others, so an index can come up twice: sampling with
  // replacement. Over many batches every image is still drawn about equally often, and
  // no bookkeeping of "already used" is needed. The caller's rng advances, so the next
  // batch is a different one, and the same seed replays the same batches.
  for (std::size_t k = 0; k < batch_size; ++k) indices[k] = rng.below(n);
  return indices;
}

// Those examples as a batch the net can take: their images and their one-hot labels.
Batch sample_batch(const Dataset& data, const std::vector<std::size_t>& indices,
                   std::size_t classes) {
  // images() checks every index against N in every build (the reference build's A(i, j)
  // does not), so a bad index fails here instead of reading another image's memory.
  Batch batch;
  batch.x = data.images(indices);
  // Row k of t must label row k of x: the labels are gathered in the very same order.
  std::vector<std::size_t> labels(indices.size());
  for (std::size_t k = 0; k < indices.size(); ++k) labels[k] = data.labels[indices[k]];
  // one_hot checks each label against the number of classes.
  batch.t = one_hot(labels, classes);
  return batch;
}

// The update that makes the net learn: every parameter a small step downhill.
void sgd_step(TwoLayerParams& params, const TwoLayerParams& grads, double lr) {
  // The gradient points to where L rises fastest, so a small step against it lowers L.
  // All four move with the same lr: the biases are parameters like the weights, and a
  // step that skips them leaves them at 0 for good. −= works in place and checks that
  // each gradient has its parameter's shape.
  params.W1 -= lr * grads.W1;
  params.b1 -= lr * grads.b1;
  params.W2 -= lr * grads.W2;
  params.b2 -= lr * grads.b2;
}

// One pass of the book's training loop, built from the three functions above (steps 1–5
// in train.h).
double train_step(TwoLayerNet& net, const Dataset& train_set, const TrainConfig& config, Rng& rng) {
  // A fresh random batch each time: the gradient on 100 images is a noisy but unbiased
  // estimate of the gradient on all 60,000, at 1/600 of the cost.
  const std::vector<std::size_t> mask = choose_batch(rng, train_set.size(), config.batch_size);
  const Batch batch = sample_batch(train_set, mask, net.params.b2.cols());
  // ∇L at the current parameters, on this batch only. gradient() is virtual, so chapter
  // 8's layered net brings its own here.
  const TwoLayerParams grads = config.gradient == GradientMethod::numerical
                                   ? net.numerical_gradient(batch.x, batch.t)
                                   : net.gradient(batch.x, batch.t);
  sgd_step(net.params, grads, config.learning_rate);
  // Measured after the step, on the same batch, as the book records it: the loss should
  // already be a little lower than before the step.
  return net.loss(batch.x, batch.t);
}
