// chapters/09_making_it_fast/fast_train_given.cpp: the training code around your kernels.
// Contracts are in fast_train.h; the lesson tells what each idea saves.
//
// N = images in a set, B = batch, D = 784 pixels, H = hidden units, K = classes.
//   x (B,D) · W1 (D,H) + b1 → a1 (B,H) → σ → z1 (B,H) · W2 (H,K) + b2 → a2 (B,K) → softmax → y
//   L = −(1/B) Σ_i log(y(i, label_i) + 1e-7)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "chapters/05_loss_gradient/loss.h"
#include "chapters/09_making_it_fast/fast_train.h"

// ---------------------------------------------------------------------------------------
// The data, without its zeros.

namespace {

// Asks the system for 2 MB pages, rather than 4 KB ones, for the n bytes at p, if it gives
// them (Linux's transparent huge pages): a first touch then costs one fault per 2 MB, not
// per 4 KB. Measured here: 100 MB touched in 165 ms instead of 290. Elsewhere, nothing.
void prefer_huge_pages(const void* p, std::size_t n) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kPage = 4096;  // madvise wants a page-aligned start
  const auto begin = (reinterpret_cast<std::uintptr_t>(p) + kPage - 1) / kPage * kPage;
  const auto end = reinterpret_cast<std::uintptr_t>(p) + n;
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)p, (void)n;
#endif
}

// A set goes through the exact path this many images at a time: one chunk's dense batch,
// 627 KB, stays in the core's cache between being made and being read (1,000 images,
// 6.3 MB, did not, and made the sets take twice as long).
constexpr std::size_t kExactChunk = 100;

// The indices begin … end − 1.
std::vector<std::size_t> range(std::size_t begin, std::size_t end) {
  std::vector<std::size_t> r(end - begin);
  for (std::size_t k = 0; k < r.size(); ++k) r[k] = begin + k;
  return r;
}

}  // namespace

namespace {

// Empty lists for images of D pixels, with room reserved for `images` of them. Room for
// every pixel is reserved but not touched: a page of memory costs only when it is first
// written (on this machine ~16 µs a page, 4 ms a MB), so only the ~19% of the pixels that
// are nonzero cost anything, and nothing is copied as the lists grow.
void reserve_rows(SparseFloats& x, std::size_t images, std::size_t D) {
  x.cols = D;
  x.row_start.reserve(images + 1);
  x.column.reserve(images * D);
  x.value.reserve(images * D);
  prefer_huge_pages(x.column.data(), images * D * sizeof(std::uint16_t));
  prefer_huge_pages(x.value.data(), images * D * sizeof(float));
}

// Appends all of part's rows to x, each value converted to float.
template <typename T>
void append_rows(const SparseRowsOf<T>& part, SparseFloats& x) {
  const std::size_t offset = x.value.size();
  for (std::size_t i = 1; i <= part.rows; ++i) x.row_start.push_back(offset + part.row_start[i]);
  x.column.insert(x.column.end(), part.column.begin(), part.column.end());
  x.value.insert(x.value.end(), part.value.begin(), part.value.end());
  x.rows += part.rows;
}

// Appends images begin … end − 1 of data to x, through your sparse_rows, kExactChunk at a
// time, each chunk taken by lesson 07's sample_batch.
void append_images(const Dataset& data, std::size_t classes, std::size_t begin, std::size_t end,
                   SparseFloats& x) {
  for (std::size_t c0 = begin; c0 < end; c0 += kExactChunk) {
    const std::size_t c1 = std::min(end, c0 + kExactChunk);
    const SparseRows part = sparse_rows(sample_batch(data, range(c0, c1), classes).x);
    if (part.cols != x.cols || part.rows != c1 - c0) {
      throw std::invalid_argument("sparse_set: sparse_rows gave (" + std::to_string(part.rows) +
                                  "x" + std::to_string(part.cols) + ") for " +
                                  std::to_string(c1 - c0) + " images of " + std::to_string(x.cols) +
                                  " pixels");
    }
    append_rows(part, x);  // each double rounded to the nearest float
  }
}

}  // namespace

