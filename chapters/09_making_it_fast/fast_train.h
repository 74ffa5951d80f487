// chapters/09_making_it_fast/fast_train.h: lesson 07's training made fast, one idea at a
// time, from your kernels (kernels.h). Given (fast_train_given.cpp): the lesson explains
// each part; nothing to write here.
//
//   sparse_step   one iteration of lesson 07's loop with your exact sparse products:
//                 lesson 07's numbers bit for bit (ideas 1 and 2 of the lesson)
//   FastNet       the net in float, 16 numbers per instruction, buffers made once, the
//                 work shared between threads (ideas 3, 4 and 5)
//   train_fast    lesson 07's train() on a FastNet
//   Workers       the threads FastNet shares its work out to
//
// Shapes: N = images in a set, B = batch, D = 784 pixels, H = hidden units, K = classes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "chapters/06_two_layer_net/two_layer_net.h"
#include "chapters/07_learning_mnist/train.h"
#include "chapters/09_making_it_fast/kernels.h"
#include "common/matrix.h"
#include "common/mnist.h"
#include "common/random.h"

// ---------------------------------------------------------------------------------------
// The data, without its zeros.

// A set's images as their nonzero pixels, in float, and its labels: what the float path
// reads. 6 bytes a nonzero pixel (a float and a 16-bit column), 54 MB for MNIST's 60,000
// training images, where lesson 07's doubles take 376 MB.
struct SparseSet {
  SparseFloats x;                   // (N,D)
  std::vector<std::size_t> labels;  // N labels
};

// data's images through your sparse_rows, 100 at a time, each chunk taken by lesson 07's
// sample_batch (so the values are those of lesson 07's batches, rounded to float); the two
// halves of the set on two threads at once, so sparse_rows must not write shared state.
SparseSet sparse_set(const Dataset& data, std::size_t classes);

// How many rows of x have their label as the predicted class: TwoLayerNet::accuracy's
// count of correct rows, computed as it computes it but for x·W1, which comes from your
// sparse_times: the same count, exactly. x (n,D), labels n classes.
std::size_t sparse_correct(const TwoLayerNet& net, const SparseRows& x,
                           const std::vector<std::size_t>& labels);

// ---------------------------------------------------------------------------------------
// Ideas 1 and 2: the exact path.

// Which products sparse_step takes from your kernels.
enum class SparseProducts {
  forward,               // x·W1 (the gradient's forward pass and the loss) by sparse_times
  forward_and_gradient,  // and ∂L/∂W1 = xᵀ·∂L/∂a1 by sparse_transposed_times
};

// Steps 2–4 of lesson 07's train on the batch (x, t): the gradient (lesson 06's gradient,
// line for line), sgd_step(net.params, grads, lr) (yours), then the loss on the same batch
// after the step. The products named by `products` come from your kernels; everything else
// is the plain code's, in the same order. So the gradient, the new parameters and the
// returned loss equal the plain ones bit for bit. x (B,D), t (B,K) one-hot.
double sparse_step(TwoLayerNet& net, const SparseRows& x, const Matrix& t, double lr,
                   SparseProducts products);

// ---------------------------------------------------------------------------------------
// Threads.

// Threads that share out the rows of a result.
//
//   Workers workers(2);
//   workers.for_rows(n, [&](std::size_t begin, std::size_t end) { ... rows begin..end ... });
//
// for_rows splits 0 … n − 1 into count() contiguous ranges, runs the first on the calling
// thread and the others on threads started once, in the constructor (starting a thread
// costs tens of microseconds; a training step takes a few tens), and returns when all are
// done. The function must write only its own rows; then each row is computed exactly as
// with one thread, and no result depends on the number of threads. Workers(1) runs
// everything on the calling thread.
//
// for_parts is the same and also tells the function which part (0 … count() − 1) it runs,
// for scratch space of its own: work(part, begin, end).
//
// If a part throws, the others still run to their end; then the call rethrows the
// exception on the calling thread (the lowest part's, if several threw).
class Workers {
 public:
  explicit Workers(std::size_t threads);
  ~Workers();
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  std::size_t count() const { return helpers_.size() + 1; }
  void for_rows(std::size_t n, const std::function<void(std::size_t, std::size_t)>& work);
  void for_parts(std::size_t n,
                 const std::function<void(std::size_t, std::size_t, std::size_t)>& work);

