// common/matrix.cpp: the Matrix operations. Each one checks shapes first, then loops.
#include "common/matrix.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <stdexcept>

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

Matrix Matrix::row(const std::vector<double>& values) {
  Matrix r(1, values.size());
  for (std::size_t j = 0; j < values.size(); ++j) r.data_[j] = values[j];
  return r;
}

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

// One factor of a product as the kernel reads it: entry (i, p) sits at
// at[i * row_step + p * col_step]. A matrix has row_step = cols, col_step = 1; its
// transpose, read where it lies, has row_step = 1, col_step = cols.
struct Factor {
  const double* at;
  std::size_t rows, cols, row_step, col_step;
};

Factor as_is(const Matrix& a) { return {a.data(), a.rows(), a.cols(), a.cols(), 1}; }
Factor transposed(const Matrix& a) { return {a.data(), a.cols(), a.rows(), 1, a.cols()}; }

// Below this many multiply-adds a product stays on one thread: handing out the work
// would cost more than sharing it saves.
constexpr std::size_t kShareFrom = 1 << 18;

// The entries first[p · step] ≠ 0 of one row of A, p = 0 … k−1: their p go to index and
// their values to value, in order; returns how many. index and value need room for k + 8.
// Without a branch per entry: every entry is written, and the count moves on only past
// those that are not 0 (a branch would guess wrong at every edge of a stroke of ink).
// Where the CPU has 512-bit vector instructions and the row's entries lie side by side,
// eight entries at a time: one compare marks the nonzero ones, and one instruction packs
// them (and their p) to the front of a register that is stored whole; only the first
// `marked` of it count. The same list, five times faster: finding a digit image's ink
// took a third of the time of x·W1.
std::size_t nonzeros(const double* first, std::size_t step, std::size_t k, std::size_t* index,
                     double* value) {
  std::size_t count = 0, p = 0;
#if defined(__AVX512F__)
  const __m512i eight = _mm512_set1_epi64(8);
  __m512i position = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  // Only where the row's entries lie side by side: gathering strided ones costs more than
  // the packing saves (measured).
  for (; step == 1 && p + 8 <= k; p += 8) {
    const __m512d v = _mm512_loadu_pd(first + p);
    const __mmask8 marked = _mm512_cmpneq_pd_mask(v, _mm512_setzero_pd());
    _mm512_storeu_pd(value + count, _mm512_maskz_compress_pd(marked, v));
    _mm512_storeu_si512(index + count, _mm512_maskz_compress_epi64(marked, position));
    count += static_cast<std::size_t>(std::popcount(static_cast<unsigned>(marked)));
    position = _mm512_add_epi64(position, eight);
  }
#endif
  for (; p < k; ++p) {
    const double a = first[p * step];
    index[count] = p;
    value[count] = a;
    count += a != 0.0;
  }
  return count;
}

// C (n,m) = A (n,k) · B (k,m), B row-major. Row i of C is
//   C(i,:) = Σ_p A(i,p) · B(p,:),   p = 0, 1, …, k−1 in order,
// a sum of rows of B (the i-p-j order): the inner loop walks a row of B and a row of C,
// both contiguous, which the compiler turns into vector instructions. The terms with
// A(i,p) = 0 are left out: each would add 0·B(p,j) = ±0, and s + ±0 = s, so the sum
// keeps every bit (most pixels of a handwritten digit are 0).
Matrix product(const std::string& op, const Factor& a, const std::string& a_shape,
               const Matrix& b) {
  if (a.cols != b.rows()) {
    throw std::invalid_argument(
        op + ": " + a_shape + " * " + b.shape() + ": left.cols " + std::to_string(a.cols) +
        " != right.rows " + std::to_string(b.rows()) +
        (a.rows == b.rows() && a.cols == b.cols()
             ? ". HINT: for an elementwise product use hadamard(a, b)"
         : a.rows == b.rows() ? ". HINT: did you mean transpose(a) * b?"
         : a.cols == b.cols() ? ". HINT: did you mean a * transpose(b)?"
                              : ""));
  }
  const std::size_t n = a.rows, k = a.cols, m = b.cols();
  Matrix c(n, m);
  const double* A = a.at;
  const std::size_t row_step = a.row_step, col_step = a.col_step;
  const double* B = b.data();
  double* C = c.data();
  const auto rows = [&](std::size_t begin, std::size_t end) {
    // Row i's nonzero terms: A(i, p[q]) = v[q]. (Plain pointers into the vectors: the
    // checked build's bounds checks stay out of the innermost loop.)
    std::vector<std::size_t> index(k + 8);
    std::vector<double> value(k + 8);
    std::size_t* p = index.data();
    double* v = value.data();
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t count = nonzeros(A + i * row_step, col_step, k, p, v);
      double* ci = C + i * m;
      std::size_t q = 0;
      // Eight rows of B per pass over C's row: one load and store of C(i,j) instead of
      // eight, the eight terms still added one after the other, in the order of p.
      for (; q + 8 <= count; q += 8) {
        // Local copies: C's row is written below, and the compiler must otherwise assume
        // that a write to it might change v.
        const double* row[8];
        double a8[8];
        for (std::size_t e = 0; e < 8; ++e) {
          row[e] = B + p[q + e] * m;
          a8[e] = v[q + e];
        }
        for (std::size_t j = 0; j < m; ++j) {
          double s = ci[j];
          for (std::size_t e = 0; e < 8; ++e) s += a8[e] * row[e][j];
          ci[j] = s;
        }
      }
      for (; q < count; ++q) {
        const double* bq = B + p[q] * m;
        const double aq = v[q];
        for (std::size_t j = 0; j < m; ++j) ci[j] += aq * bq[j];
      }
    }
  };
  // Each row of C is one thread's, computed the same way whichever thread it is: the
  // result does not depend on the number of cores.
  parallel_rows(n, rows, n * k * m < kShareFrom ? n : 1);
  return c;
}

}  // namespace

Matrix operator*(const Matrix& a, const Matrix& b) {
  return product("matmul", as_is(a), a.shape(), b);
}

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
  // xᵀ·d, the weight gradient's product: Aᵀ(i,p) = A(p,i) is read from A itself, a column
  // at a time; the copy Aᵀ would cost an allocation and a pass over all of A.
  return product("matmul", transposed(a.of()), "transpose " + a.shape(), b);
}

Matrix operator*(const Matrix& a, const Transposed& b) {
  // d·Wᵀ: the kernel walks rows of its right factor, so Bᵀ is copied once, here; that is
  // k·m copies against n·k·m multiply-adds.
  return product("matmul", as_is(a), a.shape(), Matrix(b));
}

Matrix operator*(const Transposed& a, const Transposed& b) {
  return product("matmul", transposed(a.of()), "transpose " + a.shape(), Matrix(b));
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