SparseSet sparse_set(const Dataset& data, std::size_t classes) {
  SparseSet s;
  s.labels = data.labels;
  const std::size_t n = data.labels.size(), D = data.image_rows * data.image_cols;
  // The two halves of the images on the two cores at once, each into lists of its own;
  // then the second half's are appended to the first's. Each image's entries are the same
  // whichever thread made them.
  const std::size_t half = n / 2;
  SparseFloats second;
  reserve_rows(s.x, n, D);
  reserve_rows(second, n - half, D);
  std::exception_ptr failure;
  std::thread helper([&] {
    try {
      append_images(data, classes, half, n, second);
    } catch (...) {
      failure = std::current_exception();
    }
  });
  try {
    append_images(data, classes, 0, half, s.x);
  } catch (...) {
    helper.join();
    throw;  // the first half's error: the lower images' (a stub throws in both halves)
  }
  helper.join();
  if (failure) std::rethrow_exception(failure);
  append_rows(second, s.x);
  return s;
}

std::size_t sparse_correct(const TwoLayerNet& net, const SparseRows& x,
                           const std::vector<std::size_t>& labels) {
  if (labels.size() != x.rows) {
    throw std::invalid_argument("sparse_correct: " + std::to_string(x.rows) + " rows but " +
                                std::to_string(labels.size()) + " labels");
  }
  const TwoLayerParams& p = net.params;
  // predict(x) of lesson 06, with x·W1 from the nonzero pixels only
  Matrix a1;
  sparse_times(x, p.W1, a1);
  const Matrix y = softmax(add_row_vector(sigmoid(add_row_vector(a1, p.b1)) * p.W2, p.b2));
  const std::vector<std::size_t> predicted = row_argmax(y);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == labels[i];
  return correct;
}

// ---------------------------------------------------------------------------------------
// The exact path: lesson 06's gradient with two products from kernels.cpp.

double sparse_step(TwoLayerNet& net, const SparseRows& x, const Matrix& t, double lr,
                   SparseProducts products) {
  const TwoLayerParams& p = net.params;
  const double batch = static_cast<double>(x.rows);
  // TwoLayerNet::gradient (lesson 06, two_layer_net_given.cpp), line for line, but for
  // x·W1 and, with forward_and_gradient, xᵀ·∂L/∂a1.
  Matrix a1;
  sparse_times(x, p.W1, a1);  // x (B,D) · W1 (D,H), zeros skipped
  const Matrix z1 = sigmoid(add_row_vector(a1, p.b1));
  const Matrix y = softmax(add_row_vector(z1 * p.W2, p.b2));
  if (!y.same_shape(t)) {
    throw std::invalid_argument("sparse_step: predictions " + y.shape() + " and labels t " +
                                t.shape() + " differ in shape");
  }
  // ∂L/∂a2 = (y − t) / B, the book's (and lesson 06's) backward
  const Matrix d_a2 = (1.0 / batch) * (y - t);
  TwoLayerParams grads;
  grads.W2 = transpose(z1) * d_a2;
  grads.b2 = column_sums(d_a2);
  const Matrix d_z1 = d_a2 * transpose(p.W2);
  const Matrix d_a1 = hadamard(d_z1, apply(z1, [](double s) { return s * (1.0 - s); }));
  if (products == SparseProducts::forward_and_gradient) {
    sparse_transposed_times(x, d_a1, grads.W1);  // xᵀ (D,B) · ∂L/∂a1 (B,H), xᵀ never made
  } else {
    grads.W1 = transpose(dense(x)) * d_a1;  // as lesson 06 does it, on the dense batch
  }
  grads.b1 = column_sums(d_a1);
  // Lesson 07's step 3, then step 4: the loss after the step, as lesson 06's loss computes it.
  sgd_step(net.params, grads, lr);
  sparse_times(x, p.W1, a1);
  return cross_entropy_error(
      softmax(add_row_vector(sigmoid(add_row_vector(a1, p.b1)) * p.W2, p.b2)), t);
}

// ---------------------------------------------------------------------------------------
// Workers

Workers::Workers(std::size_t threads) : helper_failures_(threads > 1 ? threads - 1 : 0) {
  if (threads == 0) throw std::invalid_argument("Workers: at least 1 thread");
  for (std::size_t t = 1; t < threads; ++t) helpers_.emplace_back([this, t] { helper_loop(t); });
}

