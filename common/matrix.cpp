// common/matrix.cpp: the Matrix operations. Each one checks shapes first, then loops.
#include "common/matrix.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "common/parallel.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace {

#if defined(__GLIBC__)
// A net allocates and frees the same few matrices at every step. glibc hands freed memory
// back to the operating system as soon as 128 KB lie free at the top of the heap (or maps
// a large block fresh for every request), and the next step takes it back a page at a
// time: each page costs the kernel microseconds (10 µs on our virtual machine), which for
// a batch's 627 KB is more than the step's arithmetic. These two settings make glibc keep
// what it has; the memory a program holds at its largest is the same.
const bool kept_freed_memory = [] {
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  return true;
}();
#endif

// Every shape error reads "op: (2x3) and (4x1): what is wrong. HINT: ...".
[[noreturn]] void shape_error(const std::string& op, const Matrix& a, const Matrix& b,
                              const std::string& problem, const std::string& hint = "") {
  std::string message = op + ": " + a.shape() + " and " + b.shape() + ": " + problem;
  if (!hint.empty()) message += ". HINT: " + hint;
  throw std::invalid_argument(message);
}

void require_same_shape(const std::string& op, const Matrix& a, const Matrix& b) {
  if (!a.same_shape(b)) {
    shape_error(op, a, b, "elementwise operations need equal shapes",
                a.cols() == b.cols() && b.rows() == 1
                    ? "to add a row to every row (a bias) use add_row_vector(a, row)"
                    : "");
  }
}

void require_columns(const std::string& op, const Matrix& a) {
  if (a.cols() == 0) throw std::invalid_argument(op + ": " + a.shape() + " has no columns");
}

}  // namespace

Matrix::Matrix(std::size_t rows, std::size_t cols) : Matrix(rows, cols, 0.0) {}

Matrix::Matrix(std::size_t rows, std::size_t cols, double value)
    : rows_(rows), cols_(cols), data_(rows * cols, value) {}

Matrix::Matrix(std::initializer_list<std::initializer_list<double>> rows)
    : rows_(rows.size()), cols_(rows.size() == 0 ? 0 : rows.begin()->size()) {
  data_.reserve(rows_ * cols_);
  std::size_t i = 0;
  for (const auto& row : rows) {
    if (row.size() != cols_) {
      throw std::invalid_argument("Matrix{{...}}: row 0 has " + std::to_string(cols_) +
                                  " values but row " + std::to_string(i) + " has " +
                                  std::to_string(row.size()) +
                                  ". HINT: every row needs the same number of values");
    }
    data_.insert(data_.end(), row.begin(), row.end());
    ++i;
  }
}

Matrix::Matrix(std::size_t rows, std::size_t cols, std::vector<double> values)
    : rows_(rows), cols_(cols), data_(std::move(values)) {
  if (data_.size() != rows_ * cols_) {
    throw std::invalid_argument("Matrix(" + std::to_string(rows_) + ", " + std::to_string(cols_) +
                                ", values): " + std::to_string(data_.size()) +
                                " values cannot fill a " + shape() + " matrix of " +
                                std::to_string(rows_ * cols_));
  }
}

Matrix Matrix::row(const std::vector<double>& values) { return Matrix(1, values.size(), values); }

std::string Matrix::shape() const {
  return "(" + std::to_string(rows_) + "x" + std::to_string(cols_) + ")";
}

std::size_t Matrix::checked_index(std::size_t i, std::size_t j) const {
  if (i >= rows_ || j >= cols_) {
    throw std::out_of_range("Matrix(" + std::to_string(i) + ", " + std::to_string(j) +
                            ") is outside a " + shape() + " matrix: rows go 0.." +
                            (rows_ ? std::to_string(rows_ - 1) : "(none)") + ", columns 0.." +
                            (cols_ ? std::to_string(cols_ - 1) : "(none)"));
  }
  return i * cols_ + j;
}

void Matrix::fill(double value) {
  for (double& v : data_) v = value;
}

Matrix& Matrix::operator+=(const Matrix& other) {
  require_same_shape("operator+=", *this, other);
  for (std::size_t k = 0; k < data_.size(); ++k) data_[k] += other.data_[k];
  return *this;
}

Matrix& Matrix::operator-=(const Matrix& other) {
  require_same_shape("operator-=", *this, other);
  for (std::size_t k = 0; k < data_.size(); ++k) data_[k] -= other.data_[k];
  return *this;
}