 private:
  void helper_loop(std::size_t index);

  std::vector<std::thread> helpers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(std::size_t, std::size_t, std::size_t)>* work_ = nullptr;
  std::size_t n_ = 0;
  // Atomics, so that a thread can spin on them for a few microseconds before it sleeps on
  // a condition variable (waking a sleeping thread costs tens of microseconds, and a
  // training step hands out work four times); written under mutex_ all the same.
  std::atomic<std::size_t> generation_{0};  // bumped for each for_parts call
  std::atomic<std::size_t> pending_{0};     // helpers still running the current call
  std::atomic<bool> stop_{false};
  std::vector<std::exception_ptr> helper_failures_;  // what each helper's part threw
};

// ---------------------------------------------------------------------------------------
// Ideas 3, 4 and 5: the float path.

struct FastOptions {
  std::size_t threads = 2;    // ≥ 1; no result depends on it
  bool reuse_buffers = true;  // false: every buffer of a step made anew, as plain code does
};

// The two-layer net in float, laid out for lanes_times and lanes_transposed_times, with
// the buffers of a step and of an evaluation made once (unless options.reuse_buffers is
// false). No gradient is stored: each is added, times −lr, to its parameter as it is
// computed. The pixels are split in two fixed parts, the top and the bottom half of the
// image; in a step each thread (of two) owns one part, and with it half of W1's rows, and
// a1 = x·W1 is added up part by part, (x_top·W1 + x_bottom·W1) + b1. Its numbers differ
// from lesson 06's by float rounding only; the lesson measures how much. With the same
// inputs every result is the same, bit for bit, for any number of threads.
class FastNet {
 public:
  // params' shapes give D, H and K (at most 16 classes: the output layer is one Lanes);
  // batch is B, the rows step() takes. Throws std::invalid_argument if threads or batch
  // is 0, or K > 16.
  FastNet(const TwoLayerParams& params, std::size_t batch, const FastOptions& options = {});
  ~FastNet();
  FastNet(const FastNet&) = delete;
  FastNet& operator=(const FastNet&) = delete;

  // One iteration, as lesson 07's train does it: the gradient of the loss on the batch
  // (x, labels), by backpropagation, the step θ ← θ − lr·∇L (a negative lr climbs), then
  // the batch loss with the new parameters, which it returns. x is (B,D), labels B classes.
  double step(const SparseFloats& x, const std::vector<std::size_t>& labels, double lr);
  // The same iteration on the batch of set's rows `indices` (B of them), each thread
  // gathering its own part of the pixels from the set into buffers made once. The same
  // numbers as step(x, labels, lr) with x those rows of set.x.
  double step(const SparseSet& set, const std::vector<std::size_t>& indices, double lr);

  // The fraction of the first n images of set (all for n = 0) whose largest score is
  // their label.
  double accuracy(const SparseSet& set, std::size_t n = 0);

  // The parameters, back in double.
  TwoLayerParams params() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// train(net, train_set, test_set, config, rng, observer) of lesson 07 with the backprop
// gradient, each iteration by a FastNet: the batches drawn by your choose_batch from rng,
// the step and the loss by FastNet::step, the accuracies every iterations_per_epoch
// iterations (0: max(1, N / B)) and after the last, by FastNet::accuracy. The log and the
// observer calls are train's; the numbers are train's up to float rounding. A negative
// learning_rate climbs. net.params receive the trained parameters, in double.
// Throws std::invalid_argument, before any step, for a batch_size of 0 or above N, 0
// iterations, a learning_rate of 0, images whose width is not W1's rows, or a label ≥ K.
TrainLog train_fast(TwoLayerNet& net, const SparseSet& train_set, const SparseSet& test_set,
                    const TrainConfig& config, Rng& rng, const TrainObserver& observer = {},
                    const FastOptions& options = {});