Workers::~Workers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true, std::memory_order_release);
  }
  wake_.notify_all();
  for (std::thread& t : helpers_) t.join();
}

namespace {

// Part `part` of `parts` equal contiguous ranges of 0 … n − 1.
std::size_t split(std::size_t n, std::size_t part, std::size_t parts) { return n * part / parts; }

// How long a thread spins, checking a flag, before it sleeps on a condition variable: long
// enough to cover the gap between two rounds of a training step, short enough to leave
// the core to other programs when no work comes.
constexpr auto kSpin = std::chrono::microseconds(200);

// Spins until done() or kSpin has passed; says whether done() came true.
template <typename Done>
bool spin_until(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (unsigned k = 0;; ++k) {
    if (done()) return true;
    if ((k & 63) == 63) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::yield();
    }
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
}

}  // namespace

void Workers::for_rows(std::size_t n, const std::function<void(std::size_t, std::size_t)>& work) {
  for_parts(n, [&](std::size_t, std::size_t begin, std::size_t end) { work(begin, end); });
}

void Workers::for_parts(std::size_t n,
                        const std::function<void(std::size_t, std::size_t, std::size_t)>& work) {
  const std::size_t parts = count();
  if (parts == 1) {
    work(0, 0, n);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    work_ = &work;
    n_ = n;
    pending_.store(helpers_.size(), std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  std::exception_ptr failure;
  try {
    work(0, 0, split(n, 1, parts));  // part 0 on this thread
  } catch (...) {
    failure = std::current_exception();
  }
  // Even if part 0 failed, the helpers are still using `work`: wait for them.
  if (!spin_until([this] { return pending_.load(std::memory_order_acquire) == 0; })) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    work_ = nullptr;
    for (std::exception_ptr& f : helper_failures_) {  // the lowest part's, if several threw
      if (!failure) failure = f;
      f = nullptr;
    }
  }
  if (failure) std::rethrow_exception(failure);
}

void Workers::helper_loop(std::size_t index) {
  std::size_t seen = 0;
  for (;;) {
    const std::function<void(std::size_t, std::size_t, std::size_t)>* work;
    std::size_t n;
    {
      const auto ready = [&] {
        return stop_.load(std::memory_order_acquire) ||
               generation_.load(std::memory_order_acquire) != seen;
      };
      spin_until(ready);
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, ready);
      if (stop_.load(std::memory_order_relaxed)) return;
      seen = generation_.load(std::memory_order_relaxed);
      work = work_;
      n = n_;
    }
    std::exception_ptr failure;
    try {
      (*work)(index, split(n, index, count()), split(n, index + 1, count()));
    } catch (...) {
      failure = std::current_exception();  // for for_parts to rethrow on the caller's thread
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      helper_failures_[index - 1] = failure;
      pending_.fetch_sub(1, std::memory_order_release);
    }
    done_.notify_one();
  }
}

// ---------------------------------------------------------------------------------------
// The float path.

