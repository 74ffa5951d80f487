// common/matrix.h: the workbook's one data type, a small dense matrix of double.
//
// Read this file once before chapter 1; every chapter computes with it.
//
//   Matrix A(2, 3);                    // 2 rows, 3 columns, all zero
//   Matrix B = {{1, 2, 3}, {4, 5, 6}}; // rows of values
//   A(1, 2) = 7;                       // row 1, column 2 (both from 0)
//   Matrix C = B * transpose(B);       // (2x3) * (3x2) -> (2x2): the matrix product, and only that
//   Matrix D = hadamard(A, B);         // elementwise product has a name of its own
//   Matrix E = gather_rows(B, {1, 1}); // rows 1 and 1 of B: the book's x[[1, 1]]
//
// Storage is row-major and contiguous: entry (i, j) sits at data()[i * cols() + j].
// Every operation returns a new Matrix and leaves its inputs alone, except the
// compound assignments (+=, -=, *=) whose names say they change the left side.
// A shape mismatch throws std::invalid_argument naming both shapes. In the checked
// build (the learner's, `make check`) A(i, j) also checks its indices and throws
// std::out_of_range; the reference build leaves that check out for speed.
//
// The product is the one operation that costs: n·k·m multiply-adds against n·m for the
// others. It is written to be fast without changing a single bit of its result (see
// matrix.cpp): it skips the terms whose left factor is 0, reads a transposed factor where
// it lies instead of copying it, and shares the rows of a large result between the cores.
#pragma once

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <vector>

class Matrix {
 public:
  // A 0x0 matrix; assign to it later.
  Matrix() = default;
  // rows x cols, every entry 0.0.
  Matrix(std::size_t rows, std::size_t cols);
  // rows x cols, every entry `value`.
  Matrix(std::size_t rows, std::size_t cols, double value);
  // From rows of values: Matrix{{1, 2}, {3, 4}}. All rows must have the same length.
  Matrix(std::initializer_list<std::initializer_list<double>> rows);
  // rows x cols from `values`, row after row, taken over without a copy (numpy's
  // reshape of a flat array). Throws std::invalid_argument unless it holds rows·cols.
  Matrix(std::size_t rows, std::size_t cols, std::vector<double> values);

  // A 1xN matrix (a row vector) from values: Matrix::row({1, 2, 3}).
  static Matrix row(const std::vector<double>& values);

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  // rows() * cols(): the number of entries.
  std::size_t size() const { return data_.size(); }
  // "(2x3)": how every error message writes a shape.
  std::string shape() const;
  bool same_shape(const Matrix& other) const {
    return rows_ == other.rows_ && cols_ == other.cols_;
  }

  // Entry at row i, column j, counted from 0.
#ifdef MATRIX_CHECKED
  double& operator()(std::size_t i, std::size_t j) { return data_[checked_index(i, j)]; }
  double operator()(std::size_t i, std::size_t j) const { return data_[checked_index(i, j)]; }
#else
  double& operator()(std::size_t i, std::size_t j) { return data_[i * cols_ + j]; }
  double operator()(std::size_t i, std::size_t j) const { return data_[i * cols_ + j]; }
#endif

  // The entries, row after row. For loops that walk every entry once.
  double* data() { return data_.data(); }
  const double* data() const { return data_.data(); }

  // Set every entry to `value`.
  void fill(double value);

  // In place, entry by entry: this ← this + other, this ← this − other, this ← s · this.
  Matrix& operator+=(const Matrix& other);
  Matrix& operator-=(const Matrix& other);
  Matrix& operator*=(double s);

  // Exact equality of shape and every entry (bit-for-bit for ordinary numbers).
  bool operator==(const Matrix& other) const = default;

 private:
  std::size_t checked_index(std::size_t i, std::size_t j) const;

  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::vector<double> data_;
};

// The matrix product: A (n,k) · B (k,m) → (n,m), C(i,j) = Σ_p A(i,p) B(p,j), each sum
// taken in the order p = 0, 1, …, k−1. (The terms with A(i,p) = 0 are skipped: they add
// ±0, which changes no sum, unless B holds an inf or a NaN, where 0·inf would be NaN.)
// `*` between two matrices means only this product (its shape errors call it matmul).
Matrix operator*(const Matrix& a, const Matrix& b);

