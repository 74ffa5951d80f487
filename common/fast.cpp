// common/fast.cpp: the fast kernels. Contracts are in fast.h. The products add their terms
// in the order of the plain matmul they replace, so they give the same numbers bit for
// bit; exp_in_place is within 2 units in the last place of std::exp.
#include "common/fast.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <exception>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace {

std::string shape(std::size_t rows, std::size_t cols) {
  return "(" + std::to_string(rows) + "x" + std::to_string(cols) + ")";
}

// Throws std::invalid_argument(message()) unless ok. The message is a function, so that
// it is only put together when it is needed: the kernels are called thousands of times
// a second, and building a string each time would cost more than some of them.
template <typename Message>
void require(bool ok, Message message) {
  if (!ok) throw std::invalid_argument(message());
}

}  // namespace

SparseRows sparse_rows(const Matrix& a) {
  Workers alone(1);
  return sparse_columns(a, 0, a.cols(), alone);
}

SparseRows sparse_columns(const Matrix& a, std::size_t begin, std::size_t end, Workers& workers) {
  require(begin <= end && end <= a.cols(), [&] {
    return "sparse_columns: columns " + std::to_string(begin) + ".." + std::to_string(end) +
           " of a " + a.shape() + " matrix";
  });
  SparseRows s;
  s.rows = a.rows();
  s.cols = a.cols();
  // Count each row's nonzeros first, so that every row knows where its entries go and the
  // rows can be filled in by several threads at once, without regrowing anything.
  s.row_start.assign(a.rows() + 1, 0);
  workers.for_rows(a.rows(), [&](std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) {
      const double* row = a.data() + i * a.cols();
      std::size_t count = 0;
      for (std::size_t j = begin; j < end; ++j) count += row[j] != 0.0 ? 1 : 0;
      s.row_start[i + 1] = count;
    }
  });
  for (std::size_t i = 0; i < a.rows(); ++i) s.row_start[i + 1] += s.row_start[i];
  s.column.resize(s.row_start.back());
  s.value.resize(s.row_start.back());
  workers.for_rows(a.rows(), [&](std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) {
      const double* row = a.data() + i * a.cols();
      std::size_t k = s.row_start[i];
      for (std::size_t j = begin; j < end; ++j) {
        if (row[j] != 0.0) {
          s.column[k] = static_cast<std::uint32_t>(j);
          s.value[k] = row[j];
          ++k;
        }
      }
    }
  });
  return s;
}

Matrix dense(const SparseRows& a) {
  Matrix d(a.rows, a.cols);
  for (std::size_t i = 0; i < a.rows; ++i)
    for (std::size_t k = a.row_start[i]; k < a.row_start[i + 1]; ++k)
      d(i, a.column[k]) = a.value[k];
  return d;
}

namespace {

// Asks the CPU to start fetching row i of a into the cache, one 64-byte line at a time (a
// hint: no result, no fault). A batch's rows are scattered over a 100 MB set, so each one
// comes from main memory, ~100 ns away; asked for early, they arrive while other work goes on.
void prefetch_row(const SparseRows& a, std::size_t i) {
  const std::size_t from = a.row_start[i], to = a.row_start[i + 1];
  for (std::size_t k = from; k < to; k += 64 / sizeof(double)) __builtin_prefetch(&a.value[k]);
  for (std::size_t k = from; k < to; k += 64 / sizeof(std::uint32_t)) {
    __builtin_prefetch(&a.column[k]);
  }
}

}  // namespace

void gather_rows_into(const SparseRows& a, const std::vector<std::size_t>& indices,
                      SparseRows& out) {
  // First each row's length and place, then the copies.
  out.rows = indices.size();
  out.cols = a.cols;
  out.row_start.resize(indices.size() + 1);
  out.row_start[0] = 0;
  for (std::size_t k = 0; k < indices.size(); ++k) {
    const std::size_t i = indices[k];
    if (i >= a.rows) {
      throw std::out_of_range("gather_rows_into: index " + std::to_string(i) + " (position " +
                              std::to_string(k) + ") is outside a set of " +
                              std::to_string(a.rows) + " rows");
    }
    out.row_start[k + 1] = out.row_start[k] + (a.row_start[i + 1] - a.row_start[i]);
  }
  // resize() keeps the capacity: after the first batch, no allocation.
  out.column.resize(out.row_start.back());
  out.value.resize(out.row_start.back());
  constexpr std::size_t kAhead = 4;  // rows asked for ahead of the copy
  const std::size_t n = indices.size();
  for (std::size_t k = 0; k < std::min(kAhead, n); ++k) prefetch_row(a, indices[k]);
  for (std::size_t k = 0; k < n; ++k) {
    if (k + kAhead < n) prefetch_row(a, indices[k + kAhead]);
    const std::size_t from = a.row_start[indices[k]], to = a.row_start[indices[k] + 1];
    std::copy(a.column.begin() + from, a.column.begin() + to,
              out.column.begin() + out.row_start[k]);
    std::copy(a.value.begin() + from, a.value.begin() + to, out.value.begin() + out.row_start[k]);
  }
}