namespace {

// An evaluation takes a set this many images at a time per thread: the chunk's pixels and
// sums (~30 KB) stay in the core's cache while W1 streams past them.
constexpr std::size_t kFloatChunk = 128;

// The pixels in two parts, the top and the bottom half of the image (each with about half
// of the ink): part t is first_pixel(D, t) … first_pixel(D, t + 1) − 1. Each thread of two
// owns one part, and with it half of W1's rows, in every round that touches W1: it adds
// its part's share of x·W1 and takes its rows' step, so that a row of W1 stays in the cache
// of the core that uses it (two cores writing and reading the same rows would pass them
// back and forth a step). The number of parts is fixed, not the number of threads:
//   a1 = (x_top·W1 + x_bottom·W1) + b1, the same sums in the same order for any threads.
constexpr std::size_t kParts = 2;
std::size_t first_pixel(std::size_t D, std::size_t t) { return D * t / kParts; }

// Appends row i of a, only its entries in columns p0 … p1 − 1, to out as its next row. The
// row's entries in the part are one run: its columns are sorted.
void append_part(const SparseFloats& a, std::size_t i, std::size_t p0, std::size_t p1,
                 SparseFloats& out) {
  const std::uint16_t* column = a.column.data();
  const std::uint16_t* row = column + a.row_start[i];
  const std::uint16_t* row_end = column + a.row_start[i + 1];
  // (a part that starts at the first pixel, or ends at the last, needs no search there)
  const std::uint16_t* from = p0 == 0 ? row : std::lower_bound(row, row_end, p0);
  const std::uint16_t* to = p1 >= a.cols ? row_end : std::lower_bound(from, row_end, p1);
  const auto k0 = static_cast<std::ptrdiff_t>(from - column);
  const auto k1 = static_cast<std::ptrdiff_t>(to - column);
  out.column.insert(out.column.end(), a.column.begin() + k0, a.column.begin() + k1);
  out.value.insert(out.value.end(), a.value.begin() + k0, a.value.begin() + k1);
  out.row_start.push_back(out.value.size());
  ++out.rows;
}

// Empties out, keeping its storage, for rows of a's width.
void clear_rows(const SparseFloats& a, SparseFloats& out) {
  out.rows = 0;
  out.cols = a.cols;
  out.row_start.assign(1, 0);
  out.column.clear();
  out.value.clear();
}

// Everything a step writes, for B rows: made once, or once per step without reuse. There is
// no gradient among them: each one is added to its parameter as it is computed (below).
struct StepBuffers {
  SparseFloats x[kParts];          // (B,D)  the batch's pixels, part by part
  PaddedRows a1[kParts];           // (B,H)  each part's share of x·W1
  PaddedRows z1;                   // (B,H)  z1 = σ(a1 + b1)
  PaddedRows y;                    // (B,K)  a2 = z1·W2 + b2, then y = softmax(a2) in place
  PaddedRows step_a2, step_a1;     // (B,K), (B,H)  −lr·∂L/∂a2, −lr·∂L/∂a1
  std::vector<double> loss_terms;  // B  log(y(i, label_i) + 1e-7)
  StepBuffers(std::size_t B, std::size_t H, std::size_t K)
      : a1{PaddedRows(B, H), PaddedRows(B, H)},
        z1(B, H),
        y(B, K),
        step_a2(B, K),
        step_a1(B, H),
        loss_terms(B) {}
};

// What one thread's share of an evaluation writes. W1 is only read in an evaluation, so a
// thread takes whole images, not a part of their pixels: a chunk of the set's rows, copied
// in one run (copy_rows), and a1 = x·W1 + b1 in one product.
struct ChunkBuffers {
  SparseFloats x;  // (kFloatChunk,D)
  PaddedRows a1;   // (kFloatChunk,H)
  PaddedRows z1;   // (kFloatChunk,H)
  PaddedRows y;    // (kFloatChunk,K)
  ChunkBuffers(std::size_t H, std::size_t K)
      : a1(kFloatChunk, H), z1(kFloatChunk, H), y(kFloatChunk, K) {}
};

}  // namespace

struct FastNet::State {
  std::size_t B, D, H, K;
  FastOptions options;
  // The parameters. W2 is kept twice, in the layout each of its products walks: W2 (H,K)
  // for z1·W2, a row of K scores per hidden unit; W2t (K,H) for ∂L/∂a2·W2ᵀ, a row of H
  // per class. Both take the same steps, so they always hold the same numbers.
  PaddedRows W1, b1, W2, W2t, b2;
  Lanes class_mask{};  // 1 in the K classes' lanes, 0 in the padding's
  StepBuffers step;
  std::vector<std::size_t> labels;   // the batch's, for step(set, indices)
  std::vector<ChunkBuffers> chunks;  // one per thread
  Workers workers;

  State(const TwoLayerParams& p, std::size_t batch, const FastOptions& o)
      : B(batch),
        D(p.W1.rows()),
        H(p.W1.cols()),
        K(p.W2.cols()),
        options(o),
        W1(PaddedRows::from_matrix(p.W1)),
        b1(PaddedRows::from_matrix(p.b1)),
        W2(PaddedRows::from_matrix(p.W2)),
        W2t(PaddedRows::from_matrix(transpose(p.W2))),
        b2(PaddedRows::from_matrix(p.b2)),
        step(batch, H, K),
        chunks(o.threads, ChunkBuffers(H, K)),
        workers(o.threads) {
    for (std::size_t c = 0; c < K; ++c) class_mask[c] = 1.0f;
  }

