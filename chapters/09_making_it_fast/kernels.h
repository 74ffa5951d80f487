// chapters/09_making_it_fast/kernels.h: the products that make lesson 07's training fast,
// each beside the plain Matrix operation it replaces (the tests compare them).
//
// Exercises (kernels.cpp), in the lesson's order:
//   1. sparse_rows              skip the zero pixels: keep only a matrix's nonzero entries
//   2. sparse_times             x·W from the nonzero entries only         (x * W, bit for bit)
//   3. sparse_transposed_times  xᵀ·d from the rows of x, xᵀ never made    (xᵀ * d, bit for bit)
//   4. lanes_times              x·W in float, 16 hidden units per instruction, fused
//   5. lanes_transposed_times   xᵀ·d likewise, for one range of pixels (a thread's share)
// Given (kernels_given.cpp): dense, to_floats, gather_rows, copy_rows, transpose_rows,
// PaddedRows; and here, the two operations on Lanes: fused_multiply_add and exp_lanes.
//
// Shapes: B = batch, D = inputs (784 pixels), H = hidden units, K = classes.
//   the forward product   x (B,D) · W1 (D,H) → a1 (B,H)
//   the gradient product  xᵀ (D,B) · ∂L/∂a1 (B,H) → ∂L/∂W1 (D,H)
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

#include "common/matrix.h"

// ---------------------------------------------------------------------------------------
// 1. Skip the zeros: a matrix as its nonzero entries.

// The nonzero entries of a rows x cols matrix, row after row (the "compressed sparse row"
// format). Row i's entries are column[k], value[k] for k in [row_start[i], row_start[i + 1]),
// with the columns increasing. A column number takes 2 bytes (at most 65,535 columns,
// enough for any image this workbook meets), a value 8 or 4:
//   {{0, 2, 0},          row_start {0, 1, 3}
//    {1, 0, 3}}   →      column    {1, 0, 2}
//                        value     {2, 1, 3}
// SparseRows keeps doubles (the exact path: lesson 07's numbers to the last bit);
// SparseFloats keeps floats (the float path of lanes_times and lanes_transposed_times).
constexpr std::size_t kMaxColumns = 65535;

template <typename T>
struct SparseRowsOf {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<std::size_t> row_start = {0};  // rows + 1 offsets
  std::vector<std::uint16_t> column;         // one per nonzero entry
  std::vector<T> value;                      // one per nonzero entry, never 0

  // The number of nonzero entries.
  std::size_t nonzeros() const { return value.size(); }
};
using SparseRows = SparseRowsOf<double>;
using SparseFloats = SparseRowsOf<float>;

// The nonzero entries of a, row by row, columns increasing. Plain counterpart: a itself.
// Throws std::invalid_argument if a has more than 65,535 columns (kMaxColumns).
SparseRows sparse_rows(const Matrix& a);

// Given. Back to a dense (rows, cols) Matrix, zeros filled in: dense(sparse_rows(a)) == a.
Matrix dense(const SparseRows& a);
// Given. The same entries as floats, each rounded to the nearest float.
SparseFloats to_floats(const SparseRows& a);

// Given. out ← the rows `indices` of a, in that order (repeats repeated): a batch of a
// set, as lesson 07's sample_batch takes it. Reuses out's storage. Throws
// std::out_of_range if an index is ≥ a.rows.
template <typename T>
void gather_rows(const SparseRowsOf<T>& a, const std::vector<std::size_t>& indices,
                 SparseRowsOf<T>& out);
// Given. out ← the rows begin … end − 1 of a (a chunk of a set). Reuses out's storage.
// Throws std::out_of_range unless begin ≤ end ≤ a.rows.
template <typename T>
void copy_rows(const SparseRowsOf<T>& a, std::size_t begin, std::size_t end, SparseRowsOf<T>& out);
// Given. aᵀ, still sparse: (n,m) → (m,n). Row p of aᵀ lists, in increasing order, the rows
// of a whose column p is nonzero. Plain counterpart: transpose(a).
SparseRows transpose_rows(const SparseRows& a);

// ---------------------------------------------------------------------------------------
// 2 and 3. The exact products: doubles, the plain product's sums without their zero terms.

