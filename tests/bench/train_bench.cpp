// tests/bench/train_bench.cpp: the training step and the whole default run (10,000
// iterations, batch 100, 784-50-10, lr 0.1, train and test accuracy every 600
// iterations), plain train() beside chapter 7's train_fast() (fast.h) on 1 and 2 threads.
// The plain run takes minutes; it runs only with BENCH_PLAIN=1.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "chapters/07_learning_mnist/fast.h"

namespace {

const Mnist& mnist() {
  static const Mnist m = load_mnist(std::getenv("MNIST_DIR") ? std::getenv("MNIST_DIR") : "data/mnist");
  return m;
}

TrainConfig book(std::size_t iterations, bool evaluate) {
  TrainConfig c;
  c.iterations = iterations;
  // Without evaluation: one evaluation at the end only (train() always evaluates then).
  c.iterations_per_epoch = evaluate ? 600 : iterations;
  return c;
}

// 100 training steps without the per-epoch evaluation: iterations/s counts steps.
void BM_TrainSteps(benchmark::State& state) {
  const bool fast = state.range(0) > 0;
  const std::size_t threads = static_cast<std::size_t>(state.range(0));
  const TrainConfig config = book(100, false);
  for (auto _ : state) {
    state.PauseTiming();
    TwoLayerNet net(784, 50, 10, 0.01, 42);
    Rng rng(43);
    state.ResumeTiming();
    // train() ends with one evaluation on all 70,000 images; so does train_fast().
    const TrainLog log = fast ? train_fast(net, mnist().train, mnist().test, config, rng, {}, threads)
                              : train(net, mnist().train, mnist().test, config, rng);
    benchmark::DoNotOptimize(log.losses.back());
  }
  state.counters["iterations/s"] =
      benchmark::Counter(100.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TrainSteps)->ArgName("threads")->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The default run of make mnist, end to end (data loading excluded).
void BM_DefaultRun(benchmark::State& state) {
  const std::size_t threads = static_cast<std::size_t>(state.range(0));
  if (threads == 0 && !std::getenv("BENCH_PLAIN")) {
    state.SkipWithError("the plain run takes minutes: set BENCH_PLAIN=1");
    return;
  }
  const TrainConfig config = book(10000, true);
  double train_acc = 0, test_acc = 0;
  for (auto _ : state) {
    TwoLayerNet net(784, 50, 10, 0.01, 42);
    Rng rng(43);
    const TrainLog log = threads == 0 ? train(net, mnist().train, mnist().test, config, rng)
                                      : train_fast(net, mnist().train, mnist().test, config, rng, {}, threads);
    train_acc = log.evaluations.back().train_accuracy;
    test_acc = log.evaluations.back().test_accuracy;
  }
  state.counters["iterations/s"] =
      benchmark::Counter(10000.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["train_acc"] = train_acc;
  state.counters["test_acc"] = test_acc;
}
BENCHMARK(BM_DefaultRun)->ArgName("threads")->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

// One numerical gradient at chapter 7's --gradient numerical defaults (784-10-10, batch
// 10): chapter 6's plain one (two whole losses per parameter) beside the fast one.
void BM_NumericalGradient(benchmark::State& state) {
  const bool fast = state.range(0) == 1;
  TwoLayerNet net(784, 10, 10, 0.01, 42);
  Rng rng(43);
  const Batch b = sample_batch(mnist().train, choose_batch(rng, mnist().train.images.rows(), 10), 10);
  for (auto _ : state) {
    const TwoLayerParams g = fast ? numerical_gradient_fast(net, b.x, b.t) : net.numerical_gradient(b.x, b.t);
    benchmark::DoNotOptimize(g.W1.data());
  }
  state.counters["gradients/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_NumericalGradient)->ArgName("fast")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