  // A batch of `rows` images of `cols` pixels and its labels must fit the net.
  void check_batch(std::size_t rows, std::size_t cols, const std::vector<std::size_t>& y) const {
    if (rows != B || cols != D || y.size() != B) {
      throw std::invalid_argument("FastNet::step: a batch of (" + std::to_string(rows) + "x" +
                                  std::to_string(cols) + ") images and " +
                                  std::to_string(y.size()) + " labels for a net of batch " +
                                  std::to_string(B) + " and " + std::to_string(D) + " inputs");
    }
    for (const std::size_t label : y) {
      if (label >= K) {
        throw std::invalid_argument("FastNet::step: label " + std::to_string(label) +
                                    " of a net with " + std::to_string(K) + " classes");
      }
    }
  }

  // Rounds 2–4 of a step, after round 1 (in step) has made the parts' sums of x·W1.
  double rest_of_step(const std::vector<std::size_t>& labels, float lr);

  // Part t's share of x·W1 for the rows of x: x[t] (n,D) · W1 (D,H) → a1[t] (n,H).
  void part_sums(const SparseFloats* x, PaddedRows* a1, std::size_t t) const {
    lanes_times(x[t], W1, a1[t], 0, x[t].rows);  // yours
  }

  // Rows begin … end − 1 of y = softmax(σ(a1 + b1)·W2 + b2), in z and y, from a1 in
  // `parts` pieces: a1 = a1[0] + a1[1] (a step's two parts of the pixels) or a1[0] (an
  // evaluation's whole images).
  void finish_rows(const PaddedRows* a1, std::size_t parts, PaddedRows& z, PaddedRows& y,
                   std::size_t begin, std::size_t end) const {
    static_assert(kParts == 2, "a1 = a1[0] + a1[1] below adds two parts");
    const Lanes one = Lanes{} + 1.0f;
    const std::size_t lanes = W1.stride() / kLanes;
    for (std::size_t i = begin; i < end; ++i) {
      const Lanes *top = a1[0].lanes(i), *bottom = parts == 2 ? a1[1].lanes(i) : nullptr;
      Lanes* zi = z.lanes(i);
      // z1 = σ(a1 + b1) = 1 / (1 + e^−(a1 + b1))
      for (std::size_t l = 0; l < lanes; ++l) {
        const Lanes sum = bottom != nullptr ? top[l] + bottom[l] : top[l];
        zi[l] = one / (one + exp_lanes(-(sum + b1.lanes(0)[l])));
      }
      // The padding came out σ(0) = 0.5; set it back to 0, as the sums over H expect.
      std::fill(z.row(i) + H, z.row(i) + W1.stride(), 0.0f);
    }
    // a2 = z1·W2 + b2, four rows at a time: their sums grow side by side, so that no fused
    // multiply-add waits for the one before it (each takes several cycles to finish).
    std::size_t i = begin;
    for (; i + 4 <= end; i += 4) scores<4>(z, y, i);
    for (; i < end; ++i) scores<1>(z, y, i);
    for (i = begin; i < end; ++i) {
      // y = softmax(a2) = e^(a2 − max) / Σ e^(a2 − max), over the K real columns
      const float* a = y.row(i);
      const float m = *std::max_element(a, a + K);
      const Lanes e = exp_lanes(y.lanes(i)[0] - m);
      float total = 0.0f;
      for (std::size_t c = 0; c < K; ++c) total += e[c];
      // (the padding columns are multiplied by 0, so that they stay 0)
      y.lanes(i)[0] = e / total * class_mask;
    }
  }

