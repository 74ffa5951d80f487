// common/fast.h: the few kernels that make chapter 7's training fast, each one beside the
// plain Matrix operation it replaces (the tests compare them).
//
// Why they are faster, in the order they matter for MNIST (chapter 7's lesson, "Making it
// fast", tells the story with the measurements of BENCHMARKS.md):
//   1. Skipping zeros. About 81% of MNIST's pixels are 0 (ink covers ~150 of 784), and
//      x·W1 spends 4 of every 5 multiplications on them. SparseRows keeps only the
//      nonzero entries, so x·W1 and xᵀ·δ cost ~150/784 of the dense product.
//   2. Eight numbers per instruction. A weight row is padded to a multiple of 8 doubles
//      and starts on a 64-byte cache line (PaddedRows), so the kernels below work on
//      Lanes, 8 doubles that one vector instruction adds or multiplies, and no load ever
//      straddles two cache lines. exp_in_place is an exp built from such operations.
//   3. Loop order for the cache. The kernels walk the pixels in blocks whose weight rows
//      fit in the core's first-level cache (48 KiB here), so each row is fetched from
//      memory once per block instead of once per nonzero pixel that needs it.
//   4. No allocation in the loop: every buffer is made once and written in place.
//   5. Two threads, sharing out the rows of a result: each output number is still
//      computed by one thread with one sequence of operations, so the results do not
//      depend on the number of threads (see Workers below).
//
// Same numbers? The products add the same terms in the same order as the plain matmul
// (a skipped term is 0·w = ±0, and s + 0 = s), so they agree bit for bit. exp_in_place
// does not: it is within 2 units in the last place of std::exp, not equal to it.
//
// B = batch, D = inputs (784 pixels), H = hidden units, K = classes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

#include "common/matrix.h"

// ---------------------------------------------------------------------------------------
// Sparse rows: the nonzero entries only.

// The nonzero entries of a rows x cols matrix, row after row (the "compressed sparse
// row" format). Row i's entries are column[k], value[k] for k in
// [row_start[i], row_start[i + 1]), columns increasing.
//   {{0, 2, 0},          row_start {0, 1, 3}
//    {1, 0, 3}}   →      column    {1, 0, 2}
//                        value     {2, 1, 3}
struct SparseRows {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<std::size_t> row_start = {0};  // rows + 1 offsets
  std::vector<std::uint32_t> column;         // one per nonzero entry
  std::vector<double> value;                 // one per nonzero entry, never 0

  // The number of nonzero entries.
  std::size_t nonzeros() const { return value.size(); }
};

class Workers;

// The nonzero entries of a. Plain counterpart: a itself.
SparseRows sparse_rows(const Matrix& a);
// The nonzero entries of a's columns begin..end − 1 only: still a (rows, cols) SparseRows,
// with nothing in the other columns. Plain counterpart: a with the other columns set to 0.
// The rows are shared out between the workers' threads (the 60,000 MNIST images: ~0.2 s
// on one thread). Throws std::invalid_argument unless begin ≤ end ≤ a.cols().
SparseRows sparse_columns(const Matrix& a, std::size_t begin, std::size_t end, Workers& workers);
// Back to a dense (rows, cols) matrix, zeros filled in. For tests and printing.
Matrix dense(const SparseRows& a);

// out ← the rows `indices` of a, in that order (repeats repeated): a batch of a data set.
// Reuses out's storage. Plain counterpart: sample_batch's row copy, x(k,:) = a(indices[k],:).
// Throws std::out_of_range if an index is ≥ a.rows.
void gather_rows_into(const SparseRows& a, const std::vector<std::size_t>& indices,
                      SparseRows& out);

// out ← the rows begin..end − 1 of a: a contiguous slice, as gather_rows_into with the
// indices begin, begin + 1, …, end − 1. Throws std::out_of_range unless begin ≤ end ≤ a.rows.
void rows_into(const SparseRows& a, std::size_t begin, std::size_t end, SparseRows& out);

