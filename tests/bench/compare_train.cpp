// tests/bench/compare_train.cpp: runs the plain train() and train_fast() from the same
// seed and reports how far apart they are (train_fast agrees up to rounding), whether the
// fast runs on different thread counts agree bit for bit (they must), and each one's time.
// Usage: compare_train [DATA_DIR] [ITERS] [THREADS...]   (not a timed test: a report)
// SKIP_PLAIN=1 leaves the plain run out (~20 s for 10,000 iterations).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "chapters/07_learning_mnist/fast.h"
#include "common/format.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// CPU seconds used so far by the whole process (every thread). On a loaded machine wall
// time measures the neighbours; CPU time measures us.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct Run {
  TrainLog log;
  TwoLayerParams params;
  std::string calls;  // the observer's calls in order: "i" an iteration, "e" an evaluation
};

Run run_once(const Mnist& mnist, const TrainConfig& config, std::size_t threads, bool plain) {
  Run r;
  TwoLayerNet net(784, 50, 10, 0.01, 42);
  Rng rng(43);
  TrainObserver o;
  o.on_iteration = [&r](std::size_t, double) { r.calls += 'i'; };
  o.on_evaluation = [&r](const Evaluation&) { r.calls += 'e'; };
  r.log = plain ? train(net, mnist.train, mnist.test, config, rng, o)
                : train_fast(net, mnist.train, mnist.test, config, rng, o, threads);
  r.params = net.params;
  return r;
}

// Number of the printed numbers (losses and accuracies to 4 decimals, as make mnist
// prints them) that differ between two runs.
int printed_differences(const TrainLog& a, const TrainLog& b) {
  int n = 0;
  for (std::size_t i = 0; i < std::min(a.losses.size(), b.losses.size()); ++i)
    n += fixed(a.losses[i], 4) != fixed(b.losses[i], 4);
  for (std::size_t i = 0; i < std::min(a.evaluations.size(), b.evaluations.size()); ++i) {
    const Evaluation &x = a.evaluations[i], &y = b.evaluations[i];
    n += fixed(x.mean_loss, 4) != fixed(y.mean_loss, 4);
    n += fixed(x.train_accuracy, 4) != fixed(y.train_accuracy, 4);
    n += fixed(x.test_accuracy, 4) != fixed(y.test_accuracy, 4);
  }
  return n + (a.losses.size() != b.losses.size()) + (a.evaluations.size() != b.evaluations.size());
}

double max_loss_gap(const TrainLog& a, const TrainLog& b) {
  double gap = 0.0;
  for (std::size_t i = 0; i < std::min(a.losses.size(), b.losses.size()); ++i)
    gap = std::max(gap, std::abs(a.losses[i] - b.losses[i]));
  return gap;
}

bool identical(const Run& a, const Run& b) {
  if (a.log.losses != b.log.losses || a.calls != b.calls) return false;
  for (std::size_t i = 0; i < a.log.evaluations.size(); ++i) {
    const Evaluation &x = a.log.evaluations[i], &y = b.log.evaluations[i];
    if (x.mean_loss != y.mean_loss || x.train_accuracy != y.train_accuracy ||
        x.test_accuracy != y.test_accuracy)
      return false;
  }
  return a.params.W1 == b.params.W1 && a.params.b1 == b.params.b1 &&
         a.params.W2 == b.params.W2 && a.params.b2 == b.params.b2;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "data/mnist";
  const std::size_t iters = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 10000;
  std::vector<std::size_t> threads;
  for (int a = 3; a < argc; ++a) threads.push_back(std::strtoul(argv[a], nullptr, 10));
  if (threads.empty()) threads = {1, 2};
  const Mnist mnist = load_mnist(dir);
  TrainConfig config;
  config.iterations = iters;
  config.iterations_per_epoch = 600;

  const bool skip_plain = std::getenv("SKIP_PLAIN") != nullptr;
  Run plain;
  if (!skip_plain) {
    const auto t0 = std::chrono::steady_clock::now();
    plain = run_once(mnist, config, 1, true);
    std::printf("plain train:        %8.3f s wall            final train_acc %.4f test_acc %.4f\n",
                seconds_since(t0), plain.log.evaluations.back().train_accuracy,
                plain.log.evaluations.back().test_accuracy);
  }
  int failures = 0;
  Run first;
  for (std::size_t k = 0; k < threads.size(); ++k) {
    const double cpu0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    Run fast = run_once(mnist, config, threads[k], false);
    const double wall = seconds_since(t0), cpu = cpu_seconds() - cpu0;
    std::printf("fast, %zu thread%s:    %8.3f s wall, %.3f s CPU  final train_acc %.4f test_acc %.4f", threads[k],
                threads[k] == 1 ? " " : "s", wall, cpu, fast.log.evaluations.back().train_accuracy,
                fast.log.evaluations.back().test_accuracy);
    if (!skip_plain) {
      const int printed = printed_differences(fast.log, plain.log);
      std::printf("  vs plain: losses within %.1e, %d printed numbers differ", max_loss_gap(fast.log, plain.log),
                  printed);
      failures += printed + (fast.calls != plain.calls);
    }
    if (k == 0) {
      first = fast;
    } else {
      const bool same = identical(fast, first);
      std::printf("  %s", same ? "identical to the first fast run" : "DIFFERS from the first fast run");
      failures += !same;
    }
    std::printf("\n");
  }
  return failures == 0 ? 0 : 1;
}