  // a2 (rows i … i + R − 1) = z1·W2 + b2: H terms in each of the K ≤ 16 sums, one Lanes.
  template <std::size_t R>
  void scores(const PaddedRows& z, PaddedRows& y, std::size_t i) const {
    Lanes acc[R] = {};
    for (std::size_t j = 0; j < H; ++j) {
      const Lanes w = W2.lanes(j)[0];
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r) acc[r] = fused_multiply_add(z.row(i + r)[j], w, acc[r]);
    }
    for (std::size_t r = 0; r < R; ++r) y.lanes(i + r)[0] = acc[r] + b2.lanes(0)[0];
  }

  // Rows begin … end − 1 of the gradients at a2 and a1 (lesson 06's backward pass), each
  // times −lr, ready to be added to the parameters:
  //   −lr·∂L/∂a2 = −lr·(y − t) / B   (the book's backward, as lesson 06's)
  //   −lr·∂L/∂a1 = (−lr·∂L/∂a2 · W2ᵀ) ⊙ z1 ⊙ (1 − z1)
  void backward_rows(StepBuffers& s, const std::vector<std::size_t>& labels, float lr,
                     std::size_t begin, std::size_t end) const {
    const Lanes one = Lanes{} + 1.0f;
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t label = labels[i];
      Lanes t{};
      t[label] = 1.0f;
      s.step_a2.lanes(i)[0] = (s.y.lanes(i)[0] - t) * (-lr / static_cast<float>(B));
      const float* d2 = s.step_a2.row(i);
      // · W2ᵀ: Σ_c d2(c)·W2ᵀ(c,:), a tile of 64 hidden units at a time in registers
      for (std::size_t tile = 0; tile < W1.tiles(); ++tile) {
        Lanes acc[kTileLanes] = {};
        for (std::size_t c = 0; c < K; ++c) {
          const Lanes* w = W2t.lanes(c) + tile * kTileLanes;
#pragma GCC unroll 4
          for (std::size_t u = 0; u < kTileLanes; ++u)
            acc[u] = fused_multiply_add(d2[c], w[u], acc[u]);
        }
        const Lanes* z = s.z1.lanes(i) + tile * kTileLanes;
        Lanes* d1 = s.step_a1.lanes(i) + tile * kTileLanes;
        for (std::size_t u = 0; u < kTileLanes; ++u) d1[u] = acc[u] * z[u] * (one - z[u]);
      }
    }
  }

  // The steps of b1, W2 and b2, their gradients summed over the batch's rows b = 0, 1, …
  // straight into the parameters (θ ← θ + Σ_b −lr·∂L/∂θ(b)):
  //   W2ᵀ(c,:) += Σ_b −lr·∂L/∂a2(b,c)·z1(b,:),  b1 += Σ_b −lr·∂L/∂a1(b,:),  b2 += Σ_b
  //   −lr·∂L/∂a2(b,:)
  void small_steps(const StepBuffers& s) {
    const std::size_t lanes = W1.stride() / kLanes;
    for (std::size_t b = 0; b < B; ++b) {
      const float* d2 = s.step_a2.row(b);
      const Lanes* z = s.z1.lanes(b);
      for (std::size_t c = 0; c < K; ++c)
        for (std::size_t l = 0; l < lanes; ++l)
          W2t.lanes(c)[l] = fused_multiply_add(d2[c], z[l], W2t.lanes(c)[l]);
      for (std::size_t l = 0; l < lanes; ++l) b1.lanes(0)[l] += s.step_a1.lanes(b)[l];
      b2.lanes(0)[0] += s.step_a2.lanes(b)[0];
    }
    // W2 takes the same steps: its entries are W2t's, transposed.
    for (std::size_t j = 0; j < H; ++j)
      for (std::size_t c = 0; c < K; ++c) W2.row(j)[c] = W2t.row(c)[j];
  }
};

FastNet::FastNet(const TwoLayerParams& params, std::size_t batch, const FastOptions& options) {
  if (options.threads == 0) throw std::invalid_argument("FastNet: threads must be at least 1");
  if (batch == 0) throw std::invalid_argument("FastNet: batch must be at least 1");
  if (params.W2.cols() > kLanes) {
    throw std::invalid_argument("FastNet: " + std::to_string(params.W2.cols()) +
                                " classes; the output layer holds at most 16, one Lanes");
  }
  state_ = std::make_unique<State>(params, batch, options);
}

FastNet::~FastNet() = default;

