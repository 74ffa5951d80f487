// common/matrix.cpp: the Matrix operations. Each one checks shapes first, then loops.
#include "common/matrix.h"

#include <cmath>
#include <cstdio>
#include <ostream>
#include <stdexcept>

namespace {

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

Matrix matmul(const Matrix& a, const Matrix& b) {
  if (a.cols() != b.rows()) {
    shape_error("matmul", a, b,
                "left.cols " + std::to_string(a.cols()) + " != right.rows " +
                    std::to_string(b.rows()),
                a.same_shape(b) ? "for an elementwise product use hadamard(a, b)"
                : a.rows() == b.rows()
                    ? "did you mean transpose(a) * b?"
                    : (a.cols() == b.cols() ? "did you mean a * transpose(b)?" : ""));
  }
  const std::size_t n = a.rows(), k = a.cols(), m = b.cols();
  Matrix c(n, m);
  const double* A = a.data();
  const double* B = b.data();
  double* C = c.data();
  // i-p-j order: the inner loop walks a row of B and a row of C, both contiguous,
  // so it streams through memory instead of striding down B's columns.
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t p = 0; p < k; ++p) {
      const double aip = A[i * k + p];
      // Most MNIST pixels are 0, and 0·b adds nothing: skipping those rows of B makes
      // x·W1 about 5× faster and changes no bit of the result (s + 0 = s) while B is
      // finite.
      if (aip == 0.0) continue;
      for (std::size_t j = 0; j < m; ++j) C[i * m + j] += aip * B[p * m + j];
    }
  }
  return c;
}

Matrix operator*(const Matrix& a, const Matrix& b) { return matmul(a, b); }

Matrix transpose(const Matrix& a) {
  Matrix t(a.cols(), a.rows());
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j) t.data()[j * a.rows() + i] = a.data()[i * a.cols() + j];
  return t;
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

Matrix apply(const Matrix& a, const std::function<double(double)>& f) {
  Matrix c = a;
  for (std::size_t k = 0; k < c.size(); ++k) c.data()[k] = f(c.data()[k]);
  return c;
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