// out ← x·w: out(i,j) = Σ_p x(i,p)·w(p,j) over the nonzero x(i,p) only, each sum
// starting at 0 and taking its terms in increasing p, so that it equals dense(x) * w bit
// for bit (a skipped term is 0·w = ±0, and s + ±0 = s) while w is finite.
// x (n,D), w (D,m) → out (n,m). out's storage is reused when it already has that
// shape; otherwise out becomes a zero (n,m) Matrix first.
// Throws std::invalid_argument naming both shapes if x.cols != w.rows().
void sparse_times(const SparseRows& x, const Matrix& w, Matrix& out);

// g ← xᵀ·d without making xᵀ: g(p,j) = Σ_i x(i,p)·d(i,j) over the nonzero x(i,p), each sum
// starting at 0 and taking its terms in increasing i, so that it equals
// transpose(dense(x)) * d bit for bit while d is finite. x (n,D), d (n,m) → g (D,m).
// g's storage is reused like out's above.
// Throws std::invalid_argument naming both shapes if x.rows != d.rows().
void sparse_transposed_times(const SparseRows& x, const Matrix& d, Matrix& g);

// ---------------------------------------------------------------------------------------
// 4 and 5. What one core can do: 16 floats per instruction, multiply and add fused.

// Sixteen floats handled together: `a + b` and `s * a` (s a float) act on all 16 at once
// and compile to one vector instruction each (AVX-512 here; two or four narrower ones on
// an older CPU, NEON on an ARM one). A GCC and Clang extension to C++.
using Lanes = float __attribute__((vector_size(64)));
constexpr std::size_t kLanes = 16;
// The kernels work on tiles of 4 Lanes, 64 floats: 4 sums that stay in registers.
constexpr std::size_t kTileLanes = 4;
constexpr std::size_t kTileFloats = kTileLanes * kLanes;

// a·b + c in each of the 16 lanes, rounded once: a fused multiply-add (FMA). The
// compiler makes the loop one instruction (vfmadd on x86 with AVX-512, two with AVX2,
// fmla on ARM), where `a * b + c` is two instructions and two roundings. std::fma is the
// exactly rounded a·b + c, so the result is the same on every machine.
inline Lanes fused_multiply_add(float a, Lanes b, Lanes c) {
  Lanes r;
  for (std::size_t l = 0; l < kLanes; ++l) r[l] = std::fma(a, b[l], c[l]);
  return r;
}

// Given. e^x in each lane, within 2 units in the last place (float: relative error
// < 2.4e-7) for x in [−87, 88]; x below −87.3 gives e^−87.3 ≈ 1.2e-38 and x above 88 gives
// e^88 ≈ 1.7e38 (e^88.8 would overflow a float); NaN stays NaN. Only multiplications,
// additions and bit copies, 16 numbers at a time, written here so that the compiler can
// fit it in among the loops that call it:
//   e^x = 2^k · e^r,  k = round(x / ln 2),  |r| ≤ ln2/2,  e^r = Σ_{m=0}^{7} r^m / m!
inline Lanes exp_lanes(Lanes x) {
  using Bits = std::uint32_t __attribute__((vector_size(64)));  // 16 unsigned 32-bit lanes
  const auto splat = [](float v) { return Lanes{} + v; };
  // Outside [−87.3, 88], 2^k below would not be a normal float. (A NaN fails both
  // comparisons and goes through as NaN.)
  x = x < splat(-87.3f) ? splat(-87.3f) : x;
  x = x > splat(88.0f) ? splat(88.0f) : x;
  // k = round(x / ln 2): adding 1.5·2^23 pushes the fraction out of a float's 24 bits, so
  // the addition itself rounds; k is also left, as a whole number, in shifted's low bits.
  constexpr float kLog2e = 1.44269504f;
  constexpr float kRound = 12582912.0f;  // 1.5·2^23
  const Lanes shifted = x * kLog2e + kRound;
  const Lanes k = shifted - kRound;
  // r = x − k·ln 2 in two parts: kLn2Hi = 355/512 has 9 significant bits, so k·kLn2Hi is
  // exact for |k| ≤ 128, and kLn2Lo = ln 2 − kLn2Hi carries the rest.
  constexpr float kLn2Hi = 0.693359375f;
  constexpr float kLn2Lo = -2.12194440e-4f;
  const Lanes r = (x - k * kLn2Hi) - k * kLn2Lo;
  // e^r = 1 + r + r²/2! + … + r⁷/7!, by Horner's rule. |r| ≤ 0.347, so the first term left
  // out, r⁸/8!, is below 6e-9 of e^r: under a tenth of a float's last place.
  Lanes p = splat(1.0f / 5040.0f);
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  // 2^k: a float whose exponent field (bits 23–30) is k + 127 and whose other bits are 0.
  // shifted's bits are those of 1.5·2^23 plus k, so bits − bits(1.5·2^23) is k (mod 2^32).
  const Bits round_bits = Bits{} + std::bit_cast<std::uint32_t>(kRound);
  const Bits two_k = ((std::bit_cast<Bits>(shifted) - round_bits) + 127u) << 23;
  return p * std::bit_cast<Lanes>(two_k);
}

