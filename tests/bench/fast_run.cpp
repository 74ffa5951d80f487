// tests/bench/fast_run.cpp: the default run of make mnist (784-50-10, batch 100, lr 0.1,
// 10,000 iterations, evaluated every 600) with train_fast, data loading included, for
// timing side by side with the numpy anchor (tests/bench/side_by_side.sh).
// Usage: fast_run [DATA_DIR] [THREADS]
// Prints the training time (train_fast's call, as the anchor times its loop), the final
// accuracies and the last loss to 17 digits, to check that runs agree.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "chapters/07_learning_mnist/fast.h"

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "data/mnist";
  const std::size_t threads = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 2;
  const Mnist mnist = load_mnist(dir);
  TrainConfig config;
  config.iterations_per_epoch = 600;
  TwoLayerNet net(784, 50, 10, 0.01, 42);
  Rng rng(43);
  // Timed like the numpy anchor's `seconds`: the training loop with its evaluations, the
  // data already loaded.
  const auto start = std::chrono::steady_clock::now();
  const TrainLog log = train_fast(net, mnist.train, mnist.test, config, rng, {}, threads);
  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
  std::printf("ours threads=%zu seconds=%.3f train_acc=%.4f test_acc=%.4f last_loss=%.17g\n", threads,
              seconds.count(), log.evaluations.back().train_accuracy,
              log.evaluations.back().test_accuracy, log.losses.back());
  return 0;
}