// Aᵀ, the transpose of a: (n,m) → (m,n), Aᵀ(j,i) = A(i,j), as a view that copies nothing.
// Multiplied at once, transpose(x) * d or d * transpose(W) reads a's entries where they
// lie and gives (Aᵀ as a matrix) * d bit for bit. Stored, `Matrix t = transpose(a)`
// makes the (m,n) copy. The view refers to a, so a must outlive it; transpose of a
// temporary therefore returns the copy at once.
class Transposed {
 public:
  explicit Transposed(const Matrix& a) : a_(a) {}
  const Matrix& of() const { return a_; }  // the matrix it is the transpose of
  std::size_t rows() const;
  std::size_t cols() const;
  std::string shape() const;  // "(3x2)": the transpose's shape
  operator Matrix() const;    // the copy: a (cols x rows) Matrix

 private:
  const Matrix& a_;
};
Transposed transpose(const Matrix& a);
Matrix transpose(Matrix&& a);
// Aᵀ·B, A·Bᵀ and Aᵀ·Bᵀ, each as the product of the copies would be, without the copies.
Matrix operator*(const Transposed& a, const Matrix& b);
Matrix operator*(const Matrix& a, const Transposed& b);
Matrix operator*(const Transposed& a, const Transposed& b);

// The rows `rows` of a, in that order (repeats repeated): (rows.size(), a.cols()), row k
// a copy of a's row rows[k]. numpy's a[rows], as in the book's x_train[batch_mask].
// Throws std::out_of_range naming the first index that is ≥ a.rows().
Matrix gather_rows(const Matrix& a, const std::vector<std::size_t>& rows);
// The rows begin … end−1 of a, in order: gather_rows with those indices, numpy's
// a[begin:end]. Throws std::out_of_range unless begin ≤ end ≤ a.rows().
Matrix row_range(const Matrix& a, std::size_t begin, std::size_t end);

// Elementwise, same shapes: (a + b)(i,j) = a(i,j) + b(i,j); likewise −.
Matrix operator+(const Matrix& a, const Matrix& b);
Matrix operator-(const Matrix& a, const Matrix& b);
// Elementwise product, same shapes: hadamard(a, b)(i,j) = a(i,j) · b(i,j).
Matrix hadamard(const Matrix& a, const Matrix& b);
// Every entry times s.
Matrix operator*(double s, const Matrix& a);
Matrix operator*(const Matrix& a, double s);
// Every entry negated.
Matrix operator-(const Matrix& a);

// The bias: a (n,m) + row (1,m) → (n,m), the same row added to every row of a.
Matrix add_row_vector(const Matrix& a, const Matrix& row);

// Σ of all entries.
double sum(const Matrix& a);
// (n,m) → (n,1): the sum of each row.
Matrix row_sums(const Matrix& a);
// (n,m) → (1,m): the sum of each column (down the batch, as a bias gradient needs).
Matrix column_sums(const Matrix& a);
// (n,m) → (n,1): the largest entry of each row. Needs m ≥ 1.
Matrix row_max(const Matrix& a);
// The column of the largest entry of each row (the first one on ties). Needs m ≥ 1.
std::vector<std::size_t> row_argmax(const Matrix& a);

// A new matrix with f applied to every entry: apply(a, f)(i,j) = f(a(i,j)). f is any
// function of a double, a lambda most often: apply is a template so that the compiler
// can put f's body right into the loop instead of calling it for every entry.
template <typename F>
Matrix apply(const Matrix& a, F f) {
  Matrix c = a;
  double* v = c.data();
  for (std::size_t k = 0; k < c.size(); ++k) v[k] = f(v[k]);
  return c;
}

// max over entries of |a(i,j) − b(i,j)|; same shapes.
double max_abs_diff(const Matrix& a, const Matrix& b);

// Prints "[[1, 2], [3, 4]]" with up to 8 significant digits, as numpy would show it.
std::ostream& operator<<(std::ostream& os, const Matrix& a);
