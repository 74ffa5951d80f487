// common/fast.h: the few kernels that make chapter 7's training fast, each one beside the
// plain Matrix operation it replaces and giving the very same numbers.
//
// Why they are faster, in the order they matter for MNIST (chapter 7's lesson, "Making it
// fast", tells the story with the measurements of BENCHMARKS.md):
//   1. Skipping zeros. About 81% of MNIST's pixels are 0 (ink covers ~150 of 784), and
//      x·W1 spends 4 of every 5 multiplications on them. SparseRows keeps only the
//      nonzero entries, so x·W1 and xᵀ·δ cost ~150/784 of the dense product.
//   2. No allocation in the loop. The *_into functions write into a Matrix the caller
//      made once (right shape, reused every iteration) instead of returning a new one.
//   3. Loop order for the cache. The innermost loop always walks a contiguous row.
//   4. Two threads, splitting the rows of the result: each output number is still
//      computed by one thread with one sequence of operations, so the results do not
//      depend on the number of threads (see Workers below).
//
// Same numbers, bit for bit: a skipped term is x(i,p)·w = 0·w = ±0, and adding ±0 to a
// sum changes nothing (s + 0 = s; +0 + −0 = +0). Every kernel adds the remaining terms in
// the same order as the plain operation, so rounding is identical. The one exception is
// a weight that is inf or NaN: 0·inf = NaN poisons the plain sum, the skipped term does
// not. Training has diverged long before that.
//
// B = batch, D = inputs (784 pixels), H = hidden units, K = classes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/matrix.h"

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

// The nonzero entries of a. Plain counterpart: a itself.
SparseRows sparse_rows(const Matrix& a);
// Back to a dense (rows, cols) matrix, zeros filled in. For tests and printing.
Matrix dense(const SparseRows& a);

// out ← the rows `indices` of a, in that order (repeats repeated): a batch of a data set.
// Reuses out's storage. Plain counterpart: sample_batch's row copy, x(k,:) = a(indices[k],:).
// Throws std::out_of_range if an index is ≥ a.rows.
void gather_rows_into(const SparseRows& a, const std::vector<std::size_t>& indices,
                      SparseRows& out);

// out ← aᵀ, still sparse: (n,m) → (m,n). Reuses out's storage. Row p of aᵀ lists the rows
// of a whose column p is nonzero, in increasing order. Plain counterpart: transpose(a).
void transpose_into(const SparseRows& a, SparseRows& out);

// out(i,:) ← Σ_p a(i,p) · b(p,:) over the nonzero a(i,p), for rows i in [row_begin, row_end):
// the product a (n,k) · b (k,m) → (n,m), computed on those rows only. out must already be
// (n,m); other rows are left alone. Plain counterpart: matmul(dense(a), b), bit for bit
// while b is finite. Throws std::invalid_argument on a shape mismatch.
void sparse_matmul_rows(const SparseRows& a, const Matrix& b, Matrix& out,
                        std::size_t row_begin, std::size_t row_end);
// The same on every row, resizing out to (n,m) if its shape is wrong.
void sparse_matmul_into(const SparseRows& a, const Matrix& b, Matrix& out);

// out ← a · b, into out's storage (resized only if its shape is wrong).
// Plain counterpart: matmul(a, b), bit for bit (the same i-p-j order).
void matmul_into(const Matrix& a, const Matrix& b, Matrix& out);
// out ← aᵀ · b without forming aᵀ: (n,k)ᵀ · (n,m) → (k,m), out(p,j) = Σ_i a(i,p) b(i,j)
// summed over i in increasing order. Plain counterpart: matmul(transpose(a), b), bit for bit.
void transposed_matmul_into(const Matrix& a, const Matrix& b, Matrix& out);
// out ← a · bᵀ without forming bᵀ: (n,k) · (m,k)ᵀ → (n,m), out(i,j) = Σ_p a(i,p) b(j,p)
// summed over p in increasing order. Plain counterpart: matmul(a, transpose(b)), bit for bit.
void matmul_transposed_into(const Matrix& a, const Matrix& b, Matrix& out);

// Two (or more) threads that share out the rows of a result.
//
//   Workers workers(2);
//   workers.for_rows(n, [&](std::size_t begin, std::size_t end) { ... rows begin..end ... });
//
// for_rows splits 0..n into `count()` contiguous ranges, runs the first on the calling
// thread and the others on threads started once in the constructor (starting a thread
// costs tens of microseconds; a training step takes a few hundred), and returns when all
// are done. The function must write only its own rows. Each row is computed exactly as
// it would be with one thread, so results never depend on the number of threads.
// Workers(1) runs everything on the calling thread.
class Workers {
 public:
  explicit Workers(std::size_t threads);
  ~Workers();
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  std::size_t count() const { return helpers_.size() + 1; }
  void for_rows(std::size_t n, const std::function<void(std::size_t, std::size_t)>& work);

 private:
  void helper_loop(std::size_t index);

  std::vector<std::thread> helpers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(std::size_t, std::size_t)>* work_ = nullptr;
  std::size_t n_ = 0;
  // Atomics, so that a thread can spin on them for a few microseconds before it sleeps
  // on a condition variable (waking a sleeping thread costs tens of microseconds, and a
  // training step calls for_rows three times); written under mutex_ all the same.
  std::atomic<std::size_t> generation_{0};  // bumped for each for_rows call
  std::atomic<std::size_t> pending_{0};     // helpers still running the current call
  std::atomic<bool> stop_{false};
};
