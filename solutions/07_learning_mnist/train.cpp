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

// The rows `indices` of a data set:
//   x(k, :) = data.images(indices[k], :),   t(k, c) = 1 if c == data.labels[indices[k]]
// Throws std::out_of_range if an index is ≥ N, std::invalid_argument if a label is ≥ classes.
Batch sample_batch(const Dataset& data, const std::vector<std::size_t>& indices,
                   std::size_t classes) {
  const std::size_t n = data.images.rows(), d = data.images.cols();
  if (data.labels.size() != n) {
    throw std::invalid_argument("sample_batch: " + data.images.shape() + " images but " +
                                std::to_string(data.labels.size()) + " labels");
  }
  std::vector<std::size_t> labels(indices.size());
  Batch batch{Matrix(indices.size(), d), Matrix()};
  for (std::size_t k = 0; k < indices.size(); ++k) {
    const std::size_t i = indices[k];
    // Checked here in every build: the reference build's A(i, j) does not check, and a
    // bad index would read another image's memory instead of failing.
    if (i >= n) {
      throw std::out_of_range("sample_batch: index " + std::to_string(i) + " (position " +
                              std::to_string(k) + ") is outside a set of " + std::to_string(n) +
                              " images");
    }
    // Rows are contiguous (row-major), so image i is the d values from data() + i·d.
    const double* from = data.images.data() + i * d;
    std::copy(from, from + d, batch.x.data() + k * d);
    labels[k] = data.labels[i];
  }
  // The same order for both: row k of t labels row k of x. one_hot checks label < classes.
  batch.t = one_hot(labels, classes);
  return batch;
}

// One step of gradient descent on every parameter, in place:
//   θ ← θ − lr · ∇L(θ)    for θ = W1, b1, W2, b2
void sgd_step(TwoLayerParams& params, const TwoLayerParams& grads, double lr) {
  // The gradient points to where L rises fastest, so a small step against it lowers L.
  // All four move with the same lr: the biases are parameters like the weights, and a
  // step that skips them leaves them at 0 for good.
  // Matrix's −= checks that each gradient has its parameter's shape.
  // θ ← θ − lr · ∇L
  params.W1 -= lr * grads.W1;
  params.b1 -= lr * grads.b1;
  params.W2 -= lr * grads.W2;
  params.b2 -= lr * grads.b2;
}

// Mini-batch SGD, the loop of the book's train_neuralnet.py (steps 1–6 in train.h).
TrainLog train(TwoLayerNet& net, const Dataset& train_set, const Dataset& test_set,
               const TrainConfig& config, Rng& rng, const TrainObserver& observer) {
  const std::size_t n = train_set.images.rows();
  // Refuse a bad configuration before the first step, not after minutes of training.
  if (config.batch_size == 0 || config.batch_size > n) {
    throw std::invalid_argument("train: batch_size " + std::to_string(config.batch_size) +
                                " must be between 1 and the " + std::to_string(n) +
                                " training images");
  }
  if (config.iterations == 0) throw std::invalid_argument("train: iterations must be at least 1");
  if (!(config.learning_rate > 0.0)) {
    throw std::invalid_argument("train: learning_rate must be > 0 (set ascent to climb instead)");
  }
  // One epoch = as many iterations as it takes to draw N images (with repeats, so not
  // exactly every image once): 60,000 / 100 = 600.
  const std::size_t per_epoch = config.iterations_per_epoch > 0
                                    ? config.iterations_per_epoch
                                    : std::max<std::size_t>(1, n / config.batch_size);
  const std::size_t classes = net.params.b2.cols();
  // The whole sets' one-hot labels, made once here rather than at every evaluation.
  const Matrix train_t = one_hot(train_set.labels, classes);
  const Matrix test_t = one_hot(test_set.labels, classes);
  // θ ← θ − lr·∇L descends; the sign flip θ ← θ + lr·∇L climbs the same slope.
  const double step = config.ascent ? -config.learning_rate : config.learning_rate;

  TrainLog log;
  log.losses.reserve(config.iterations);
  double loss_sum = 0.0;  // batch losses since the last evaluation
  std::size_t loss_count = 0;
  for (std::size_t i = 1; i <= config.iterations; ++i) {
    // 1. A fresh random batch each time: the gradient on 100 images is a noisy but
    //    unbiased estimate of the gradient on all 60,000, at 1/600 of the cost.
    const Batch batch = sample_batch(train_set, choose_batch(rng, n, config.batch_size), classes);
    // 2. ∇L at the current parameters, on this batch only.
    const TwoLayerParams grads = config.gradient == GradientMethod::numerical
                                     ? net.numerical_gradient(batch.x, batch.t)
                                     : net.gradient(batch.x, batch.t);
    // 3. θ ← θ − lr · ∇L
    sgd_step(net.params, grads, step);
    // 4. The loss on the same batch after the step, as the book records it.
    const double loss = net.loss(batch.x, batch.t);
    log.losses.push_back(loss);
    if (observer.on_iteration) observer.on_iteration(i, loss);
    // 5. NaN or inf poisons every parameter it touches; nothing after it means anything.
    if (!std::isfinite(loss)) {
      log.diverged = true;
      break;
    }
    loss_sum += loss;
    ++loss_count;
    // 6. Accuracy on whole sets is slow (70,000 forward passes), so only once an epoch,
    //    and once more at the end so the last iterations are measured too.
    if (i % per_epoch == 0 || i == config.iterations) {
      Evaluation e;
      e.iteration = i;
      e.mean_loss = loss_sum / static_cast<double>(loss_count);
      e.train_accuracy = net.accuracy(train_set.images, train_t);
      e.test_accuracy = net.accuracy(test_set.images, test_t);
      log.evaluations.push_back(e);
      loss_sum = 0.0;
      loss_count = 0;
      if (observer.on_evaluation) observer.on_evaluation(e);
    }
  }
  return log;
}
