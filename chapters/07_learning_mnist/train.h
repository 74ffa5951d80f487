// chapters/07_learning_mnist/train.h: learning from data. Mini-batch stochastic gradient
// descent trains chapter 6's two-layer net on MNIST: draw a batch, take the gradient of
// the loss on it, step every parameter downhill, repeat; every epoch, measure accuracy.
//
// Exercises (train.cpp): choose_batch, sample_batch, sgd_step, train.
//
// Shapes: N = images in a set, B = batch, D = 784 pixels, H = hidden units, K = classes.
// The book's names: choose_batch is np.random.choice(train_size, batch_size) (the
// book's batch_mask), sample_batch is x_train[batch_mask], t_train[batch_mask], and
// train is the loop of train_neuralnet.py.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "chapters/06_two_layer_net/two_layer_net.h"
#include "common/matrix.h"
#include "common/mnist.h"
#include "common/random.h"

// batch_size indices into a set of n items, each drawn uniformly from 0 … n−1 by
// rng.below(n): index k is the (k+1)-th draw. With replacement, like the book's
// np.random.choice(n, batch_size): an index can appear twice in one batch, and
// batch_size may exceed n. The same seed gives the same indices.
// Throws std::invalid_argument if n == 0 or batch_size == 0.
std::vector<std::size_t> choose_batch(Rng& rng, std::size_t n, std::size_t batch_size);

// A mini-batch: B examples as rows, inputs and one-hot labels in the same order.
struct Batch {
  Matrix x;  // (B,D)  row k = data.images row indices[k]
  Matrix t;  // (B,K)  row k = one-hot of data.labels[indices[k]]
};

// The rows `indices` of a data set, in the order given (repeats repeated):
//   x(k, :) = data.images(indices[k], :),   t(k, c) = 1 if c == data.labels[indices[k]], else 0
// Throws std::out_of_range if an index is ≥ N, std::invalid_argument if a label is
// ≥ classes.
Batch sample_batch(const Dataset& data, const std::vector<std::size_t>& indices,
                   std::size_t classes = 10);

// One step of gradient descent on every parameter, in place:
//   θ ← θ − lr · ∇L(θ)    for θ = W1, b1, W2, b2, with ∇L(θ) the matching field of grads
// A negative lr steps uphill (the --ascent experiment). Each gradient must have its
// parameter's shape; a mismatch throws std::invalid_argument.
void sgd_step(TwoLayerParams& params, const TwoLayerParams& grads, double lr);

// How train computes the gradient of the batch loss.
enum class GradientMethod {
  backprop,   // TwoLayerNet::gradient: about three forward passes' worth of work
  numerical,  // TwoLayerNet::numerical_gradient: two forward passes per parameter
};

struct TrainConfig {
  std::size_t batch_size = 100;  // B
  double learning_rate = 0.1;    // lr, the book's learning_rate (η), > 0
  std::size_t iterations = 10000;
  // Evaluate after every this many iterations. 0: one epoch, max(1, N / batch_size)
  // iterations (600 for 60,000 images in batches of 100), as the book's iter_per_epoch.
  std::size_t iterations_per_epoch = 0;
  GradientMethod gradient = GradientMethod::backprop;
  bool ascent = false;  // step along +∇L instead of −∇L: the loss climbs
};

// The net measured on both whole sets after `iteration` updates.
struct Evaluation {
  std::size_t iteration = 0;    // 1-based: after this many updates
  double mean_loss = 0.0;       // mean batch loss over the iterations since the last one
  double train_accuracy = 0.0;  // on every image of the training set, in [0, 1]
  double test_accuracy = 0.0;   // on every image of the test set, in [0, 1]
};

// What train records (the book's train_loss_list, train_acc_list, test_acc_list).
struct TrainLog {
  std::vector<double> losses;  // losses[i − 1]: iteration i's batch loss, after its update
  std::vector<Evaluation> evaluations;
  bool diverged = false;  // a loss was NaN or ±inf: training stopped after losses.back()
};

// Called by train as it goes, so a program can print while it trains. Either may be empty.
struct TrainObserver {
  std::function<void(std::size_t iteration, double loss)> on_iteration;
  std::function<void(const Evaluation&)> on_evaluation;
};

// Mini-batch stochastic gradient descent, the loop of the book's train_neuralnet.py.
// With N = train_set's size and K = net's output size (params.b2.cols()), for each
// iteration i = 1 … iterations:
//   1. batch = sample_batch(train_set, choose_batch(rng, N, batch_size), K)
//   2. grads = net.gradient(batch.x, batch.t)   (net.numerical_gradient if asked)
//   3. sgd_step(net.params, grads, lr)          (−lr with ascent)
//   4. loss = net.loss(batch.x, batch.t), after the step; append it to losses, then
//      call on_iteration(i, loss)
//   5. if the loss is NaN or ±inf: set diverged and stop (no evaluation)
//   6. if i is a multiple of iterations_per_epoch, or i == iterations: evaluate (the
//      accuracies on all of train_set and test_set, the mean of the losses since the last
//      evaluation), append it to evaluations, then call on_evaluation
// Throws std::invalid_argument, before any step, if batch_size is 0 or larger than N,
// iterations is 0, or learning_rate is not > 0.
TrainLog train(TwoLayerNet& net, const Dataset& train_set, const Dataset& test_set,
               const TrainConfig& config, Rng& rng, const TrainObserver& observer = {});
