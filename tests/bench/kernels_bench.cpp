// tests/bench/kernels_bench.cpp: chapter 09's kernels (the reference solutions) against
// the plain Matrix operations they replace, on real MNIST batches, and the steps built on
// them against chapter 7's plain step. `make bench` builds and runs it (tools/bench.sh).
//
// Each pair reads "BM_<what>/plain" and "BM_<what>/<idea>"; the times are per call.
// B = 100 images a batch, D = 784 pixels, H = 50 hidden units, K = 10 classes.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "chapters/06_two_layer_net/two_layer_net.h"
#include "chapters/07_learning_mnist/train.h"
#include "chapters/09_making_it_fast/fast_train.h"
#include "chapters/09_making_it_fast/kernels.h"
#include "chapters/09_making_it_fast/numerical_fast.h"
#include "common/mnist.h"
#include "common/random.h"

namespace {

constexpr std::size_t kB = 100, kH = 50, kK = 10;

// MNIST, read once; a few batches of it, as chapter 7's run draws them.
struct Data {
  Mnist mnist = load_mnist("data/mnist");
  SparseSet train = sparse_set(mnist.train, kK);
  std::vector<std::vector<std::size_t>> batches;
  std::vector<Batch> dense;
  std::vector<SparseRows> exact;
  std::vector<SparseFloats> floats;
  TwoLayerNet net{784, kH, kK, 0.01, 42};
  Data() {
    Rng rng(43);
    for (int k = 0; k < 16; ++k) {
      batches.push_back(choose_batch(rng, mnist.train.labels.size(), kB));
      dense.push_back(sample_batch(mnist.train, batches.back(), kK));
      exact.push_back(sparse_rows(dense.back().x));
      SparseFloats f;
      gather_rows(train.x, batches.back(), f);
      floats.push_back(f);
    }
  }
};
Data& data() {
  static Data d;
  return d;
}

// A (rows, cols) matrix of 0.01·N(0,1) draws, like the trained net's weights' scale.
Matrix weights(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  Rng rng(seed);
  return 0.01 * randn(rows, cols, rng);
}

// x (B,D) · W1 (D,H): the forward product.
void BM_Forward_plain(benchmark::State& state) {
  data();  // loaded before the clock starts
  const Matrix w = weights(784, kH, 1);
  std::size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(data().dense[k++ % 16].x * w);
}
void BM_Forward_sparse_times(benchmark::State& state) {
  data();  // loaded before the clock starts
  const Matrix w = weights(784, kH, 1);
  Matrix out;
  std::size_t k = 0;
  for (auto _ : state) {
    sparse_times(data().exact[k++ % 16], w, out);
    benchmark::DoNotOptimize(out.data());
  }
}
void BM_Forward_lanes_times(benchmark::State& state) {
  data();  // loaded before the clock starts
  const PaddedRows w = PaddedRows::from_matrix(weights(784, kH, 1));
  PaddedRows out(kB, kH);
  std::size_t k = 0;
  for (auto _ : state) {
    lanes_times(data().floats[k++ % 16], w, out, 0, kB);
    benchmark::DoNotOptimize(out.row(0));
  }
}

// xᵀ (D,B) · δ (B,H): the gradient product, as lesson 06's backward writes it (the
// transpose read where it lies), and with the transpose copied first.
void BM_Gradient_plain(benchmark::State& state) {
  data();  // loaded before the clock starts
  const Matrix d = weights(kB, kH, 2);
  std::size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(transpose(data().dense[k++ % 16].x) * d);
}
void BM_Gradient_copied_transpose(benchmark::State& state) {
  data();  // loaded before the clock starts
  const Matrix d = weights(kB, kH, 2);
  std::size_t k = 0;
  for (auto _ : state) {
    const Matrix xt = transpose(data().dense[k++ % 16].x);
    benchmark::DoNotOptimize(xt * d);
  }
}
void BM_Gradient_sparse_transposed_times(benchmark::State& state) {
  data();  // loaded before the clock starts
  const Matrix d = weights(kB, kH, 2);
  Matrix g;
  std::size_t k = 0;
  for (auto _ : state) {
    sparse_transposed_times(data().exact[k++ % 16], d, g);
    benchmark::DoNotOptimize(g.data());
  }
}
void BM_Gradient_lanes_transposed_times(benchmark::State& state) {
  data();  // loaded before the clock starts
  const PaddedRows d = PaddedRows::from_matrix(weights(kB, kH, 2));
  PaddedRows g(784, kH);
  std::size_t k = 0;
  for (auto _ : state) {
    lanes_transposed_times(data().floats[k++ % 16], d, g, 0, 784);
    benchmark::DoNotOptimize(g.row(0));
  }
}

// A batch: chapter 7's dense copy, its nonzero pixels, or a gather from the sparse set.
void BM_Batch_sample_batch(benchmark::State& state) {
  data();  // loaded before the clock starts
  std::size_t k = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(sample_batch(data().mnist.train, data().batches[k++ % 16], kK));
}
void BM_Batch_sparse_rows_of_dense(benchmark::State& state) {
  data();  // loaded before the clock starts
  std::size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(sparse_rows(data().dense[k++ % 16].x));
}
void BM_Batch_gather_rows(benchmark::State& state) {
  data();  // loaded before the clock starts
  SparseFloats out;
  std::size_t k = 0;
  for (auto _ : state) {
    gather_rows(data().train.x, data().batches[k++ % 16], out);
    benchmark::DoNotOptimize(out.value.data());
  }
}

// e^x of the 5,000 hidden units of a batch.
void BM_Exp_std_exp(benchmark::State& state) {
  data();  // loaded before the clock starts
  std::vector<float> v(kB * kH, -0.3f);
  for (auto _ : state) {
    for (float& x : v) x = std::exp(x) - 1.6f;
    benchmark::DoNotOptimize(v.data());
  }
}
void BM_Exp_exp_lanes(benchmark::State& state) {
  data();  // loaded before the clock starts
  std::vector<Lanes> v(kB * kH / kLanes, Lanes{} - 0.3f);
  for (auto _ : state) {
    for (Lanes& x : v) x = exp_lanes(x) - 1.6f;
    benchmark::DoNotOptimize(v.data());
  }
}

// One training iteration: gradient, step, loss after the step, and the batch drawn.
void BM_Step_plain(benchmark::State& state) {
  data();  // loaded before the clock starts
  TwoLayerNet net = data().net;
  std::size_t k = 0;
  for (auto _ : state) {
    const Batch b = sample_batch(data().mnist.train, data().batches[k++ % 16], kK);
    sgd_step(net.params, net.gradient(b.x, b.t), 0.1);
    benchmark::DoNotOptimize(net.loss(b.x, b.t));
  }
}
void BM_Step_sparse_step(benchmark::State& state) {
  data();  // loaded before the clock starts
  TwoLayerNet net = data().net;
  std::size_t k = 0;
  for (auto _ : state) {
    const Batch b = sample_batch(data().mnist.train, data().batches[k++ % 16], kK);
    benchmark::DoNotOptimize(
        sparse_step(net, sparse_rows(b.x), b.t, 0.1, SparseProducts::forward_and_gradient));
  }
}
// Idea 3: the float step on a batch made as the plain code makes it, into new buffers.
void BM_Step_float_fresh(benchmark::State& state) {
  data();  // loaded before the clock starts
  FastNet net(data().net.params, kB, {1, false});
  std::vector<std::size_t> labels(kB);
  std::size_t k = 0;
  for (auto _ : state) {
    const std::vector<std::size_t>& indices = data().batches[k++ % 16];
    const Batch b = sample_batch(data().mnist.train, indices, kK);
    for (std::size_t i = 0; i < kB; ++i) labels[i] = data().train.labels[indices[i]];
    benchmark::DoNotOptimize(net.step(to_floats(sparse_rows(b.x)), labels, 0.1));
  }
}
// Ideas 4 and 5: the batch gathered from the set made once, buffers made once, 1 or 2 threads.
void BM_Step_FastNet(benchmark::State& state) {
  data();  // loaded before the clock starts
  FastNet net(data().net.params, kB, {static_cast<std::size_t>(state.range(0)), true});
  std::size_t k = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(net.step(data().train, data().batches[k++ % 16], 0.1));
}

// The accuracy on the 10,000 test images.
void BM_Evaluation_plain(benchmark::State& state) {
  data();  // loaded before the clock starts
  const Matrix t = one_hot(data().mnist.test.labels, kK);
  std::vector<std::size_t> all(data().mnist.test.labels.size());
  for (std::size_t k = 0; k < all.size(); ++k) all[k] = k;
  const Batch b = sample_batch(data().mnist.test, all, kK);
  for (auto _ : state) benchmark::DoNotOptimize(data().net.accuracy(b.x, b.t));
}
void BM_Evaluation_FastNet(benchmark::State& state) {
  data();  // loaded before the clock starts
  static const SparseSet test = sparse_set(data().mnist.test, kK);
  FastNet net(data().net.params, kB, {static_cast<std::size_t>(state.range(0)), true});
  for (auto _ : state) benchmark::DoNotOptimize(net.accuracy(test));
}

// One numerical gradient of chapter 7's --gradient numerical net: 784-10-10, 10 images.
Batch ten_images() {
  const Batch& b = data().dense[0];
  return {row_range(b.x, 0, 10), row_range(b.t, 0, 10)};
}
void BM_NumericalGradient_plain(benchmark::State& state) {
  data();  // loaded before the clock starts
  TwoLayerNet net(784, 10, kK, 0.01, 42);
  const Batch ten = ten_images();
  for (auto _ : state) benchmark::DoNotOptimize(net.numerical_gradient(ten.x, ten.t));
}
void BM_NumericalGradient_fast(benchmark::State& state) {
  data();  // loaded before the clock starts
  const TwoLayerNet net(784, 10, kK, 0.01, 42);
  const Batch ten = ten_images();
  for (auto _ : state) benchmark::DoNotOptimize(numerical_gradient_fast(net, ten.x, ten.t));
}

}  // namespace

BENCHMARK(BM_Forward_plain)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Forward_sparse_times)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Forward_lanes_times)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Gradient_plain)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Gradient_copied_transpose)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Gradient_sparse_transposed_times)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Gradient_lanes_transposed_times)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Batch_sample_batch)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Batch_sparse_rows_of_dense)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Batch_gather_rows)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Exp_std_exp)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Exp_exp_lanes)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Step_plain)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Step_sparse_step)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Step_float_fresh)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Step_FastNet)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Evaluation_plain)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Evaluation_FastNet)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NumericalGradient_plain)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NumericalGradient_fast)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