// A (rows, cols) table of floats, zero-filled, whose rows are padded with zeros to
// stride() = cols rounded up to a multiple of 64 (a tile) and each start on a 64-byte
// cache line:
//   cols 50 → stride 64: row(i)[0 … 49] the values, row(i)[50 … 63] zeros
// so that row i is tiles() whole tiles of 4 Lanes, lanes(i)[0 … 4·tiles() − 1], and no
// Lanes straddles two cache lines. Products computed on padded inputs leave the padding
// of their outputs 0.
class PaddedRows {
 public:
  PaddedRows() = default;
  PaddedRows(std::size_t rows, std::size_t cols);
  // The same values as m, each rounded to the nearest float.
  static PaddedRows from_matrix(const Matrix& m);

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t stride() const { return stride_; }
  std::size_t tiles() const { return stride_ / kTileFloats; }
  float* row(std::size_t i) { return data_.data() + i * stride_; }
  const float* row(std::size_t i) const { return data_.data() + i * stride_; }
  Lanes* lanes(std::size_t i) { return reinterpret_cast<Lanes*>(row(i)); }
  const Lanes* lanes(std::size_t i) const { return reinterpret_cast<const Lanes*>(row(i)); }

  // Back to a (rows, cols) Matrix of doubles, padding dropped.
  Matrix matrix() const;
  // Every value and the padding set to 0.
  void zero();

 private:
  // std::allocator, but on 64-byte boundaries (C++17's aligned operator new).
  template <typename T>
  struct CacheLineAllocator {
    using value_type = T;
    CacheLineAllocator() = default;
    template <typename U>
    CacheLineAllocator(const CacheLineAllocator<U>&) {}
    T* allocate(std::size_t n) {
      return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64)));
    }
    void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t(64)); }
    bool operator==(const CacheLineAllocator&) const { return true; }
  };

  std::size_t rows_ = 0, cols_ = 0, stride_ = 0;
  std::vector<float, CacheLineAllocator<float>> data_;
};

// out(i,:) ← Σ_p x(i,p)·w(p,:) over the nonzero x(i,p), for the rows i in [begin, end):
// the forward product x (n,D) · W1 (D,H) → (n,H) on those rows only; out's other rows are
// left alone, not even rewritten (they may be another thread's). Each sum starts at 0 and
// takes its terms in increasing p, each added by fused_multiply_add, so the result differs
// from the product in double by float rounding only, and every row is the same whichever
// call, or thread, computes it.
// Throws std::invalid_argument naming the shapes if x.cols != w.rows(), w.cols() !=
// out.cols(), out has fewer than x.rows rows, or not begin ≤ end ≤ x.rows.
void lanes_times(const SparseFloats& x, const PaddedRows& w, PaddedRows& out, std::size_t begin,
                 std::size_t end);

// g(p,:) ← g(p,:) + Σ_i x(i,p)·d(i,:) over the nonzero x(i,p), for the rows (pixels) p in
// [begin, end): adds the product xᵀ (D,n) · d (n,H) → (D,H) into g, on those rows only,
// without making xᵀ; g's other rows are left alone. Each g(p,j) takes its terms in
// increasing i, each added by fused_multiply_add: a pixel's row of g is the same whichever
// call, or thread, computes it. With g = 0 this is the gradient ∂L/∂W1 = xᵀ·δ; with g = W1
// and d = −lr·δ it is the step itself, W1 ← W1 − lr·xᵀ·δ, and no gradient is ever stored.
// Throws std::invalid_argument naming the shapes if x.rows != d.rows(), g is not
// (x.cols, d.cols()), or not begin ≤ end ≤ x.cols.
void lanes_transposed_times(const SparseFloats& x, const PaddedRows& d, PaddedRows& g,
                            std::size_t begin, std::size_t end);