Matrix& Matrix::operator*=(double s) {
  for (double& v : data_) v *= s;
  return *this;
}

namespace {

// Below this many multiply-adds a product stays on one thread: handing out the work
// would cost more than sharing it saves.
constexpr std::size_t kShareFrom = 1 << 18;

// The entries first[0 … k−1] that are not 0: their positions go to index and their values
// to value, in order; returns how many. index and value need room for k + 8.
// Without a branch per entry: every entry is written, and the count moves on only past
// those that are not 0 (a branch would guess wrong at every edge of a stroke of ink).
// Where the CPU has 512-bit vector instructions, eight entries at a time: one compare
// marks the nonzero ones, and one instruction packs them (and their positions) to the
// front of a register that is stored whole; only the first `marked` of it count. The same
// list, five times faster: finding a digit image's ink took a third of the time of x·W1.
std::size_t nonzeros(const double* first, std::size_t k, std::size_t* index, double* value) {
  std::size_t count = 0, p = 0;
#if defined(__AVX512F__)
  const __m512i eight = _mm512_set1_epi64(8);
  __m512i position = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  for (; p + 8 <= k; p += 8) {
    const __m512d v = _mm512_loadu_pd(first + p);
    const __mmask8 marked = _mm512_cmpneq_pd_mask(v, _mm512_setzero_pd());
    // Blank stretches (the margins of a digit) are the common case: nothing to pack.
    if (marked != 0) {
      _mm512_storeu_pd(value + count, _mm512_maskz_compress_pd(marked, v));
      _mm512_storeu_si512(index + count, _mm512_maskz_compress_epi64(marked, position));
      count += static_cast<std::size_t>(std::popcount(static_cast<unsigned>(marked)));
    }
    position = _mm512_add_epi64(position, eight);
  }
#endif
  for (; p < k; ++p) {
    const double a = first[p];
    index[count] = p;
    value[count] = a;
    count += a != 0.0;
  }
  return count;
}

// Eight doubles that the compiler keeps in one vector register (two or four smaller ones
// on a CPU without 512-bit registers): GCC's and Clang's vector extension. s += a * b on
// Lanes is eight multiplications and eight additions, each rounded exactly as the same
// operation on one double, so a sum of Lanes keeps every bit of the plain loop's sums.
using Lanes = double __attribute__((vector_size(64)));
constexpr std::size_t kLanes = 8;

// Lanes from and to memory that need not be aligned. (By reference: how a function
// returns a vector by value depends on the CPU's registers, and the compiler warns.)
void load(Lanes& v, const double* at) { std::memcpy(&v, at, sizeof v); }
void store(double* at, const Lanes& v) { std::memcpy(at, &v, sizeof v); }

// A row of the result is computed a tile of up to 64 columns (8 Lanes) at a time: the
// tile's sums fit in the CPU's registers and stay there from the first term to the last,
// where summing into the row in memory would load and store every sum at every term.
// A tile is V whole Lanes from column j0 and, if Tail, the columns after them up to the
// row's end m, taken as the eight columns that end the row. Those eight may include some
// of the tile's V Lanes (or, with V = 0, of the tile before): their sums are computed
// twice, by the same operations in the same order, so both give the same bits. Needs m ≥ 8.
template <std::size_t V, bool Tail>
struct Tile {
  static constexpr std::size_t kUsed = V + (Tail ? 1 : 0);  // Lanes of sums

  // The column where Lanes u of the tile starts.
  static std::size_t column(std::size_t u, std::size_t j0, std::size_t m) {
    return u < V ? j0 + kLanes * u : m - kLanes;
  }

