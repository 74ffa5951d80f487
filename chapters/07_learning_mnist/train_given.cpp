// chapters/07_learning_mnist/train_given.cpp: the loop around your train_step, and the
// accuracy on a whole set, given ready-made. Contracts are in train.h.
//
// N = images in a set, B = batch, D = 784 pixels, K = classes.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "chapters/07_learning_mnist/train.h"
#include "common/mnist.h"
#include "common/parallel.h"

namespace {

// Images per chunk in accuracy_on: the chunk's pixels as doubles, (100, 784), are 627 KB,
// which stay in the core's cache between being made and being multiplied; the whole
// training set's would be 376 MB (and its activations 24 MB a matrix).
constexpr std::size_t kChunk = 100;

// Refuses images the net cannot take before the first step, not after minutes of training.
void check_sets(const TwoLayerNet& net, const Dataset& train_set, const Dataset& test_set) {
  const std::size_t d = net.params.W1.rows();
  for (const Dataset* set : {&train_set, &test_set}) {
    if (set->pixels_per_image() != d) {
      throw std::invalid_argument(
          std::string("train: the ") + (set == &train_set ? "training" : "test") + " images have " +
          std::to_string(set->pixels_per_image()) + " pixels (" + std::to_string(set->image_rows) +
          "x" + std::to_string(set->image_cols) + "), but the net takes " + std::to_string(d) +
          " inputs (W1 " + net.params.W1.shape() + ")");
    }
  }
}

}  // namespace

void check_train_config(const TrainConfig& config, std::size_t n, const std::string& caller) {
  if (config.batch_size == 0 || config.batch_size > n) {
    throw std::invalid_argument(caller + ": batch_size " + std::to_string(config.batch_size) +
                                " must be between 1 and the " + std::to_string(n) +
                                " training images");
  }
  if (config.iterations == 0) {
    throw std::invalid_argument(caller + ": iterations must be at least 1");
  }
  if (config.learning_rate == 0.0 || !std::isfinite(config.learning_rate)) {
    throw std::invalid_argument(caller +
                                ": learning_rate must be a nonzero finite number (a negative "
                                "one climbs)");
  }
}

double accuracy_on(const TwoLayerNet& net, const Dataset& data) {
  if (data.size() == 0) throw std::invalid_argument("accuracy_on: an empty set has no accuracy");
  const std::size_t classes = net.params.b2.cols();
  const std::size_t chunks = (data.size() + kChunk - 1) / kChunk;
  std::vector<std::size_t> correct(chunks);  // per chunk, so that no two threads add to one
  // The chunks are independent, so the cores measure several at once; each count is a
  // whole number, and their sum is the same whichever core counted which chunk.
  parallel_rows(chunks, [&](std::size_t first, std::size_t last) {
    for (std::size_t c = first; c < last; ++c) {
      const std::size_t begin = c * kChunk, end = std::min(begin + kChunk, data.size());
      const std::vector<std::size_t> labels(data.labels.begin() + static_cast<std::ptrdiff_t>(begin),
                                            data.labels.begin() + static_cast<std::ptrdiff_t>(end));
      const double fraction = net.accuracy(data.images(begin, end), one_hot(labels, classes));
      // accuracy is (correct rows) / (rows), so times the rows it is that whole count
      // again, up to a rounding that lround removes.
      correct[c] = static_cast<std::size_t>(std::lround(fraction * static_cast<double>(end - begin)));
    }
  });
  std::size_t total = 0;
  for (std::size_t count : correct) total += count;
  return static_cast<double>(total) / static_cast<double>(data.size());
}

TrainLog training_loop(const TrainConfig& config, std::size_t n, const TrainObserver& observer,
                       const std::function<double()>& step,
                       const std::function<std::pair<double, double>()>& evaluate) {
  // One epoch = as many iterations as it takes to draw N images (with repeats, so not
  // exactly every image once): 60,000 / 100 = 600.
  const std::size_t per_epoch =
      config.iterations_per_epoch > 0
          ? config.iterations_per_epoch
          : std::max<std::size_t>(1, n / std::max<std::size_t>(1, config.batch_size));
  TrainLog log;
  log.losses.reserve(config.iterations);
  double loss_sum = 0.0;  // batch losses since the last evaluation
  std::size_t loss_count = 0;
  for (std::size_t i = 1; i <= config.iterations; ++i) {
    const double loss = step();
    log.losses.push_back(loss);
    if (observer.on_iteration) observer.on_iteration(i, loss);
    // NaN or inf poisons every parameter it touches; nothing after it means anything.
    if (!std::isfinite(loss)) {
      log.diverged = true;
      break;
    }
    loss_sum += loss;
    ++loss_count;
    // Accuracy on whole sets costs 70,000 forward passes, so only once an epoch, at the
    // book's moments, and once more at the end so the last iterations are measured too.
    if ((i - 1) % per_epoch == 0 || i == config.iterations) {
      Evaluation e;
      e.iteration = i;
      e.mean_loss = loss_sum / static_cast<double>(loss_count);
      std::tie(e.train_accuracy, e.test_accuracy) = evaluate();
      log.evaluations.push_back(e);
      loss_sum = 0.0;
      loss_count = 0;
      if (observer.on_evaluation) observer.on_evaluation(e);
    }
  }
  return log;
}

TrainLog train(TwoLayerNet& net, const Dataset& train_set, const Dataset& test_set,
               const TrainConfig& config, Rng& rng, const TrainObserver& observer) {
  check_train_config(config, train_set.size(), "train");
  check_sets(net, train_set, test_set);
  return training_loop(
      config, train_set.size(), observer, [&] { return train_step(net, train_set, config, rng); },
      [&] { return std::make_pair(accuracy_on(net, train_set), accuracy_on(net, test_set)); });
}
