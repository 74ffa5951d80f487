// chapters/07_learning_mnist/train.h: learning from data. Mini-batch stochastic gradient
// descent trains lesson 06's two-layer net on MNIST: draw a batch, take the gradient of
// the loss on it, step every parameter downhill, repeat; every epoch, measure accuracy.
//
// Exercises (train.cpp): choose_batch, sample_batch, sgd_step, train_step: the body of the
// book's training loop, piece by piece.
// Given (train_given.cpp): train, the loop around train_step (checking the settings,
// recording the losses, stopping on divergence, measuring the accuracy every epoch),
// check_train_config, the settings' check, and accuracy_on, the accuracy on a whole set.
//
// Shapes: N = images in a set, B = batch, D = 784 pixels, H = hidden units, K = classes.
// The book's names (train_neuralnet.py): choose_batch is np.random.choice(train_size,
// batch_size), the book's batch_mask; sample_batch is x_train[batch_mask],
// t_train[batch_mask]; train_step is one pass of its `for i in range(iters_num)` loop.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "chapters/06_two_layer_net/two_layer_net.h"
#include "common/matrix.h"
#include "common/mnist.h"
#include "common/random.h"

// batch_size indices into a set of n items, each drawn uniformly from 0 … n−1 by
// rng.below(n): index k is the (k+1)-th draw. With replacement, like the book's
// np.random.choice(n, batch_size): an index can appear twice in one batch, and
// batch_size may exceed n. The same seed gives the same indices.
// Throws std::invalid_argument naming choose_batch if n == 0 or batch_size == 0.
std::vector<std::size_t> choose_batch(Rng& rng, std::size_t n, std::size_t batch_size);

// A mini-batch: B examples as rows, inputs and one-hot labels in the same order.
struct Batch {
  Matrix x;  // (B,D)  row k = image indices[k], pixels in [0, 1]
  Matrix t;  // (B,K)  row k = one-hot of data.labels[indices[k]]
};

// The examples `indices` of a data set, in the order given (repeats repeated):
//   x(k, :) = image indices[k] (data.images),   t(k, c) = 1 if c == data.labels[indices[k]], else 0
// Throws what the two gathering functions of common/mnist.h throw: std::out_of_range
// from Dataset::images, naming the first index ≥ N, and std::invalid_argument from
// one_hot, naming a label ≥ classes.
Batch sample_batch(const Dataset& data, const std::vector<std::size_t>& indices,
                   std::size_t classes = 10);

// One step of gradient descent on every parameter, in place:
//   θ ← θ − lr · ∇L(θ)    for θ = W1, b1, W2, b2, with ∇L(θ) the matching field of grads
// A negative lr steps uphill (the --ascent experiment). Each gradient must have its
// parameter's shape; a mismatch throws std::invalid_argument from the Matrix's
// subtraction (−= or −: the message names the operator and both shapes).
void sgd_step(TwoLayerParams& params, const TwoLayerParams& grads, double lr);

// How the gradient of the batch loss is computed.
enum class GradientMethod {
  backprop,   // TwoLayerNet::gradient: about three forward passes' worth of work
  numerical,  // TwoLayerNet::numerical_gradient: two forward passes per parameter
};

struct TrainConfig {
  std::size_t batch_size = 100;  // B
  // lr, the book's learning_rate (η). sgd_step moves by −lr·∇L, so a negative lr climbs
  // (the --ascent experiment); 0 would not move at all and is refused.
  double learning_rate = 0.1;
  std::size_t iterations = 10000;
  // Measure the accuracy every this many iterations. 0: one epoch, max(1, N / batch_size)
  // iterations (600 for 60,000 images in batches of 100), as the book's iter_per_epoch.
  std::size_t iterations_per_epoch = 0;
  GradientMethod gradient = GradientMethod::backprop;
};

// Given. Refuses a configuration no training can run, before its first step: throws
// std::invalid_argument, the message starting with `caller` (the function the program
// called: "train", or lesson 09's "train_fast"), if batch_size is 0 or larger than the n
// training images, iterations is 0, or learning_rate is 0 or not finite.
void check_train_config(const TrainConfig& config, std::size_t n, const std::string& caller);

// One pass of the book's loop: one mini-batch, one step. With N = train_set.size() and
// K = net's output size (net.params.b2.cols()):
//   1. indices = choose_batch(rng, N, batch_size)            (the book's batch_mask)
//   2. batch = sample_batch(train_set, indices, K)           (x_batch, t_batch)
//   3. grads = net.gradient(batch.x, batch.t), or net.numerical_gradient(batch.x, batch.t)
//      when config.gradient is GradientMethod::numerical
//   4. sgd_step(net.params, grads, config.learning_rate)
//   5. returns net.loss(batch.x, batch.t): the batch loss after the step, as the book
//      records it in train_loss_list
// Exceptions from these calls pass through unchanged.
double train_step(TwoLayerNet& net, const Dataset& train_set, const TrainConfig& config, Rng& rng);

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

// Given. net's accuracy on every image of data (TwoLayerNet::accuracy against the one-hot
// labels), measured a chunk of images at a time so that no temporary holds a whole set,
// several chunks at once on the machine's cores (so accuracy must change nothing but its
// result, as a const member function should). Throws std::invalid_argument for an empty set.
double accuracy_on(const TwoLayerNet& net, const Dataset& data);

// Given. The loop of train below around any step: for each iteration i = 1 … iterations,
//   loss = step(); append it to losses; on_iteration(i, loss)
//   if the loss is NaN or ±inf: set diverged and stop (no evaluation)
//   if i − 1 is a multiple of the epoch's iterations, or i == iterations: {train, test}
//   accuracy = evaluate(), with the mean of the losses since the last evaluation, appended
//   to evaluations, then on_evaluation
// The epoch is config.iterations_per_epoch, or (0) max(1, n / batch_size) iterations, n
// the training images. Lesson 09's fast training runs its own steps in this loop.
TrainLog training_loop(const TrainConfig& config, std::size_t n, const TrainObserver& observer,
                       const std::function<double()>& step,
                       const std::function<std::pair<double, double>()>& evaluate);

// Given. Mini-batch stochastic gradient descent, the book's train_neuralnet.py: for each
// iteration i = 1 … iterations,
//   loss = train_step(net, train_set, config, rng); append it to losses; on_iteration(i, loss)
//   if the loss is NaN or ±inf: set diverged and stop (no evaluation)
//   if i − 1 is a multiple of iterations_per_epoch (the book's `i % iter_per_epoch == 0`,
//   its i counting from 0: after updates 1, 601, 1201, …), or i == iterations: evaluate
//   (accuracy_on both sets, the mean of the losses since the last evaluation), append it
//   to evaluations, then on_evaluation
// The book stops at its last epoch's measurement (after update 9601 of 10,000); the last
// evaluation here also measures the net that training ends with.
// Throws std::invalid_argument, before any step, if batch_size is 0 or larger than N,
// iterations is 0, learning_rate is 0 or not finite, or the images of either set do not
// have the net's D = params.W1.rows() pixels.
TrainLog train(TwoLayerNet& net, const Dataset& train_set, const Dataset& test_set,
               const TrainConfig& config, Rng& rng, const TrainObserver& observer = {});