  // Row i of C = A·B, on this tile: C(i,j) = Σ_q a[q]·B(p[q], j), q = 0 … count−1, the
  // nonzero entries A(i, p[q]) = a[q] of row i in the order of p.
  static void row_times(const std::size_t* p, const double* a, std::size_t count,
                        const double* B, std::size_t m, std::size_t j0, double* c) {
    Lanes s[kUsed] = {};
    for (std::size_t q = 0; q < count; ++q) {
      const double* b = B + p[q] * m;
#pragma GCC unroll 9
      for (std::size_t u = 0; u < kUsed; ++u) {
        Lanes bu;
        load(bu, b + column(u, j0, m));
        s[u] += a[q] * bu;
      }
    }
    // Whole Lanes, the tail too: where it overlaps, it holds the very same sums.
#pragma GCC unroll 9
    for (std::size_t u = 0; u < kUsed; ++u) store(c + column(u, j0, m), s[u]);
  }
};

// kTiles[V][Tail]: a tile has at most 64 columns, so 8 whole Lanes come without a tail.
using TileKernel = void (*)(const std::size_t*, const double*, std::size_t, const double*,
                            std::size_t, std::size_t, double*);
template <std::size_t V, bool Tail>
constexpr TileKernel kKernel = &Tile<V, Tail>::row_times;
constexpr TileKernel kTiles[9][2] = {
    {nullptr, kKernel<0, true>},          {kKernel<1, false>, kKernel<1, true>},
    {kKernel<2, false>, kKernel<2, true>}, {kKernel<3, false>, kKernel<3, true>},
    {kKernel<4, false>, kKernel<4, true>}, {kKernel<5, false>, kKernel<5, true>},
    {kKernel<6, false>, kKernel<6, true>}, {kKernel<7, false>, kKernel<7, true>},
    {kKernel<8, false>, nullptr}};
constexpr std::size_t kTile = 8 * kLanes;

// Row i of C = A·B from its nonzero terms A(i, p[q]) = v[q], q = 0 … count−1 in the order
// of p: C(i,:) = Σ_q v[q]·B(p[q],:), into c, C's row i (all zeros before).
void row_of_product(const std::size_t* p, const double* v, std::size_t count, const double* B,
                    std::size_t m, double* c) {
  if (m < kLanes) {  // too narrow for Lanes
    for (std::size_t q = 0; q < count; ++q)
      for (std::size_t j = 0; j < m; ++j) c[j] += v[q] * B[p[q] * m + j];
    return;
  }
  for (std::size_t j0 = 0; j0 < m; j0 += kTile) {
    const std::size_t w = std::min(kTile, m - j0);
    kTiles[w / kLanes][w % kLanes != 0](p, v, count, B, m, j0, c);
  }
}

// Refuses a product whose inner sizes differ, with what was probably meant.
void check_inner_sizes(const std::string& a_shape, std::size_t a_rows, std::size_t a_cols,
                       const Matrix& b) {
  if (a_cols == b.rows()) return;
  throw std::invalid_argument(
      "matmul: " + a_shape + " * " + b.shape() + ": left.cols " + std::to_string(a_cols) +
      " != right.rows " + std::to_string(b.rows()) +
      (a_rows == b.rows() && a_cols == b.cols() ? ". HINT: for an elementwise product use hadamard(a, b)"
       : a_rows == b.rows()                     ? ". HINT: did you mean transpose(a) * b?"
       : a_cols == b.cols()                     ? ". HINT: did you mean a * transpose(b)?"
                                                : ""));
}

// Each row of C is one thread's, computed the same way whichever thread it is: the
// result does not depend on the number of cores. Small products stay on one thread.
void share_rows(std::size_t n, std::size_t k, std::size_t m,
                const std::function<void(std::size_t, std::size_t)>& rows) {
  parallel_rows(n, rows, n * k * m < kShareFrom ? n : 1);
}

// C (n,m) = A (n,k) · B (k,m), C(i,j) = Σ_p A(i,p)·B(p,j), p = 0, 1, …, k−1 in order.
// Row i of C is a sum of rows of B, Σ_p A(i,p)·B(p,:). The terms with A(i,p) = 0 are
// left out: each would add 0·B(p,j) = ±0, and s + ±0 = s, so every sum keeps its bits
// (most pixels of a handwritten digit are 0).
Matrix product(const Matrix& a, const std::string& a_shape, const Matrix& b) {
  check_inner_sizes(a_shape, a.rows(), a.cols(), b);
  const std::size_t n = a.rows(), k = a.cols(), m = b.cols();
  Matrix c(n, m);
  const double* A = a.data();
  const double* B = b.data();
  double* C = c.data();
  share_rows(n, k, m, [&](std::size_t begin, std::size_t end) {
    // Row i's nonzero terms: A(i, p[q]) = v[q].
    std::vector<std::size_t> index(k + kLanes);
    std::vector<double> value(k + kLanes);
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t count = nonzeros(A + i * k, k, index.data(), value.data());
      row_of_product(index.data(), value.data(), count, B, m, C + i * m);
    }
  });
  return c;
}

