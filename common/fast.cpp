// common/fast.cpp: the fast kernels. Contracts are in fast.h; each loop adds its terms in
// the order of the plain operation it replaces, so the numbers are the same bit for bit.
#include "common/fast.h"

#include <array>
#include <chrono>
#include <stdexcept>
#include <utility>
#include <string>

namespace {

void require_product_shapes(const std::string& op, std::size_t a_rows, std::size_t a_cols,
                            std::size_t b_rows, std::size_t b_cols) {
  if (a_cols != b_rows) {
    throw std::invalid_argument(op + ": (" + std::to_string(a_rows) + "x" +
                                std::to_string(a_cols) + ") * (" + std::to_string(b_rows) + "x" +
                                std::to_string(b_cols) + "): left.cols " +
                                std::to_string(a_cols) + " != right.rows " +
                                std::to_string(b_rows));
  }
}

#ifndef FAST_BLOCK
#define FAST_BLOCK 16
#endif
// Columns of the result summed together in registers by sparse_matmul_rows (see below).
constexpr std::size_t kBlock = FAST_BLOCK;

// out keeps its storage when it already has the shape; otherwise it becomes a new one.
void reshape(Matrix& out, std::size_t rows, std::size_t cols) {
  if (out.rows() != rows || out.cols() != cols) out = Matrix(rows, cols);
}

}  // namespace

SparseRows sparse_rows(const Matrix& a) {
  SparseRows s;
  s.rows = a.rows();
  s.cols = a.cols();
  s.row_start.reserve(a.rows() + 1);
  // Count first, so that the entries (millions for MNIST) go in without regrowing.
  std::size_t count = 0;
  for (std::size_t k = 0; k < a.size(); ++k) count += a.data()[k] != 0.0;
  s.column.reserve(count);
  s.value.reserve(count);
  for (std::size_t i = 0; i < a.rows(); ++i) {
    const double* row = a.data() + i * a.cols();
    for (std::size_t j = 0; j < a.cols(); ++j) {
      if (row[j] != 0.0) {
        s.column.push_back(static_cast<std::uint32_t>(j));
        s.value.push_back(row[j]);
      }
    }
    s.row_start.push_back(s.value.size());
  }
  return s;
}

Matrix dense(const SparseRows& a) {
  Matrix d(a.rows, a.cols);
  for (std::size_t i = 0; i < a.rows; ++i)
    for (std::size_t k = a.row_start[i]; k < a.row_start[i + 1]; ++k)
      d(i, a.column[k]) = a.value[k];
  return d;
}

void gather_rows_into(const SparseRows& a, const std::vector<std::size_t>& indices,
                      SparseRows& out) {
  out.rows = indices.size();
  out.cols = a.cols;
  // clear() keeps the capacity: after the first batch, no allocation.
  out.row_start.clear();
  out.column.clear();
  out.value.clear();
  out.row_start.push_back(0);
  for (std::size_t k = 0; k < indices.size(); ++k) {
    const std::size_t i = indices[k];
    if (i >= a.rows) {
      throw std::out_of_range("gather_rows_into: index " + std::to_string(i) + " (position " +
                              std::to_string(k) + ") is outside a set of " +
                              std::to_string(a.rows) + " rows");
    }
    const std::size_t from = a.row_start[i], to = a.row_start[i + 1];
    out.column.insert(out.column.end(), a.column.begin() + from, a.column.begin() + to);
    out.value.insert(out.value.end(), a.value.begin() + from, a.value.begin() + to);
    out.row_start.push_back(out.value.size());
  }
}

void transpose_into(const SparseRows& a, SparseRows& out) {
  out.rows = a.cols;
  out.cols = a.rows;
  // Count the entries of each column of a (each row of aᵀ), then place them: walking a's
  // rows in order puts each row of aᵀ in increasing column order for free.
  out.row_start.assign(a.cols + 1, 0);
  for (const std::uint32_t c : a.column) ++out.row_start[c + 1];
  for (std::size_t p = 0; p < a.cols; ++p) out.row_start[p + 1] += out.row_start[p];
  out.column.resize(a.nonzeros());
  out.value.resize(a.nonzeros());
  std::vector<std::size_t>& next = out.row_start;  // next free slot of row p: row_start[p]
  for (std::size_t i = 0; i < a.rows; ++i) {
    for (std::size_t k = a.row_start[i]; k < a.row_start[i + 1]; ++k) {
      const std::size_t slot = next[a.column[k]]++;
      out.column[slot] = static_cast<std::uint32_t>(i);
      out.value[slot] = a.value[k];
    }
  }
  // Each row_start[p] has moved on to row p's end, which is row p + 1's start: shift back.
  for (std::size_t p = a.cols; p > 0; --p) out.row_start[p] = out.row_start[p - 1];
  out.row_start[0] = 0;
}

namespace {

// out(i, j0 … j0+W−1) for one row i of a sparse a: the W sums live in a local array of
// compile-time size, which the compiler keeps in vector registers across all of the row's
// nonzeros, and are stored once at the end. (Adding straight into out's row would store
// and reload every sum at each nonzero, each add waiting for the previous one's store.)
// Each sum still starts at 0 and takes its terms in increasing p: the same rounding.
template <std::size_t W>
void sparse_row_block(const SparseRows& a, std::size_t i, const double* B, std::size_t m,
                      std::size_t j0, double* c) {
  double acc[W] = {};
  for (std::size_t k = a.row_start[i]; k < a.row_start[i + 1]; ++k) {
    const double aip = a.value[k];
    const double* bp = B + a.column[k] * m + j0;  // b(p, j0 …), contiguous
#pragma GCC unroll 64
    for (std::size_t w = 0; w < W; ++w) acc[w] += aip * bp[w];
  }
  for (std::size_t w = 0; w < W; ++w) c[j0 + w] = acc[w];
}

// sparse_row_block<W> for every width W from 1 to 2·kBlock − 1, picked at run time:
// kRowBlock[W − 1].
using RowBlockFn = void (*)(const SparseRows&, std::size_t, const double*, std::size_t,
                            std::size_t, double*);
template <std::size_t... W>
constexpr std::array<RowBlockFn, sizeof...(W)> row_blocks(std::index_sequence<W...>) {
  return {&sparse_row_block<W + 1>...};
}
constexpr auto kRowBlock = row_blocks(std::make_index_sequence<2 * kBlock - 1>{});

}  // namespace