// out ← aᵀ, still sparse: (n,m) → (m,n). Reuses out's storage. Row p of aᵀ lists the rows
// of a whose column p is nonzero, in increasing order. Plain counterpart: transpose(a).
void transpose_into(const SparseRows& a, SparseRows& out);

// ---------------------------------------------------------------------------------------
// Padded rows: weights laid out for vector instructions.

// Eight doubles handled together: `a + b`, `s * a` (s a double) act on all eight at once
// and compile to one vector instruction each (AVX-512 here; two or four narrower ones on
// an older CPU). A GCC and Clang extension to C++, the one used in this workbook.
using Lanes = double __attribute__((vector_size(64)));
constexpr std::size_t kLanes = 8;

// A (rows, cols) table of doubles, zero-filled, whose rows are padded with zeros to
// stride() = cols rounded up to a multiple of 8 and each start on a 64-byte boundary:
//   cols 50 → stride 56: row(i)[0 … 49] the values, row(i)[50 … 55] zeros
// so that row i is stride()/8 whole Lanes, lanes(i)[0 … stride()/8 − 1], and no Lanes
// straddles two cache lines. The kernels below compute the padding columns like the others
// (so with inputs whose padding is 0, an output's padding is 0 too) and never let them
// touch a real column; from_matrix and assign leave the padding 0.
class PaddedRows {
 public:
  PaddedRows() = default;
  PaddedRows(std::size_t rows, std::size_t cols);
  // The same values as m, padded.
  static PaddedRows from_matrix(const Matrix& m);

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t stride() const { return stride_; }
  double* row(std::size_t i) { return data_.data() + i * stride_; }
  const double* row(std::size_t i) const { return data_.data() + i * stride_; }
  Lanes* lanes(std::size_t i) { return reinterpret_cast<Lanes*>(row(i)); }
  const Lanes* lanes(std::size_t i) const { return reinterpret_cast<const Lanes*>(row(i)); }

  // Back to a (rows, cols) Matrix, padding dropped.
  Matrix matrix() const;
  // Overwrite the values with m's (same shape, or std::invalid_argument).
  void assign(const Matrix& m);

 private:
  // std::allocator, but on 64-byte boundaries (C++17's aligned operator new).
  template <typename T>
  struct CacheLineAllocator {
    using value_type = T;
    CacheLineAllocator() = default;
    template <typename U>
    CacheLineAllocator(const CacheLineAllocator<U>&) {}
    T* allocate(std::size_t n) {
      return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64)));
    }
    void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t(64)); }
    bool operator==(const CacheLineAllocator&) const { return true; }
  };

  std::size_t rows_ = 0, cols_ = 0, stride_ = 0;
  std::vector<double, CacheLineAllocator<double>> data_;
};

// ---------------------------------------------------------------------------------------
// The products of a training step: two sparse (the first layer), one dense (the second).

// out(i,:) ← Σ_p x(i,p) · w(p,:) over the nonzero x(i,p), for rows i in [begin, end): the
// forward product x (n,D) · W1 (D,H) → (n,H), on those rows only; other rows of out are
// left alone. w must be (D,H) and out (at least n, H), or std::invalid_argument.
// Plain counterpart: matmul(dense(x), w.matrix()), bit for bit while w is finite: each sum
// starts at 0 and takes its terms in increasing p.
// cursor: scratch, at least n entries, of which this call uses those of rows begin..end.
void sparse_times_rows(const SparseRows& x, const PaddedRows& w, PaddedRows& out,
                       std::size_t begin, std::size_t end, std::vector<std::size_t>& cursor);

// g(p,:) ← Σ_i x(i,p) · d(i,:), for rows p in [begin, end) of g: the weight gradient
// xᵀ (D,n) · δ (n,H) → (D,H), without forming xᵀ; other rows of g are left alone. g must be
// (D,H) and d (n,H), or std::invalid_argument.
// Plain counterpart: matmul(transpose(dense(x)), d.matrix()), bit for bit while d is
// finite: each sum starts at 0 and takes its terms in increasing i.
// cursor: scratch, at least n entries, all used: two threads working on different p need
// one each.
void sparse_transposed_times_rows(const SparseRows& x, const PaddedRows& d, PaddedRows& g,
                                  std::size_t begin, std::size_t end,
                                  std::vector<std::size_t>& cursor);

