// tests/bench/kernels_bench.cpp: the matrix kernels at the shapes chapter 7's training uses
// (B = 100, D = 784, H = 50, K = 10), plain beside fast, on real MNIST batches.
// Counters: GFLOP/s counts 2 flops (a multiply and an add) per term of the plain product,
// zeros included, so plain and sparse are measured against the same work.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/fast.h"
#include "common/mnist.h"
#include "common/random.h"

namespace {

constexpr std::size_t B = 100, D = 784, H = 50, K = 10;

// The first 100 training images (a real batch: ~19% nonzero pixels) and random weights.
struct Shapes {
  Matrix x, W1, d_a1, z1, d_a2, W2;
  SparseRows xs, all;  // the batch, and the whole training set
  Shapes() {
    const char* dir = std::getenv("MNIST_DIR");
    const Dataset train = load_mnist_pair(std::string(dir ? dir : "data/mnist") + "/train-images-idx3-ubyte",
                                          std::string(dir ? dir : "data/mnist") + "/train-labels-idx1-ubyte");
    x = Matrix(B, D);
    for (std::size_t k = 0; k < B * D; ++k) x.data()[k] = train.images.data()[k];
    Rng rng(1);
    auto fill = [&](std::size_t r, std::size_t c) {
      Matrix m(r, c);
      for (std::size_t k = 0; k < m.size(); ++k) m.data()[k] = 0.01 * rng.normal();
      return m;
    };
    W1 = fill(D, H), d_a1 = fill(B, H), z1 = fill(B, H), d_a2 = fill(B, K), W2 = fill(H, K);
    xs = sparse_rows(x);
    all = sparse_rows(train.images);
  }
};

const Shapes& shapes() {
  static const Shapes s;
  return s;
}

void flops(benchmark::State& state, double per_call) {
  state.counters["GFLOP/s"] = benchmark::Counter(per_call * static_cast<double>(state.iterations()) / 1e9,
                                                 benchmark::Counter::kIsRate);
  state.counters["calls/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
}

// x (100,784) · W1 (784,50): the first layer's forward pass.
void BM_Forward1_PlainMatmul(benchmark::State& state) {
  const Shapes& s = shapes();
  for (auto _ : state) benchmark::DoNotOptimize(matmul(s.x, s.W1));
  flops(state, 2.0 * B * D * H);
}
BENCHMARK(BM_Forward1_PlainMatmul);

void BM_Forward1_Sparse(benchmark::State& state) {
  const Shapes& s = shapes();
  const PaddedRows w = PaddedRows::from_matrix(s.W1);
  PaddedRows out(B, H);
  std::vector<std::size_t> cursor(B);
  for (auto _ : state) {
    sparse_times_rows(s.xs, w, out, 0, B, cursor);
    benchmark::DoNotOptimize(out.row(0));
  }
  flops(state, 2.0 * B * D * H);
  state.counters["nonzero"] = static_cast<double>(s.xs.nonzeros()) / (B * D);
}
BENCHMARK(BM_Forward1_Sparse);

// xᵀ (784,100) · δ (100,50): the gradient of W1.
void BM_GradW1_PlainTransposeMatmul(benchmark::State& state) {
  const Shapes& s = shapes();
  for (auto _ : state) benchmark::DoNotOptimize(matmul(transpose(s.x), s.d_a1));
  flops(state, 2.0 * B * D * H);
}
BENCHMARK(BM_GradW1_PlainTransposeMatmul);

void BM_GradW1_Sparse(benchmark::State& state) {
  const Shapes& s = shapes();
  const PaddedRows d = PaddedRows::from_matrix(s.d_a1);
  PaddedRows g(D, H);
  std::vector<std::size_t> cursor(B);
  for (auto _ : state) {
    sparse_transposed_times_rows(s.xs, d, g, 0, D, cursor);
    benchmark::DoNotOptimize(g.row(0));
  }
  flops(state, 2.0 * B * D * H);
}
BENCHMARK(BM_GradW1_Sparse);

// z1 (100,50) · W2 (50,10): the output layer's scores (dense).
void BM_Output_PlainMatmul(benchmark::State& state) {
  const Shapes& s = shapes();
  for (auto _ : state) benchmark::DoNotOptimize(matmul(s.z1, s.W2));
  flops(state, 2.0 * B * H * K);
}
BENCHMARK(BM_Output_PlainMatmul);

void BM_Output_DenseRows(benchmark::State& state) {
  const Shapes& s = shapes();
  const PaddedRows z1 = PaddedRows::from_matrix(s.z1), w2 = PaddedRows::from_matrix(s.W2);
  PaddedRows out(B, K);
  for (auto _ : state) {
    dense_times_rows(z1, w2, out, 0, B);
    benchmark::DoNotOptimize(out.row(0));
  }
  flops(state, 2.0 * B * H * K);
}
BENCHMARK(BM_Output_DenseRows);

// e^v for the B·H = 5,000 hidden units of a batch (sigmoid's exp).
// The B·H inputs, N(0, 9) draws, and the ns/exp counter both benchmarks report.
std::vector<double> exp_inputs() {
  std::vector<double> v(B * H);
  Rng rng(2);
  for (double& x : v) x = 3.0 * rng.normal();
  return v;
}
void count_exps(benchmark::State& state, std::size_t n) {
  state.counters["ns/exp"] = benchmark::Counter(static_cast<double>(n),
                                                benchmark::Counter::kIsIterationInvariantRate |
                                                    benchmark::Counter::kInvert);
}

void BM_Exp5000_StdExp(benchmark::State& state) {
  const std::vector<double> v = exp_inputs();
  std::vector<double> out(v.size());
  for (auto _ : state) {
    for (std::size_t k = 0; k < v.size(); ++k) out[k] = std::exp(v[k]);
    benchmark::DoNotOptimize(out.data());
  }
  count_exps(state, v.size());
}
BENCHMARK(BM_Exp5000_StdExp);

void BM_Exp5000_ExpInPlace(benchmark::State& state) {
  const std::vector<double> v = exp_inputs();
  std::vector<double> out(v.size());
  for (auto _ : state) {
    out = v;  // included: exp_in_place overwrites its input
    exp_in_place(out.data(), out.size());
    benchmark::DoNotOptimize(out.data());
  }
  count_exps(state, v.size());
}
BENCHMARK(BM_Exp5000_ExpInPlace);

// A batch of 100 random rows out of the 60,000-image set: rows come from main memory.
void BM_GatherBatch(benchmark::State& state) {
  const Shapes& s = shapes();
  Rng rng(3);
  std::vector<std::size_t> indices(B);
  SparseRows batch;
  for (auto _ : state) {
    for (std::size_t& i : indices) i = rng.below(s.all.rows);
    gather_rows_into(s.all, indices, batch);
    benchmark::DoNotOptimize(batch.value.data());
  }
}
BENCHMARK(BM_GatherBatch);

// Handing out rows to two threads and waiting for them: the fixed cost of each for_rows.
void BM_Workers_EmptyForRows(benchmark::State& state) {
  Workers workers(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) workers.for_rows(100, [](std::size_t, std::size_t) {});
  state.counters["calls/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Workers_EmptyForRows)->Arg(1)->Arg(2)->UseRealTime();

}  // namespace
BENCHMARK_MAIN();