// C (n,m) = Aᵀ · B for A (k,n) read where it lies: C(i,j) = Σ_p A(p,i)·B(p,j), p = 0, 1,
// …, k−1 in order, as the product of the copy Aᵀ would sum. Row i of C needs column i of
// A, whose entries lie a row of A apart, each in another cache line. So A's nonzero
// entries are first sorted by column, reading A a row at a time, in order (a counting
// sort: count each column's entries, then put each where its column's list begins); each
// row of C is then summed as a row of A·B is, from its column's list, in the order of p.
Matrix product_transposed(const Matrix& a, const Matrix& b) {
  check_inner_sizes("transpose " + transpose(a).shape(), a.cols(), a.rows(), b);
  const std::size_t n = a.cols(), k = a.rows(), m = b.cols();
  Matrix c(n, m);
  const double* A = a.data();
  const double* B = b.data();
  double* C = c.data();
  share_rows(n, k, m, [&](std::size_t begin, std::size_t end) {
    // The rows begin … end−1 of C are this thread's: it reads only those columns of A.
    const std::size_t width = end - begin;
    std::vector<std::size_t> index(width + kLanes);
    std::vector<double> value(width + kLanes);
    const auto row_p = [&](std::size_t p) {
      return nonzeros(A + p * n + begin, width, index.data(), value.data());
    };
    // Column c's entries go to first[c] … first[c + 1] − 1 of p_of (their p) and v_of.
    std::vector<std::size_t> first(width + 1, 0);
    for (std::size_t p = 0; p < k; ++p) {
      const std::size_t count = row_p(p);
      for (std::size_t q = 0; q < count; ++q) ++first[index[q] + 1];
    }
    for (std::size_t col = 0; col < width; ++col) first[col + 1] += first[col];
    std::vector<std::size_t> p_of(first[width]), next(first.begin(), first.end() - 1);
    std::vector<double> v_of(first[width]);
    for (std::size_t p = 0; p < k; ++p) {
      const std::size_t count = row_p(p);
      for (std::size_t q = 0; q < count; ++q) {
        const std::size_t at = next[index[q]]++;
        p_of[at] = p;
        v_of[at] = value[q];
      }
    }
    for (std::size_t col = 0; col < width; ++col) {
      row_of_product(p_of.data() + first[col], v_of.data() + first[col],
                     first[col + 1] - first[col], B, m, C + (begin + col) * m);
    }
  });
  return c;
}

}  // namespace

Matrix operator*(const Matrix& a, const Matrix& b) { return product(a, a.shape(), b); }

std::size_t Transposed::rows() const { return a_.cols(); }
std::size_t Transposed::cols() const { return a_.rows(); }
std::string Transposed::shape() const {
  return "(" + std::to_string(rows()) + "x" + std::to_string(cols()) + ")";
}

Transposed::operator Matrix() const {
  Matrix t(rows(), cols());
  for (std::size_t i = 0; i < a_.rows(); ++i)
    for (std::size_t j = 0; j < a_.cols(); ++j) t.data()[j * a_.rows() + i] = a_.data()[i * a_.cols() + j];
  return t;
}

Transposed transpose(const Matrix& a) { return Transposed(a); }
Matrix transpose(Matrix&& a) { return Matrix(Transposed(a)); }

Matrix operator*(const Transposed& a, const Matrix& b) {
  // xᵀ·d, the weight gradient's product, without the copy xᵀ (an allocation and a pass
  // over all of x).
  return product_transposed(a.of(), b);
}

Matrix operator*(const Matrix& a, const Transposed& b) {
  // d·Wᵀ: the kernel walks rows of its right factor, so Bᵀ is copied once, here; that is
  // k·m copies against n·k·m multiply-adds.
  return product(a, a.shape(), Matrix(b));
}

Matrix operator*(const Transposed& a, const Transposed& b) {
  return product_transposed(a.of(), Matrix(b));
}

Matrix gather_rows(const Matrix& a, const std::vector<std::size_t>& rows) {
  const std::size_t d = a.cols();
  Matrix g(rows.size(), d);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    if (rows[k] >= a.rows()) {
      throw std::out_of_range("gather_rows: index " + std::to_string(rows[k]) + " (position " +
                              std::to_string(k) + ") is outside a " + a.shape() +
                              " matrix: rows go 0.." +
                              (a.rows() ? std::to_string(a.rows() - 1) : "(none)"));
    }
    // Rows are contiguous: row r is the d values from data() + r·d.
    const double* from = a.data() + rows[k] * d;
    std::copy(from, from + d, g.data() + k * d);
  }
  return g;
}