void rows_into(const SparseRows& a, std::size_t begin, std::size_t end, SparseRows& out) {
  if (begin > end || end > a.rows) {
    throw std::out_of_range("rows_into: rows " + std::to_string(begin) + ".." +
                            std::to_string(end) + " of a set of " + std::to_string(a.rows));
  }
  // Consecutive rows are one contiguous run of entries: one copy for each array.
  const std::size_t from = a.row_start[begin], to = a.row_start[end];
  out.rows = end - begin;
  out.cols = a.cols;
  out.row_start.resize(out.rows + 1);
  for (std::size_t i = 0; i <= out.rows; ++i) out.row_start[i] = a.row_start[begin + i] - from;
  // assign() keeps the capacity: after the first chunk, no allocation.
  out.column.assign(a.column.begin() + from, a.column.begin() + to);
  out.value.assign(a.value.begin() + from, a.value.begin() + to);
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

// ---------------------------------------------------------------------------------------
// PaddedRows

PaddedRows::PaddedRows(std::size_t rows, std::size_t cols)
    : rows_(rows),
      cols_(cols),
      stride_((cols + kLanes - 1) / kLanes * kLanes),
      data_(rows * stride_, 0.0) {}

PaddedRows PaddedRows::from_matrix(const Matrix& m) {
  PaddedRows p(m.rows(), m.cols());
  p.assign(m);
  return p;
}

Matrix PaddedRows::matrix() const {
  Matrix m(rows_, cols_);
  for (std::size_t i = 0; i < rows_; ++i) std::copy(row(i), row(i) + cols_, m.data() + i * cols_);
  return m;
}

void PaddedRows::assign(const Matrix& m) {
  require(m.rows() == rows_ && m.cols() == cols_, [&] {
    return "PaddedRows::assign: the matrix is " + m.shape() + ", the table " + shape(rows_, cols_) +
           "\nHINT: make the PaddedRows from the matrix (PaddedRows::from_matrix)";
  });
  for (std::size_t i = 0; i < rows_; ++i)
    std::copy(m.data() + i * cols_, m.data() + (i + 1) * cols_, row(i));
}

// ---------------------------------------------------------------------------------------
// The products
//
// The two sparse ones walk the pixels p in blocks of pixels_per_block(stride) (64 for
// H = 50): a block of weight rows, 64 x 56 doubles = 28 KiB, stays in the first-level
// cache (48 KiB) while every image's pixels in the block use it. Row i's entries are
// sorted by column, so its entries in block b come right after those in block b − 1:
// cursor[i] remembers where row i stopped.
//
// Each kernel keeps C Lanes (8·C numbers) of the result in registers: C is a
// compile-time number, so that the compiler can give each Lanes a register (H = 50: C = 7).
// Wider rows are done 8 Lanes at a time (lanes l0 … l0 + C − 1 of each row).

namespace {

constexpr std::size_t kMaxLanes = 8;  // per pass: 8 Lanes = 64 numbers in 8 registers

std::size_t pixels_per_block(std::size_t stride) {
  constexpr std::size_t kBlockBytes = 28 * 1024;  // of the 48 KiB first-level data cache
  return std::max<std::size_t>(8, kBlockBytes / (stride * sizeof(double)));
}

// out(i, lanes l0 … l0+C−1) for rows i in [begin, end).
template <std::size_t C>
void times_rows(const SparseRows& x, const PaddedRows& w, PaddedRows& out, std::size_t begin,
                std::size_t end, std::size_t l0, std::vector<std::size_t>& cursor) {
  const std::uint32_t* column = x.column.data();
  const double* value = x.value.data();
  // The blocks start at the first pixel any row uses and end after the last: x may hold
  // only some of the pixels (sparse_columns), and blocks with none would cost a visit of
  // every row for nothing.
  std::size_t first = x.cols, last = 0;
  for (std::size_t i = begin; i < end; ++i) {
    cursor[i] = x.row_start[i];
    for (std::size_t c = 0; c < C; ++c) out.lanes(i)[l0 + c] = Lanes{};
    if (x.row_start[i] < x.row_start[i + 1]) {
      first = std::min<std::size_t>(first, column[x.row_start[i]]);
      last = std::max<std::size_t>(last, column[x.row_start[i + 1] - 1] + 1);
    }
  }
  // Row p of w, lanes l0 on, is w_lanes + p·lanes_per_row (kept in locals, so that the
  // compiler keeps them in registers through the innermost loop).
  const Lanes* w_lanes = w.lanes(0) + l0;
  const std::size_t lanes_per_row = w.stride() / kLanes;
  const std::size_t block = pixels_per_block(w.stride());
  for (std::size_t p0 = first; p0 < last; p0 += block) {
    const std::size_t p1 = p0 + block;
    for (std::size_t i = begin; i < end; ++i) {
      std::size_t k = cursor[i];
      const std::size_t row_end = x.row_start[i + 1];
      if (k == row_end || column[k] >= p1) continue;  // no pixel of row i in this block
      Lanes* o = out.lanes(i) + l0;
      Lanes acc[C];
      for (std::size_t c = 0; c < C; ++c) acc[c] = o[c];
      // out(i,:) += x(i,p) · w(p,:) for the pixels p of row i in the block, p increasing
      for (; k < row_end && column[k] < p1; ++k) {
        const double xip = value[k];
        const Lanes* wp = w_lanes + column[k] * lanes_per_row;
        for (std::size_t c = 0; c < C; ++c) acc[c] += xip * wp[c];
      }
      for (std::size_t c = 0; c < C; ++c) o[c] = acc[c];
      cursor[i] = k;
    }
  }
}

// g(p, lanes l0 … l0+C−1) for rows p in [begin, end).
template <std::size_t C>
void transposed_times_rows(const SparseRows& x, const PaddedRows& d, PaddedRows& g,
                           std::size_t begin, std::size_t end, std::size_t l0,
                           std::vector<std::size_t>& cursor) {
  const std::uint32_t* column = x.column.data();
  const double* value = x.value.data();
  for (std::size_t i = 0; i < x.rows; ++i) {  // row i's first entry with column ≥ begin
    const std::uint32_t* from = column + x.row_start[i];
    const std::uint32_t* to = column + x.row_start[i + 1];
    // (no search when the row starts at or after begin, as a part of sparse_columns does)
    cursor[i] = static_cast<std::size_t>(
        (from == to || *from >= begin ? from : std::lower_bound(from, to, begin)) - column);
  }
  Lanes* g_lanes = g.lanes(0) + l0;  // row p of g, lanes l0 on: g_lanes + p·lanes_per_row
  const std::size_t lanes_per_row = g.stride() / kLanes;
  const std::size_t block = pixels_per_block(g.stride());
  for (std::size_t p0 = begin; p0 < end; p0 += block) {
    const std::size_t p1 = std::min(p0 + block, end);
    for (std::size_t p = p0; p < p1; ++p)
      for (std::size_t c = 0; c < C; ++c) g.lanes(p)[l0 + c] = Lanes{};
    for (std::size_t i = 0; i < x.rows; ++i) {
      std::size_t k = cursor[i];
      const std::size_t row_end = x.row_start[i + 1];
      if (k == row_end || column[k] >= p1) continue;
      Lanes di[C];
      for (std::size_t c = 0; c < C; ++c) di[c] = d.lanes(i)[l0 + c];
      // g(p,:) += x(i,p) · d(i,:) for the pixels p of row i in the block: i increasing
      // is the outer loop, so each g(p,j) gets its terms in increasing i, as matmul adds them
      for (; k < row_end && column[k] < p1; ++k) {
        const double xip = value[k];
        Lanes* gp = g_lanes + column[k] * lanes_per_row;
        for (std::size_t c = 0; c < C; ++c) gp[c] += xip * di[c];
      }
      cursor[i] = k;
    }
  }
}

// Calls f(std::integral_constant<std::size_t, C>{}) for the run-time c = C in 1 … kMaxLanes:
// turns a count known only at run time into a template argument.
template <typename F>
void with_lanes(std::size_t c, F&& f) {
  // clang-format off
  switch (c) {
    case 1: return f(std::integral_constant<std::size_t, 1>{});
    case 2: return f(std::integral_constant<std::size_t, 2>{});
    case 3: return f(std::integral_constant<std::size_t, 3>{});
    case 4: return f(std::integral_constant<std::size_t, 4>{});
    case 5: return f(std::integral_constant<std::size_t, 5>{});
    case 6: return f(std::integral_constant<std::size_t, 6>{});
    case 7: return f(std::integral_constant<std::size_t, 7>{});
    default: return f(std::integral_constant<std::size_t, kMaxLanes>{});
  }
  // clang-format on
}

// out(i, lanes l0 … l0+C−1) for rows i in [begin, end), R rows at a time: R·C sums in
// registers, and each row's sums depend only on that row's previous terms, so the R rows'
// additions overlap instead of each waiting for the one before (an add takes 4 cycles
// to finish; one row alone would wait on every term).
template <std::size_t R, std::size_t C>
void dense_rows(const PaddedRows& a, const PaddedRows& w, PaddedRows& out, std::size_t begin,
                std::size_t end, std::size_t l0) {
  const std::size_t J = a.cols(), lanes_per_row = w.stride() / kLanes;
  const Lanes* w_lanes = w.lanes(0) + l0;  // row j of w, lanes l0 on: w_lanes + j·lanes_per_row
  std::size_t i = begin;
  for (; i + R <= end; i += R) {
    Lanes acc[R][C] = {};
    const double* a_rows[R];
    for (std::size_t r = 0; r < R; ++r) a_rows[r] = a.row(i + r);
    // out(i + r, :) += a(i + r, j) · w(j, :), j increasing, as matmul adds them
    for (std::size_t j = 0; j < J; ++j) {
      const Lanes* wj = w_lanes + j * lanes_per_row;
      for (std::size_t r = 0; r < R; ++r)
        for (std::size_t c = 0; c < C; ++c) acc[r][c] += a_rows[r][j] * wj[c];
    }
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) out.lanes(i + r)[l0 + c] = acc[r][c];
  }
  if (i < end) dense_rows<1, C>(a, w, out, i, end, l0);  // the last rows, one at a time
}

}  // namespace

