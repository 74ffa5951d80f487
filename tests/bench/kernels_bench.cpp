// tests/bench/kernels_bench.cpp: the matrix kernels at the shapes chapter 7's training uses
// (B = 100, D = 784, H = 50, K = 10), plain beside fast, on real MNIST batches.
// Counters: GFLOP/s counts 2 flops (a multiply and an add) per term of the plain product,
// zeros included, so plain and sparse are measured against the same work.
#include <benchmark/benchmark.h>

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
  SparseRows xs, xsT;
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
    transpose_into(xs, xsT);
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

void BM_Forward1_DenseInto(benchmark::State& state) {
  const Shapes& s = shapes();
  Matrix out(B, H);
  for (auto _ : state) {
    matmul_into(s.x, s.W1, out);
    benchmark::DoNotOptimize(out.data());
  }
  flops(state, 2.0 * B * D * H);
}
BENCHMARK(BM_Forward1_DenseInto);

void BM_Forward1_Sparse(benchmark::State& state) {
  const Shapes& s = shapes();
  Matrix out(B, H);
  for (auto _ : state) {
    sparse_matmul_into(s.xs, s.W1, out);
    benchmark::DoNotOptimize(out.data());
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

void BM_GradW1_TransposedInto(benchmark::State& state) {
  const Shapes& s = shapes();
  Matrix out(D, H);
  for (auto _ : state) {
    transposed_matmul_into(s.x, s.d_a1, out);
    benchmark::DoNotOptimize(out.data());
  }
  flops(state, 2.0 * B * D * H);
}
BENCHMARK(BM_GradW1_TransposedInto);

void BM_GradW1_Sparse(benchmark::State& state) {
  const Shapes& s = shapes();
  Matrix out(D, H);
  SparseRows xT;
  for (auto _ : state) {
    transpose_into(s.xs, xT);  // included: the training loop transposes each batch
    sparse_matmul_into(xT, s.d_a1, out);
    benchmark::DoNotOptimize(out.data());
  }
  flops(state, 2.0 * B * D * H);
}
BENCHMARK(BM_GradW1_Sparse);

// z1 (100,50) · W2 (50,10), z1ᵀ·δ2 and δ2·W2ᵀ: the small second layer.
void BM_Forward2_PlainMatmul(benchmark::State& state) {
  const Shapes& s = shapes();
  for (auto _ : state) benchmark::DoNotOptimize(matmul(s.z1, s.W2));
  flops(state, 2.0 * B * H * K);
}
BENCHMARK(BM_Forward2_PlainMatmul);

void BM_Forward2_Into(benchmark::State& state) {
  const Shapes& s = shapes();
  Matrix out(B, K);
  for (auto _ : state) {
    matmul_into(s.z1, s.W2, out);
    benchmark::DoNotOptimize(out.data());
  }
  flops(state, 2.0 * B * H * K);
}
BENCHMARK(BM_Forward2_Into);

void BM_GradW2_PlainTransposeMatmul(benchmark::State& state) {
  const Shapes& s = shapes();
  for (auto _ : state) benchmark::DoNotOptimize(matmul(transpose(s.z1), s.d_a2));
  flops(state, 2.0 * B * H * K);
}
BENCHMARK(BM_GradW2_PlainTransposeMatmul);

void BM_GradW2_TransposedInto(benchmark::State& state) {
  const Shapes& s = shapes();
  Matrix out(H, K);
  for (auto _ : state) {
    transposed_matmul_into(s.z1, s.d_a2, out);
    benchmark::DoNotOptimize(out.data());
  }
  flops(state, 2.0 * B * H * K);
}
BENCHMARK(BM_GradW2_TransposedInto);

void BM_BackZ1_PlainMatmulTranspose(benchmark::State& state) {
  const Shapes& s = shapes();
  for (auto _ : state) benchmark::DoNotOptimize(matmul(s.d_a2, transpose(s.W2)));
  flops(state, 2.0 * B * H * K);
}
BENCHMARK(BM_BackZ1_PlainMatmulTranspose);

void BM_BackZ1_MatmulTransposedInto(benchmark::State& state) {
  const Shapes& s = shapes();
  Matrix out(B, H);
  for (auto _ : state) {
    matmul_transposed_into(s.d_a2, s.W2, out);
    benchmark::DoNotOptimize(out.data());
  }
  flops(state, 2.0 * B * H * K);
}
BENCHMARK(BM_BackZ1_MatmulTransposedInto);

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
