// tests/bench/compare_train.cpp: runs the plain train() and train_fast() from the same
// seed and checks that their logs agree bit for bit; prints each one's wall time.
// Usage: compare_train [DATA_DIR] [ITERS] [RUN...]   (not a timed test: a report)
// A RUN is a thread count, with "b" after it for the evaluation in the background: 1 2 1b.
// The observer's calls (iteration and evaluation callbacks) must come in the same order too.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "chapters/07_learning_mnist/fast.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// CPU seconds used so far by the whole process (every thread) or by the calling thread.
// On a loaded machine wall time measures the neighbours; CPU time measures us.
double cpu_seconds(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// 0 if the logs agree bit for bit, else the number of differences (printed).
int differences(const TrainLog& a, const TrainLog& b) {
  int bad = 0;
  if (a.losses.size() != b.losses.size()) ++bad;
  for (std::size_t i = 0; i < std::min(a.losses.size(), b.losses.size()); ++i)
    if (a.losses[i] != b.losses[i] && bad++ < 5)
      std::printf("  loss %zu: %.17g vs %.17g\n", i + 1, a.losses[i], b.losses[i]);
  if (a.evaluations.size() != b.evaluations.size()) ++bad;
  for (std::size_t i = 0; i < std::min(a.evaluations.size(), b.evaluations.size()); ++i) {
    const Evaluation &x = a.evaluations[i], &y = b.evaluations[i];
    if (x.iteration != y.iteration || x.mean_loss != y.mean_loss ||
        x.train_accuracy != y.train_accuracy || x.test_accuracy != y.test_accuracy) {
      ++bad;
      std::printf("  evaluation %zu: %.17g %.6f %.6f vs %.17g %.6f %.6f\n", x.iteration, x.mean_loss,
                  x.train_accuracy, x.test_accuracy, y.mean_loss, y.train_accuracy, y.test_accuracy);
    }
  }
  return bad;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "data/mnist";
  const std::size_t iters = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 10000;
  std::vector<std::string> runs;
  for (int a = 3; a < argc; ++a) runs.push_back(argv[a]);
  if (runs.empty()) runs = {"1", "2", "1b", "2b"};
  // The observer's calls, in order: "i" for an iteration, "e" for an evaluation.
  const auto recorder = [](std::string& calls) {
    TrainObserver o;
    o.on_iteration = [&calls](std::size_t, double) { calls += 'i'; };
    o.on_evaluation = [&calls](const Evaluation&) { calls += 'e'; };
    return o;
  };
  const Mnist mnist = load_mnist(dir);
  TrainConfig config;
  config.iterations = iters;
  config.iterations_per_epoch = 600;

  // SKIP_PLAIN=1: time the fast loop only, comparing its runs with one another.
  const bool skip_plain = std::getenv("SKIP_PLAIN") != nullptr;
  TwoLayerNet plain_net(784, 50, 10, 0.01, 42);
  Rng plain_rng(43);
  auto t0 = std::chrono::steady_clock::now();
  std::string plain_calls;
  const TrainLog plain =
      skip_plain ? train_fast(plain_net, mnist.train, mnist.test, config, plain_rng, recorder(plain_calls), 1, false)
                 : train(plain_net, mnist.train, mnist.test, config, plain_rng, recorder(plain_calls));
  std::printf(skip_plain ? "fast, 1 thread (reference for the runs below)\n" : "plain train:      %8.3f s  final train_acc %.4f test_acc %.4f\n", seconds_since(t0),
              plain.evaluations.back().train_accuracy, plain.evaluations.back().test_accuracy);
  int failures = 0;
  for (const std::string& run : runs) {
    const std::size_t threads = std::strtoul(run.c_str(), nullptr, 10);
    const bool background = run.find('b') != std::string::npos;
    TwoLayerNet net(784, 50, 10, 0.01, 42);
    Rng rng(43);
    std::string calls;
    const double cpu0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
    const double main0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
    t0 = std::chrono::steady_clock::now();
    const TrainLog fast =
        train_fast(net, mnist.train, mnist.test, config, rng, recorder(calls), threads, background);
    const double s = seconds_since(t0);
    const double cpu = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    const double main_cpu = cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - main0;
    const int bad = differences(plain, fast) + (net.params.W1 == plain_net.params.W1 ? 0 : 1) +
                    (net.params.W2 == plain_net.params.W2 ? 0 : 1) + (calls == plain_calls ? 0 : 1);
    std::printf("fast, %zu thread%s%s: %8.3f s wall, %.3f s CPU (%.3f s on the main thread)  final train_acc %.4f test_acc %.4f  %s\n", threads,
                threads == 1 ? " " : "s", background ? " + evaluation in background" : "", s, cpu, main_cpu,
                fast.evaluations.back().train_accuracy,
                fast.evaluations.back().test_accuracy,
                bad == 0 ? "identical to plain, bit for bit" : "DIFFERS");
    failures += bad;
  }
  return failures == 0 ? 0 : 1;
}
