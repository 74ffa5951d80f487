// chapters/08_backpropagation/layer_net_given.cpp: the parts of the layered net given
// ready-made: the constructor, the forward pass (scores, loss, accuracy), the numerical
// gradient, the gradient check, and chapter 7's training loop for a LayerNet. Contracts
// are in layer_net.h.
//
// B = batch, D = inputs, H = hidden units, K = classes.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/02_gradient/gradient.h"
#include "chapters/05_loss_gradient/loss.h"
#include "chapters/08_backpropagation/layer_net.h"
#include "chapters/08_backpropagation/layers.h"

LayerNet::LayerNet(std::size_t input_size, std::size_t hidden_size, std::size_t output_size,
                   double weight_init_std, std::uint64_t seed)
    // Chapter 6's constructor draws the weights; taking its params makes "the same seed
    // gives the same net" true by construction, not by a copy of its code.
    : params(TwoLayerNet(input_size, hidden_size, output_size, weight_init_std, seed).params) {}

Matrix LayerNet::scores(const Matrix& x) const {
  // Fresh layers on the current parameters; only their forward passes are used here.
  Affine affine1(params.W1, params.b1);
  Sigmoid sigmoid1;
  Affine affine2(params.W2, params.b2);
  // x (B,D) → a1 (B,H) → z1 (B,H) → a2 (B,K)
  return affine2.forward(sigmoid1.forward(affine1.forward(x)));
}

double LayerNet::loss(const Matrix& x, const Matrix& t) const {
  SoftmaxWithLoss last;
  // L = −(1/B) Σ t · log(softmax(a2) + 1e-7)
  return last.forward(scores(x), t);
}

double LayerNet::accuracy(const Matrix& x, const Matrix& t) const {
  const Matrix a2 = scores(x);
  if (!a2.same_shape(t)) {
    throw std::invalid_argument("accuracy: scores " + a2.shape() + " and labels t " + t.shape() +
                                " differ in shape. HINT: t is one-hot (B,K)");
  }
  if (a2.rows() == 0) throw std::invalid_argument("accuracy: an empty batch has no accuracy");
  // Softmax keeps the order of a row's entries, so the largest score is already the most
  // probable class (the book's layered accuracy stops at the scores). We take the argmax of
  // the probabilities all the same, as chapter 6 does: where two scores differ in their
  // last bits only, softmax can round them to one value, and both nets then pick alike.
  const std::vector<std::size_t> predicted = row_argmax(softmax(a2));
  const std::vector<std::size_t> truth = row_argmax(t);
  std::size_t correct = 0;
  for (std::size_t b = 0; b < predicted.size(); ++b) {
    if (predicted[b] == truth[b]) ++correct;
  }
  return static_cast<double>(correct) / static_cast<double>(a2.rows());
}

TwoLayerParams LayerNet::numerical_gradient(const Matrix& x, const Matrix& t) {
  // As in chapter 6: loss() reads params, the very matrices chapter 2 nudges in place.
  const auto loss_of_params = [this, &x, &t](const Matrix&) { return loss(x, t); };
  TwoLayerParams grad;
  grad.W1 = ::numerical_gradient(loss_of_params, params.W1);
  grad.b1 = ::numerical_gradient(loss_of_params, params.b1);
  grad.W2 = ::numerical_gradient(loss_of_params, params.W2);
  grad.b2 = ::numerical_gradient(loss_of_params, params.b2);
  return grad;
}

GradientCheck gradient_check(LayerNet& net, const Matrix& x, const Matrix& t) {
  const TwoLayerParams backprop = net.gradient(x, t);
  const TwoLayerParams numerical = net.numerical_gradient(x, t);
  return {relative_error(backprop.W1, numerical.W1), relative_error(backprop.b1, numerical.b1),
          relative_error(backprop.W2, numerical.W2), relative_error(backprop.b2, numerical.b2)};
}

// Chapter 7's loop, step for step (train.h), with a LayerNet in place of a TwoLayerNet.
TrainLog train(LayerNet& net, const Dataset& train_set, const Dataset& test_set,
               const TrainConfig& config, Rng& rng, const TrainObserver& observer) {
  const std::size_t n = train_set.images.rows();
  if (config.batch_size == 0 || config.batch_size > n) {
    throw std::invalid_argument("train: batch_size " + std::to_string(config.batch_size) +
                                " must be between 1 and the " + std::to_string(n) +
                                " training images");
  }
  if (config.iterations == 0) throw std::invalid_argument("train: iterations must be at least 1");
  if (!(config.learning_rate > 0.0)) {
    throw std::invalid_argument("train: learning_rate must be > 0 (set ascent to climb instead)");
  }
  const std::size_t per_epoch = config.iterations_per_epoch > 0
                                    ? config.iterations_per_epoch
                                    : std::max<std::size_t>(1, n / config.batch_size);
  const std::size_t classes = net.params.b2.cols();
  const Matrix train_t = one_hot(train_set.labels, classes);
  const Matrix test_t = one_hot(test_set.labels, classes);
  const double step = config.ascent ? -config.learning_rate : config.learning_rate;

  TrainLog log;
  log.losses.reserve(config.iterations);
  double loss_sum = 0.0;
  std::size_t loss_count = 0;
  for (std::size_t i = 1; i <= config.iterations; ++i) {
    // 1. The same draws from the same rng as chapter 7: the same batches.
    const Batch batch = sample_batch(train_set, choose_batch(rng, n, config.batch_size), classes);
    // 2. The gradient, from the layers' backward passes.
    const TwoLayerParams grads = config.gradient == GradientMethod::numerical
                                     ? net.numerical_gradient(batch.x, batch.t)
                                     : net.gradient(batch.x, batch.t);
    // 3. θ ← θ − lr · ∇L, chapter 7's sgd_step on the same TwoLayerParams.
    sgd_step(net.params, grads, step);
    // 4.–5. The batch loss after the step; stop at the first NaN or inf.
    const double loss = net.loss(batch.x, batch.t);
    log.losses.push_back(loss);
    if (observer.on_iteration) observer.on_iteration(i, loss);
    if (!std::isfinite(loss)) {
      log.diverged = true;
      break;
    }
    loss_sum += loss;
    ++loss_count;
    // 6. Accuracy on both whole sets once an epoch, and after the last iteration.
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