void dense_times_rows(const PaddedRows& a, const PaddedRows& w, PaddedRows& out, std::size_t begin,
                      std::size_t end) {
  require(a.cols() == w.rows(), [&] {
    return "dense_times_rows: a " + shape(a.rows(), a.cols()) + " · w " +
           shape(w.rows(), w.cols()) + ": a.cols != w.rows";
  });
  require(out.cols() == w.cols(), [&] {
    return "dense_times_rows: out is " + shape(out.rows(), out.cols()) + ", the product has " +
           std::to_string(w.cols()) + " columns";
  });
  require(begin <= end && end <= a.rows() && end <= out.rows(), [&] {
    return "dense_times_rows: rows " + std::to_string(begin) + ".." + std::to_string(end) +
           " of a " + shape(a.rows(), a.cols()) + " and out " + shape(out.rows(), out.cols());
  });
  const std::size_t lanes = w.stride() / kLanes;
  for (std::size_t l0 = 0; l0 < lanes; l0 += kMaxLanes) {
    const std::size_t c = std::min(kMaxLanes, lanes - l0);
    // As many rows at a time as leave registers for w's lanes: 4 for C ≤ 6, 3 for C = 7, 8.
    with_lanes(c, [&](auto C) {
      if constexpr (C <= 6) {
        dense_rows<4, C>(a, w, out, begin, end, l0);
      } else {
        dense_rows<3, C>(a, w, out, begin, end, l0);
      }
    });
  }
}

