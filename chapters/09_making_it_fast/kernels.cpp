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
  // TODO: walk a row by row; push the column and the value of each entry that is not 0,
  // and after each row push the number of entries so far onto row_start (which starts
  // as {0}). Set rows and cols. Refuse more than kMaxColumns columns.
  (void)a;
  throw not_implemented("sparse_rows");
}

// The forward product from the nonzero entries only, bit for bit the plain product's.
void sparse_times(const SparseRows& x, const Matrix& w, Matrix& out) {
  // TODO: check x.cols == w.rows() (std::invalid_argument with both shapes); make out a
  // zero (x.rows, w.cols()) matrix, reusing it if it has that shape; then for each row i
  // and each of its entries (p, v) add v·w(p,:) to out(i,:). Do not call dense or `*`.
  (void)x, (void)w, (void)out;
  throw not_implemented("sparse_times");
}

// The gradient product from the rows of x, its transpose never made, to the bit.
void sparse_transposed_times(const SparseRows& x, const Matrix& d, Matrix& g) {
  // TODO: check x.rows == d.rows(); make g a zero (x.cols, d.cols()) matrix, reusing it if
  // it has that shape; then for each row i of x and each of its entries (p, v) add
  // v·d(i,:) to g(p,:). Do not make the transpose of x.
  (void)x, (void)d, (void)g;
  throw not_implemented("sparse_transposed_times");
}

// The forward product in float, 64 hidden units per pass, for one range of rows.
void lanes_times(const SparseFloats& x, const PaddedRows& w, PaddedRows& out, std::size_t begin,
                 std::size_t end) {
  // TODO: check the shapes and the range as kernels.h says. For each tile t of w and each
  // row i in [begin, end): keep 4 Lanes of sums, start them at 0, add
  // fused_multiply_add(v, w.lanes(p)[4t + c], sum[c]) for each entry (p, v) of row i, then
  // store them in out.lanes(i)[4t + c].
  (void)x, (void)w, (void)out, (void)begin, (void)end;
  throw not_implemented("lanes_times");
}

// The gradient product in float, added into g, for one range of pixels (a thread's share).
void lanes_transposed_times(const SparseFloats& x, const PaddedRows& d, PaddedRows& g,
                            std::size_t begin, std::size_t end) {
  // TODO: check the shapes and the range as kernels.h says. Then for each row i of x, for
  // each of its entries (p, v) with begin ≤ p < end, g.lanes(p)[l] =
  // fused_multiply_add(v, d.lanes(i)[l], g.lanes(p)[l]) for every Lanes l of the row.
  // Do not zero g first, and touch no other row of it.
  (void)x, (void)d, (void)g, (void)begin, (void)end;
  throw not_implemented("lanes_transposed_times");
}