double FastNet::step(const SparseFloats& x, const std::vector<std::size_t>& labels, double lr) {
  State& s = *state_;
  s.check_batch(x.rows, x.cols, labels);
  // Without reuse, every buffer of the step is made here, as plain code makes its
  // temporaries: the cost of allocating and zero-filling them is the difference.
  if (!s.options.reuse_buffers) s.step = StepBuffers(s.B, s.H, s.K);
  StepBuffers& b = s.step;
  // Round 1, pixels, a part per thread: the part's pixels of the batch, and its share of x·W1.
  s.workers.for_parts(kParts, [&](std::size_t, std::size_t t0, std::size_t t1) {
    for (std::size_t t = t0; t < t1; ++t) {
      clear_rows(x, b.x[t]);
      for (std::size_t i = 0; i < s.B; ++i)
        append_part(x, i, first_pixel(s.D, t), first_pixel(s.D, t + 1), b.x[t]);
      s.part_sums(b.x, b.a1, t);
    }
  });
  return s.rest_of_step(labels, static_cast<float>(lr));
}

double FastNet::step(const SparseSet& set, const std::vector<std::size_t>& indices, double lr) {
  State& s = *state_;
  std::vector<std::size_t>& labels = s.labels;
  labels.resize(indices.size());
  for (std::size_t k = 0; k < indices.size(); ++k) {
    if (indices[k] >= set.x.rows) {
      throw std::out_of_range("FastNet::step: index " + std::to_string(indices[k]) +
                              " of a set of " + std::to_string(set.x.rows) + " images");
    }
    labels[k] = set.labels[indices[k]];
  }
  s.check_batch(indices.size(), set.x.cols, labels);
  if (!s.options.reuse_buffers) s.step = StepBuffers(s.B, s.H, s.K);
  StepBuffers& b = s.step;
  // Round 1, pixels, a part per thread: the part's pixels of the batch, gathered from the
  // set by the thread that will use them, and its share of x·W1.
  s.workers.for_parts(kParts, [&](std::size_t, std::size_t t0, std::size_t t1) {
    for (std::size_t t = t0; t < t1; ++t) {
      clear_rows(set.x, b.x[t]);
      for (const std::size_t i : indices)
        append_part(set.x, i, first_pixel(s.D, t), first_pixel(s.D, t + 1), b.x[t]);
      s.part_sums(b.x, b.a1, t);
    }
  });
  return s.rest_of_step(labels, static_cast<float>(lr));
}

double FastNet::State::rest_of_step(const std::vector<std::size_t>& labels, float step) {
  State& s = *this;
  StepBuffers& b = s.step;
  // Round 2, rows of the batch: the rest of the forward pass, and the gradients at a2 and
  // a1 times −lr.
  s.workers.for_rows(s.B, [&](std::size_t begin, std::size_t end) {
    s.finish_rows(b.a1, kParts, b.z1, b.y, begin, end);
    s.backward_rows(b, labels, step, begin, end);
  });
  // Round 3, pixels: W1 ← W1 + xᵀ·(−lr·∂L/∂a1) on the part's rows of W1, the step added
  // straight into W1 (yours); the first part also steps b1, W2 and b2. Then, with the new
  // weights, the part's share of x·W1 again, for the loss after the step.
  s.workers.for_parts(kParts, [&](std::size_t, std::size_t t0, std::size_t t1) {
    for (std::size_t t = t0; t < t1; ++t) {
      lanes_transposed_times(b.x[t], b.step_a1, s.W1, first_pixel(s.D, t), first_pixel(s.D, t + 1));
      if (t == 0) s.small_steps(b);
      s.part_sums(b.x, b.a1, t);
    }
  });
  // Round 4, rows: the loss terms after the step.
  s.workers.for_rows(s.B, [&](std::size_t begin, std::size_t end) {
    s.finish_rows(b.a1, kParts, b.z1, b.y, begin, end);
    for (std::size_t i = begin; i < end; ++i) {
      b.loss_terms[i] = std::log(static_cast<double>(b.y.row(i)[labels[i]]) + kLogDelta);
    }
  });
  // L = −(1/B) Σ_i log(y(i, label_i) + 1e-7), the terms added in order of i on one thread.
  double sum = 0.0;
  for (std::size_t i = 0; i < s.B; ++i) sum += b.loss_terms[i];
  return -sum / static_cast<double>(s.B);
}