void sparse_times_rows(const SparseRows& x, const PaddedRows& w, PaddedRows& out, std::size_t begin,
                       std::size_t end, std::vector<std::size_t>& cursor) {
  require(x.cols == w.rows(), [&] {
    return "sparse_times_rows: x " + shape(x.rows, x.cols) + " · w " + shape(w.rows(), w.cols()) +
           ": x.cols != w.rows";
  });
  require(out.rows() >= x.rows && out.cols() == w.cols(), [&] {
    return "sparse_times_rows: out is " + shape(out.rows(), out.cols()) + ", the product " +
           shape(x.rows, w.cols());
  });
  require(begin <= end && end <= x.rows, [&] {
    return "sparse_times_rows: rows " + std::to_string(begin) + ".." + std::to_string(end) +
           " of " + std::to_string(x.rows);
  });
  require(cursor.size() >= x.rows, [&] {
    return "sparse_times_rows: cursor has " + std::to_string(cursor.size()) + " entries, x " +
           std::to_string(x.rows) + " rows";
  });
  const std::size_t lanes = w.stride() / kLanes;
  for (std::size_t l0 = 0; l0 < lanes; l0 += kMaxLanes) {
    const std::size_t c = std::min(kMaxLanes, lanes - l0);
    with_lanes(c, [&](auto C) { times_rows<C>(x, w, out, begin, end, l0, cursor); });
  }
}