void sparse_matmul_rows(const SparseRows& a, const Matrix& b, Matrix& out, std::size_t row_begin,
                        std::size_t row_end) {
  require_product_shapes("sparse_matmul", a.rows, a.cols, b.rows(), b.cols());
  if (out.rows() != a.rows || out.cols() != b.cols()) {
    throw std::invalid_argument("sparse_matmul_rows: out is " + out.shape() + ", the product is (" +
                                std::to_string(a.rows) + "x" + std::to_string(b.cols()) + ")");
  }
  const std::size_t m = b.cols();
  const double* B = b.data();
  for (std::size_t i = row_begin; i < row_end; ++i) {
    double* c = out.data() + i * m;
    // matmul's i-p-j order with the zero a(i,p) left out: the same terms in the same order,
    // one block of columns at a time: kBlock wide while more than 2·kBlock remain, then
    // the rest in one block of its exact width (50 = 16 + 16 + 18).
    std::size_t j0 = 0;
    for (; m - j0 >= 2 * kBlock; j0 += kBlock) sparse_row_block<kBlock>(a, i, B, m, j0, c);
    if (j0 < m) kRowBlock[m - j0 - 1](a, i, B, m, j0, c);
  }
}

void sparse_matmul_into(const SparseRows& a, const Matrix& b, Matrix& out) {
  reshape(out, a.rows, b.cols());
  sparse_matmul_rows(a, b, out, 0, a.rows);
}

void matmul_into(const Matrix& a, const Matrix& b, Matrix& out) {
  require_product_shapes("matmul_into", a.rows(), a.cols(), b.rows(), b.cols());
  const std::size_t n = a.rows(), k = a.cols(), m = b.cols();
  reshape(out, n, m);
  out.fill(0.0);
  const double* A = a.data();
  const double* B = b.data();
  double* C = out.data();
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t p = 0; p < k; ++p) {
      const double aip = A[i * k + p];
      for (std::size_t j = 0; j < m; ++j) C[i * m + j] += aip * B[p * m + j];
    }
  }
}

void transposed_matmul_into(const Matrix& a, const Matrix& b, Matrix& out) {
  require_product_shapes("transposed_matmul_into", a.cols(), a.rows(), b.rows(), b.cols());
  const std::size_t n = a.rows(), k = a.cols(), m = b.cols();
  reshape(out, k, m);
  out.fill(0.0);
  const double* A = a.data();
  const double* B = b.data();
  double* C = out.data();
  // i outermost: out(p,j) collects its terms for i = 0, 1, 2, … as matmul(aᵀ, b) does,
  // while the inner loop walks row i of b and row p of out, both contiguous.
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t p = 0; p < k; ++p) {
      const double aip = A[i * k + p];
      for (std::size_t j = 0; j < m; ++j) C[p * m + j] += aip * B[i * m + j];
    }
  }
}

void matmul_transposed_into(const Matrix& a, const Matrix& b, Matrix& out) {
  require_product_shapes("matmul_transposed_into", a.rows(), a.cols(), b.cols(), b.rows());
  const std::size_t n = a.rows(), k = a.cols(), m = b.rows();
  reshape(out, n, m);
  const double* A = a.data();
  const double* B = b.data();
  double* C = out.data();
  // out(i,j) = row i of a · row j of b: two contiguous rows, summed p = 0, 1, 2, …
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < m; ++j) {
      double s = 0.0;
      for (std::size_t p = 0; p < k; ++p) s += A[i * k + p] * B[j * k + p];
      C[i * m + j] = s;
    }
  }
}

Workers::Workers(std::size_t threads) {
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

// Part `part` of `parts` equal contiguous ranges of 0..n.
std::size_t split(std::size_t n, std::size_t part, std::size_t parts) { return n * part / parts; }

// How long a thread spins, checking a flag, before it goes to sleep on a condition variable:
// long enough to cover the gap between two for_rows calls of a training step, short enough
// to leave the core to others (the background evaluation) when no work comes.
constexpr auto kSpin = std::chrono::microseconds(200);

// Spins until done() or kSpin has passed; says whether done() came true.
template <typename Done>
bool spin_until(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (unsigned k = 0;; ++k) {
    if (done()) return true;
    if ((k & 63) == 63 && std::chrono::steady_clock::now() > deadline) return false;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
}

}  // namespace

void Workers::for_rows(std::size_t n, const std::function<void(std::size_t, std::size_t)>& work) {
  const std::size_t parts = count();
  if (parts == 1) {
    work(0, n);
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
  work(0, split(n, 1, parts));  // part 0 on this thread
  if (!spin_until([this] { return pending_.load(std::memory_order_acquire) == 0; })) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
  }
  std::lock_guard<std::mutex> lock(mutex_);
  work_ = nullptr;
}

void Workers::helper_loop(std::size_t index) {
  std::size_t seen = 0;
  for (;;) {
    const std::function<void(std::size_t, std::size_t)>* work;
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
    (*work)(split(n, index, count()), split(n, index + 1, count()));
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pending_.fetch_sub(1, std::memory_order_release);
    }
    done_.notify_one();
  }
}