double FastNet::accuracy(const SparseSet& set, std::size_t n) {
  State& s = *state_;
  if (n == 0) n = set.x.rows;
  if (n == 0 || n > set.x.rows || set.x.cols != s.D || set.labels.size() != set.x.rows) {
    throw std::invalid_argument("FastNet::accuracy: " + std::to_string(n) +
                                " images of a set of (" + std::to_string(set.x.rows) + "x" +
                                std::to_string(set.x.cols) + ") with " +
                                std::to_string(set.labels.size()) + " labels, for a net of " +
                                std::to_string(s.D) + " inputs");
  }
  // Each thread counts its own correct images; a count is a whole number, so the total is
  // the same whatever the order of adding.
  std::vector<std::size_t> correct(s.workers.count(), 0);
  s.workers.for_parts(n, [&](std::size_t part, std::size_t begin, std::size_t end) {
    for (std::size_t c0 = begin; c0 < end; c0 += kFloatChunk) {
      if (!s.options.reuse_buffers) s.chunks[part] = ChunkBuffers(s.H, s.K);
      ChunkBuffers& c = s.chunks[part];
      const std::size_t rows = std::min(end, c0 + kFloatChunk) - c0;
      copy_rows(set.x, c0, c0 + rows, c.x);
      lanes_times(c.x, s.W1, c.a1, 0, rows);  // yours
      s.finish_rows(&c.a1, 1, c.z1, c.y, 0, rows);
      for (std::size_t i = 0; i < rows; ++i) {
        const float* y = c.y.row(i);
        // The class of the largest probability, the first on ties, as row_argmax picks it.
        const auto best = static_cast<std::size_t>(std::max_element(y, y + s.K) - y);
        correct[part] += best == set.labels[c0 + i];
      }
    }
  });
  std::size_t total = 0;
  for (const std::size_t c : correct) total += c;
  return static_cast<double>(total) / static_cast<double>(n);
}

TwoLayerParams FastNet::params() const {
  const State& s = *state_;
  return {s.W1.matrix(), s.b1.matrix(), s.W2.matrix(), s.b2.matrix()};
}

// ---------------------------------------------------------------------------------------
// train_fast

TrainLog train_fast(TwoLayerNet& net, const SparseSet& train_set, const SparseSet& test_set,
                    const TrainConfig& config, Rng& rng, const TrainObserver& observer,
                    const FastOptions& options) {
  const std::size_t n = train_set.x.rows, D = net.params.W1.rows(), K = net.params.W2.cols();
  check_train_config(config, n, "train_fast");
  // train fails at the first product (shapes) or one-hot label before any step; the same
  // checks, here before any thread starts.
  for (const SparseSet* set : {&train_set, &test_set}) {
    if (set->x.cols != D || set->labels.size() != set->x.rows) {
      throw std::invalid_argument("train_fast: a set of (" + std::to_string(set->x.rows) + "x" +
                                  std::to_string(set->x.cols) + ") images and " +
                                  std::to_string(set->labels.size()) +
                                  " labels for a net whose W1 is " + net.params.W1.shape());
    }
    for (const std::size_t label : set->labels) {
      if (label >= K) {
        throw std::invalid_argument("train_fast: label " + std::to_string(label) +
                                    " of a net with " + std::to_string(K) + " classes");
      }
    }
  }
  FastNet fast(net.params, config.batch_size, options);
  // The net gets the trained parameters however the loop ends (an observer may throw).
  struct WriteBack {
    const FastNet& from;
    TwoLayerParams& to;
    ~WriteBack() { to = from.params(); }
  } write_back{fast, net.params};
  const auto step = [&] {
    // 1. the batch: your choose_batch, its rows gathered from the sparse set by FastNet;
    // 2–4. gradient, step, loss after the step
    return fast.step(train_set, choose_batch(rng, n, config.batch_size), config.learning_rate);
  };
  const auto evaluate = [&] {
    return std::make_pair(fast.accuracy(train_set), fast.accuracy(test_set));
  };
  return training_loop(config, n, observer, step, evaluate);
}