void sparse_transposed_times_rows(const SparseRows& x, const PaddedRows& d, PaddedRows& g,
                                  std::size_t begin, std::size_t end,
                                  std::vector<std::size_t>& cursor) {
  require(x.rows == d.rows(), [&] {
    return "sparse_transposed_times_rows: xᵀ " + shape(x.cols, x.rows) + " · d " +
           shape(d.rows(), d.cols()) + ": x.rows != d.rows";
  });
  require(g.rows() == x.cols && g.cols() == d.cols(), [&] {
    return "sparse_transposed_times_rows: g is " + shape(g.rows(), g.cols()) + ", the product " +
           shape(x.cols, d.cols());
  });
  require(begin <= end && end <= x.cols, [&] {
    return "sparse_transposed_times_rows: rows " + std::to_string(begin) + ".." +
           std::to_string(end) + " of " + std::to_string(x.cols);
  });
  require(cursor.size() >= x.rows, [&] {
    return "sparse_transposed_times_rows: cursor has " + std::to_string(cursor.size()) +
           " entries, x " + std::to_string(x.rows) + " rows";
  });
  const std::size_t lanes = d.stride() / kLanes;
  for (std::size_t l0 = 0; l0 < lanes; l0 += kMaxLanes) {
    const std::size_t c = std::min(kMaxLanes, lanes - l0);
    with_lanes(c, [&](auto C) { transposed_times_rows<C>(x, d, g, begin, end, l0, cursor); });
  }
}

// ---------------------------------------------------------------------------------------
// exp

namespace {

// e^x for x in [−708, 709], by the recipe in fast.h. Only arithmetic and bit copies: in a
// loop, the compiler computes 8 of them at once.
inline double exp_near(double x) {
  constexpr double kLog2e = 0x1.71547652b82fep0;    // 1 / ln 2
  constexpr double kLn2Hi = 0x1.62e42fee00000p-1;   // ln 2 = kLn2Hi + kLn2Lo, where kLn2Hi
  constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;  //   ends in 21 zero bits: k·kLn2Hi is exact
  constexpr double kRound = 0x1.8p52;  // t + kRound lands where doubles are whole numbers
  // k = round(x / ln 2), left in the low bits of `shifted` too
  const double shifted = x * kLog2e + kRound;
  const double k = shifted - kRound;
  // r = x − k·ln 2, in two parts so that it is exact to ~1e-32 before rounding
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;
  // e^r = 1 + r + r²/2! + … + r¹³/13!, by Horner's rule from the highest term
  double p = 1.0 / 6227020800.0;  // 1/13!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // 2^k: a double whose exponent field (bits 52–62) is k + 1023 and whose other bits are 0.
  // shifted's bits are those of 1.5·2^52 (low 51 bits 0) plus k, so its low 12 bits are k's.
  const std::uint64_t bits = (std::bit_cast<std::uint64_t>(shifted) + 1023) << 52;
  return p * std::bit_cast<double>(bits);
}

// −708 ≤ x ≤ 709, as one comparison (which vectorizes); false for NaN.
bool near(double x) { return std::fabs(x - 0.5) <= 708.5; }

}  // namespace

void exp_in_place(double* v, std::size_t n) {
  std::size_t far = 0;  // a count rather than a flag: the compiler vectorizes this loop too
  for (std::size_t k = 0; k < n; ++k) far += near(v[k]) ? 0 : 1;
  if (far == 0) {  // the usual case: a loop without branches, in vector instructions
    for (std::size_t k = 0; k < n; ++k) v[k] = exp_near(v[k]);
    return;
  }
  for (std::size_t k = 0; k < n; ++k) v[k] = near(v[k]) ? exp_near(v[k]) : std::exp(v[k]);
}

Workers::Workers(std::size_t threads) : helper_failures_(threads > 1 ? threads - 1 : 0) {
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
// to leave the core to other programs when no work comes.
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
