// tests/bench/fast_run.cpp: the default run of make mnist (784-50-10, batch 100, lr 0.1,
// 10,000 iterations, evaluated every 600) with train_fast, data loading included, for
// timing side by side with the numpy anchor (tests/bench/side_by_side.sh).
// Usage: fast_run [DATA_DIR] [THREADS] [b]   ("b": evaluations in the background)
// Prints the final accuracies and the last loss to 17 digits, to check runs agree.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "chapters/07_learning_mnist/fast.h"

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "data/mnist";
  const std::size_t threads = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1;
  const bool background = argc > 3 && std::string(argv[3]) == "b";
  const Mnist mnist = load_mnist(dir);
  TrainConfig config;
  config.iterations_per_epoch = 600;
  TwoLayerNet net(784, 50, 10, 0.01, 42);
  Rng rng(43);
  const TrainLog log = train_fast(net, mnist.train, mnist.test, config, rng, {}, threads, background);
  std::printf("train_acc %.4f test_acc %.4f last loss %.17g\n", log.evaluations.back().train_accuracy,
              log.evaluations.back().test_accuracy, log.losses.back());
  return 0;
}
