// chapters/09_making_it_fast/kernels_given.cpp: the ready-made parts of kernels.h: moving
// sparse rows about, the padded float table, and exp on 16 floats at once.
#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "chapters/09_making_it_fast/kernels.h"

Matrix dense(const SparseRows& a) {
  Matrix m(a.rows, a.cols);
  for (std::size_t i = 0; i < a.rows; ++i)
    for (std::size_t k = a.row_start[i]; k < a.row_start[i + 1]; ++k)
      m(i, a.column[k]) = a.value[k];
  return m;
}

SparseFloats to_floats(const SparseRows& a) {
  SparseFloats f;
  f.rows = a.rows;
  f.cols = a.cols;
  f.row_start = a.row_start;
  f.column = a.column;
  f.value.assign(a.value.begin(), a.value.end());  // each double rounded to the nearest float
  return f;
}

namespace {

// Appends row i of a to out (whose row count the caller keeps).
template <typename T>
void append_row(const SparseRowsOf<T>& a, std::size_t i, SparseRowsOf<T>& out) {
  const auto from = static_cast<std::ptrdiff_t>(a.row_start[i]);
  const auto to = static_cast<std::ptrdiff_t>(a.row_start[i + 1]);
  out.column.insert(out.column.end(), a.column.begin() + from, a.column.begin() + to);
  out.value.insert(out.value.end(), a.value.begin() + from, a.value.begin() + to);
  out.row_start.push_back(out.value.size());
}

// Empties out, keeping its storage, for rows of a's width.
template <typename T>
void start_rows(const SparseRowsOf<T>& a, std::size_t rows, SparseRowsOf<T>& out) {
  out.rows = rows;
  out.cols = a.cols;
  out.row_start.assign(1, 0);
  out.column.clear();
  out.value.clear();
}

}  // namespace

template <typename T>
void gather_rows(const SparseRowsOf<T>& a, const std::vector<std::size_t>& indices,
                 SparseRowsOf<T>& out) {
  for (std::size_t k = 0; k < indices.size(); ++k) {
    if (indices[k] >= a.rows) {
      throw std::out_of_range("gather_rows: index " + std::to_string(indices[k]) + " (position " +
                              std::to_string(k) + ") is outside a set of " +
                              std::to_string(a.rows) + " rows");
    }
  }
  start_rows(a, indices.size(), out);
  for (const std::size_t i : indices) append_row(a, i, out);
}

template <typename T>
void copy_rows(const SparseRowsOf<T>& a, std::size_t begin, std::size_t end, SparseRowsOf<T>& out) {
  if (begin > end || end > a.rows) {
    throw std::out_of_range("copy_rows: rows " + std::to_string(begin) + ".." +
                            std::to_string(end) + " of a set of " + std::to_string(a.rows));
  }
  start_rows(a, end - begin, out);
  // One contiguous run of entries; only the offsets move, by where the run starts.
  const std::size_t first = a.row_start[begin], last = a.row_start[end];
  out.column.assign(a.column.begin() + static_cast<std::ptrdiff_t>(first),
                    a.column.begin() + static_cast<std::ptrdiff_t>(last));
  out.value.assign(a.value.begin() + static_cast<std::ptrdiff_t>(first),
                   a.value.begin() + static_cast<std::ptrdiff_t>(last));
  out.row_start.resize(end - begin + 1);
  for (std::size_t i = begin; i <= end; ++i) out.row_start[i - begin] = a.row_start[i] - first;
}

template void gather_rows(const SparseRows&, const std::vector<std::size_t>&, SparseRows&);
template void gather_rows(const SparseFloats&, const std::vector<std::size_t>&, SparseFloats&);
template void copy_rows(const SparseRows&, std::size_t, std::size_t, SparseRows&);
template void copy_rows(const SparseFloats&, std::size_t, std::size_t, SparseFloats&);

SparseRows transpose_rows(const SparseRows& a) {
  SparseRows t;
  t.rows = a.cols;
  t.cols = a.rows;
  // Count the entries of each column of a (each row of aᵀ), then place them: going
  // through a's rows in order lists every row of aᵀ in increasing order of a's rows.
  t.row_start.assign(a.cols + 1, 0);
  if (a.rows > kMaxColumns) {
    throw std::invalid_argument("transpose_rows: " + std::to_string(a.rows) +
                                " rows would be more columns than kMaxColumns");
  }
  for (const std::uint16_t p : a.column) ++t.row_start[p + 1];
  for (std::size_t p = 0; p < a.cols; ++p) t.row_start[p + 1] += t.row_start[p];
  t.column.resize(a.nonzeros());
  t.value.resize(a.nonzeros());
  std::vector<std::size_t> next(t.row_start.begin(), t.row_start.end() - 1);
  for (std::size_t i = 0; i < a.rows; ++i) {
    for (std::size_t k = a.row_start[i]; k < a.row_start[i + 1]; ++k) {
      const std::size_t at = next[a.column[k]]++;
      t.column[at] = static_cast<std::uint16_t>(i);
      t.value[at] = a.value[k];
    }
  }
  return t;
}

// ---------------------------------------------------------------------------------------
// PaddedRows

PaddedRows::PaddedRows(std::size_t rows, std::size_t cols)
    : rows_(rows),
      cols_(cols),
      stride_((cols + kTileFloats - 1) / kTileFloats * kTileFloats),
      data_(rows * stride_, 0.0f) {}

PaddedRows PaddedRows::from_matrix(const Matrix& m) {
  PaddedRows p(m.rows(), m.cols());
  for (std::size_t i = 0; i < m.rows(); ++i)
    for (std::size_t j = 0; j < m.cols(); ++j) p.row(i)[j] = static_cast<float>(m(i, j));
  return p;
}

Matrix PaddedRows::matrix() const {
  Matrix m(rows_, cols_);
  for (std::size_t i = 0; i < rows_; ++i)
    for (std::size_t j = 0; j < cols_; ++j) m(i, j) = row(i)[j];
  return m;
}

void PaddedRows::zero() { std::fill(data_.begin(), data_.end(), 0.0f); }