// out(i,:) ← Σ_j a(i,j) · w(j,:) for rows i in [begin, end): the dense product a (n,J) ·
// w (J,M) → (n,M) of the output layer (z1·W2) and of its backward pass (∂L/∂a2·W2ᵀ), on
// those rows only. a must have at least `end` rows and J = w.rows() columns, out M = w.cols()
// columns and at least `end` rows, or std::invalid_argument. The rows are done a few at a
// time, so that their sums grow side by side (see fast.cpp).
// Plain counterpart: matmul(a.matrix(), w.matrix()), bit for bit while w is finite: each sum
// starts at 0 and takes its terms in increasing j.
void dense_times_rows(const PaddedRows& a, const PaddedRows& w, PaddedRows& out,
                      std::size_t begin, std::size_t end);

// ---------------------------------------------------------------------------------------
// exp for many numbers at once.

// v[k] ← e^v[k] for k < n. Plain counterpart: std::exp on each, within 2 units in the last
// place (relative error < 4.5e-16), and exactly the same at 0, ±inf and NaN.
// Why: std::exp is a function call per number (~7 ns here); this loop's body is a few
// multiply-adds the compiler turns into vector instructions (< 1 ns per number):
//   e^x = 2^k · e^r,  k = round(x / ln 2),  r = x − k·ln 2,  |r| ≤ ln2/2 ≈ 0.347
//   e^r = Σ_{m=0}^{13} r^m / m!  (the first term left out is below 6e-18 · e^r)
//   2^k is made directly from its bits (exponent field k + 1023).
// x outside [−708, 709], where 2^k would not be a normal double, goes to std::exp.
void exp_in_place(double* v, std::size_t n);

// ---------------------------------------------------------------------------------------
// Threads.

// Two (or more) threads that share out the rows of a result.
//
//   Workers workers(2);
//   workers.for_rows(n, [&](std::size_t begin, std::size_t end) { ... rows begin..end ... });
//
// for_rows splits 0..n into `count()` contiguous ranges, runs the first on the calling
// thread and the others on threads started once in the constructor (starting a thread
// costs tens of microseconds; a training step takes about a hundred), and returns when all
// are done. The function must write only its own rows. Each row is computed exactly as
// it would be with one thread, so results never depend on the number of threads.
// Workers(1) runs everything on the calling thread.
//
// for_parts is the same, and also tells the function which part (0 … count() − 1) it
// runs, for scratch space of its own: work(part, begin, end).
//
// If a part throws, the others still run to their end; then the call rethrows the
// exception on the calling thread (the lowest part's, if several threw).
class Workers {
 public:
  explicit Workers(std::size_t threads);
  ~Workers();
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  std::size_t count() const { return helpers_.size() + 1; }
  void for_rows(std::size_t n, const std::function<void(std::size_t, std::size_t)>& work);
  void for_parts(std::size_t n,
                 const std::function<void(std::size_t, std::size_t, std::size_t)>& work);

 private:
  void helper_loop(std::size_t index);

  std::vector<std::thread> helpers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(std::size_t, std::size_t, std::size_t)>* work_ = nullptr;
  std::size_t n_ = 0;
  // Atomics, so that a thread can spin on them for a few microseconds before it sleeps
  // on a condition variable (waking a sleeping thread costs tens of microseconds, and a
  // training step hands out work twice); written under mutex_ all the same.
  std::atomic<std::size_t> generation_{0};  // bumped for each for_rows call
  std::atomic<std::size_t> pending_{0};     // helpers still running the current call
  std::atomic<bool> stop_{false};
  std::vector<std::exception_ptr> helper_failures_;  // what each helper's part threw, if anything
};
