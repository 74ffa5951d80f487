// 09_making_it_fast/kernels.cpp: the sparse and the float products. Contracts are in
// kernels.h. B = batch, D = inputs (pixels), H = hidden units.
#include "chapters/09_making_it_fast/kernels.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "common/not_implemented.h"

// Skip the zeros: a matrix kept as its nonzero entries only.
SparseRows sparse_rows(const Matrix& a) {
  if (a.cols() > kMaxColumns) {
    throw std::invalid_argument("sparse_rows: " + a.shape() + " has more than " +
                                std::to_string(kMaxColumns) +
                                " columns, more than a 16-bit column number can name");
  }
  SparseRows s;
  s.rows = a.rows();
  s.cols = a.cols();
  s.row_start.assign(a.rows() + 1, 0);
  // Room for every entry; cut down to the nonzero ones at the end.
  s.column.resize(a.size());
  s.value.resize(a.size());
  std::size_t count = 0;
  const double* entry = a.data();
  for (std::size_t i = 0; i < a.rows(); ++i) {
    for (std::size_t p = 0; p < a.cols(); ++p, ++entry) {
      // Every entry is written, and the count moves on only past a nonzero one (0 and −0
      // both leave a sum unchanged, so both are left out): no branch, because one that
      // guesses wrong for 1 pixel in 5, as MNIST's would, costs more than the writes.
      s.column[count] = static_cast<std::uint16_t>(p);
      s.value[count] = *entry;
      count += *entry != 0.0 ? 1 : 0;
    }
    // Where row i + 1 begins: right after row i's last entry.
    s.row_start[i + 1] = count;
  }
  s.column.resize(count);
  s.value.resize(count);
  return s;
}

namespace {

// m ← a zero (rows, cols) Matrix. A buffer that already has that shape is reused, only
// zeroed: no allocation in a training loop.
void reset_to_zeros(Matrix& m, std::size_t rows, std::size_t cols) {
  if (m.rows() == rows && m.cols() == cols) {
    m.fill(0.0);
  } else {
    m = Matrix(rows, cols);
  }
}

}  // namespace

// The forward product from the nonzero entries only, bit for bit the plain product's.
void sparse_times(const SparseRows& x, const Matrix& w, Matrix& out) {
  if (x.cols != w.rows()) {
    throw std::invalid_argument("sparse_times: x (" + std::to_string(x.rows) + "x" +
                                std::to_string(x.cols) + ") * w " + w.shape() +
                                ": x.cols != w.rows");
  }
  const std::size_t m = w.cols();
  reset_to_zeros(out, x.rows, m);
  for (std::size_t i = 0; i < x.rows; ++i) {
    double* o = out.data() + i * m;
    // Row i's nonzero pixels p in increasing order: each out(i,j) gets the same terms in
    // the same order as dense(x) * w's, less the ±0 ones.
    for (std::size_t k = x.row_start[i]; k < x.row_start[i + 1]; ++k) {
      const double xip = x.value[k];
      const double* wp = w.data() + x.column[k] * m;
      for (std::size_t j = 0; j < m; ++j) o[j] += xip * wp[j];
    }
  }
}

// The gradient product from the rows of x, its transpose never made, to the bit.
void sparse_transposed_times(const SparseRows& x, const Matrix& d, Matrix& g) {
  if (x.rows != d.rows()) {
    throw std::invalid_argument("sparse_transposed_times: transpose of x (" +
                                std::to_string(x.rows) + "x" + std::to_string(x.cols) + ") * d " +
                                d.shape() + ": x.rows != d.rows");
  }
  const std::size_t m = d.cols();
  reset_to_zeros(g, x.cols, m);
  // xᵀ(p,i) = x(i,p), so row i of x holds column i of xᵀ: x(i,p) multiplies d(i,:) into
  // g(p,:). The outer loop goes over i in increasing order, so every g(p,j) takes its
  // terms in increasing i, as transpose(x) * d adds them.
  for (std::size_t i = 0; i < x.rows; ++i) {
    const double* di = d.data() + i * m;
    for (std::size_t k = x.row_start[i]; k < x.row_start[i + 1]; ++k) {
      const double xip = x.value[k];
      double* gp = g.data() + x.column[k] * m;
      for (std::size_t j = 0; j < m; ++j) gp[j] += xip * di[j];
    }
  }
}