Matrix row_range(const Matrix& a, std::size_t begin, std::size_t end) {
  if (begin > end || end > a.rows()) {
    throw std::out_of_range("row_range: rows " + std::to_string(begin) + ".." +
                            std::to_string(end) + " (end excluded) are not within a " +
                            a.shape() + " matrix");
  }
  Matrix r(end - begin, a.cols());
  std::copy(a.data() + begin * a.cols(), a.data() + end * a.cols(), r.data());
  return r;
}

Matrix operator+(const Matrix& a, const Matrix& b) {
  require_same_shape("operator+", a, b);
  Matrix c = a;
  c += b;
  return c;
}

Matrix operator-(const Matrix& a, const Matrix& b) {
  require_same_shape("operator-", a, b);
  Matrix c = a;
  c -= b;
  return c;
}

Matrix hadamard(const Matrix& a, const Matrix& b) {
  require_same_shape("hadamard", a, b);
  Matrix c = a;
  for (std::size_t k = 0; k < c.size(); ++k) c.data()[k] *= b.data()[k];
  return c;
}

Matrix operator*(double s, const Matrix& a) {
  Matrix c = a;
  c *= s;
  return c;
}

Matrix operator*(const Matrix& a, double s) { return s * a; }

Matrix operator-(const Matrix& a) { return -1.0 * a; }

Matrix add_row_vector(const Matrix& a, const Matrix& row) {
  if (row.rows() != 1 || row.cols() != a.cols()) {
    shape_error("add_row_vector", a, row,
                "the row must be (1x" + std::to_string(a.cols()) + ")",
                row.cols() == 1 && row.rows() == a.cols() ? "pass transpose(row)" : "");
  }
  Matrix c = a;
  for (std::size_t i = 0; i < c.rows(); ++i)
    for (std::size_t j = 0; j < c.cols(); ++j) c.data()[i * c.cols() + j] += row.data()[j];
  return c;
}

double sum(const Matrix& a) {
  double s = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) s += a.data()[k];
  return s;
}

Matrix row_sums(const Matrix& a) {
  Matrix s(a.rows(), 1);
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j) s.data()[i] += a.data()[i * a.cols() + j];
  return s;
}

Matrix column_sums(const Matrix& a) {
  Matrix s(1, a.cols());
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j) s.data()[j] += a.data()[i * a.cols() + j];
  return s;
}

Matrix row_max(const Matrix& a) {
  require_columns("row_max", a);
  Matrix m(a.rows(), 1);
  for (std::size_t i = 0; i < a.rows(); ++i) {
    const double* row = a.data() + i * a.cols();
    double best = row[0];
    for (std::size_t j = 1; j < a.cols(); ++j)
      if (row[j] > best) best = row[j];
    m.data()[i] = best;
  }
  return m;
}

std::vector<std::size_t> row_argmax(const Matrix& a) {
  require_columns("row_argmax", a);
  std::vector<std::size_t> idx(a.rows(), 0);
  for (std::size_t i = 0; i < a.rows(); ++i) {
    const double* row = a.data() + i * a.cols();
    // Strictly greater: the first of equal maxima wins, as numpy's argmax does.
    for (std::size_t j = 1; j < a.cols(); ++j)
      if (row[j] > row[idx[i]]) idx[i] = j;
  }
  return idx;
}

double max_abs_diff(const Matrix& a, const Matrix& b) {
  require_same_shape("max_abs_diff", a, b);
  double worst = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) worst = std::fmax(worst, std::fabs(a.data()[k] - b.data()[k]));
  return worst;
}

std::ostream& operator<<(std::ostream& os, const Matrix& a) {
  char buf[32];
  os << '[';
  for (std::size_t i = 0; i < a.rows(); ++i) {
    os << (i ? ", [" : "[");
    for (std::size_t j = 0; j < a.cols(); ++j) {
      std::snprintf(buf, sizeof buf, "%.8g", a.data()[i * a.cols() + j]);
      os << (j ? ", " : "") << buf;
    }
    os << ']';
  }
  return os << ']';
}