// The forward product in float, 64 hidden units per pass, for one range of rows.
void lanes_times(const SparseFloats& x, const PaddedRows& w, PaddedRows& out, std::size_t begin,
                 std::size_t end) {
  if (x.cols != w.rows() || w.cols() != out.cols() || out.rows() < x.rows || begin > end ||
      end > x.rows) {
    throw std::invalid_argument("lanes_times: x (" + std::to_string(x.rows) + "x" +
                                std::to_string(x.cols) + ") * w (" + std::to_string(w.rows()) +
                                "x" + std::to_string(w.cols()) + ") into out (" +
                                std::to_string(out.rows()) + "x" + std::to_string(out.cols()) +
                                "), rows " + std::to_string(begin) + ".." + std::to_string(end) +
                                ": needs x.cols == w.rows, out as wide as w, rows within x");
  }
  for (std::size_t t = 0; t < w.tiles(); ++t) {  // 64 hidden units at a time
    for (std::size_t i = begin; i < end; ++i) {
      // The row's 64 sums in 4 registers for the whole row: memory only at the end.
      Lanes acc[kTileLanes] = {};
      for (std::size_t k = x.row_start[i]; k < x.row_start[i + 1]; ++k) {
        const float xip = x.value[k];
        const Lanes* wp = w.lanes(x.column[k]) + t * kTileLanes;
        // 64 multiply-adds in 4 instructions. Unrolled, so that the compiler keeps acc in
        // registers instead of storing it after every pixel.
#pragma GCC unroll 4
        for (std::size_t c = 0; c < kTileLanes; ++c)
          acc[c] = fused_multiply_add(xip, wp[c], acc[c]);
      }
      Lanes* o = out.lanes(i) + t * kTileLanes;
      for (std::size_t c = 0; c < kTileLanes; ++c) o[c] = acc[c];
    }
  }
}

// The gradient product in float, added into g, for one range of pixels (a thread's share).
void lanes_transposed_times(const SparseFloats& x, const PaddedRows& d, PaddedRows& g,
                            std::size_t begin, std::size_t end) {
  if (x.rows != d.rows() || g.rows() != x.cols || g.cols() != d.cols() || begin > end ||
      end > x.cols) {
    throw std::invalid_argument(
        "lanes_transposed_times: transpose of x (" + std::to_string(x.rows) + "x" +
        std::to_string(x.cols) + ") * d (" + std::to_string(d.rows()) + "x" +
        std::to_string(d.cols()) + ") into g (" + std::to_string(g.rows()) + "x" +
        std::to_string(g.cols()) + "), pixels " + std::to_string(begin) + ".." +
        std::to_string(end) + ": needs x.rows == d.rows, g (x.cols x d.cols), pixels within x");
  }
  const std::uint16_t* column = x.column.data();
  for (std::size_t t = 0; t < g.tiles(); ++t) {  // 64 hidden units at a time
    for (std::size_t i = 0; i < x.rows; ++i) {
      // Row i's 64 values of d, in 4 registers for all of the row's pixels.
      Lanes di[kTileLanes];
      for (std::size_t c = 0; c < kTileLanes; ++c) di[c] = d.lanes(i)[t * kTileLanes + c];
      // Row i's columns are sorted: its first entry at or after pixel `begin` is found by
      // binary search, and the entries of this range follow it.
      const std::uint16_t* first = column + x.row_start[i];
      const std::uint16_t* last = column + x.row_start[i + 1];
      for (const std::uint16_t* k = std::lower_bound(first, last, begin); k != last && *k < end;
           ++k) {
        const float xip = x.value[static_cast<std::size_t>(k - column)];
        Lanes* gp = g.lanes(*k) + t * kTileLanes;
        // i increasing is the outer loop, so each g(p,j) gets its terms in increasing i,
        // whichever range of pixels this call was given.
#pragma GCC unroll 4
        for (std::size_t c = 0; c < kTileLanes; ++c) gp[c] = fused_multiply_add(xip, di[c], gp[c]);
      }
    }
  }
}
