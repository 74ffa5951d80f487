// 00_welcome/welcome.cpp: the warm-up exercises. Contracts are in welcome.h.
#include "chapters/00_welcome/welcome.h"

#include <stdexcept>
#include <string>

#include "common/not_implemented.h"

// The average of a matrix's entries; refuses a matrix that has none.
double mean(const Matrix& a) {
  // Check first: with no entries the division below would be 0/0 = NaN, a wrong
  // number that travels silently; an exception stops right here and says why.
  if (a.size() == 0) {
    throw std::invalid_argument("mean: " + a.shape() + " has no entries");
  }
  // size() is a count (an integer); converting it makes the division a double one.
  return sum(a) / static_cast<double>(a.size());
}

// One affine layer, the step every network here repeats; refuses shapes that do not fit.
Matrix affine(const Matrix& x, const Matrix& W, const Matrix& b) {
  // The Matrix operations would refuse a mismatch too, but under their own names
  // ("matmul: ...", "add_row_vector: ..."); the caller called affine and should read that,
  // with the three shapes side by side.
  if (x.cols() != W.rows() || b.rows() != 1 || b.cols() != W.cols()) {
    throw std::invalid_argument("affine: x " + x.shape() + " · W " + W.shape() + " + b " +
                                b.shape() +
                                " do not fit: x needs as many columns as W has rows, and b "
                                "one row as wide as W");
  }
  // `*` is the matrix product, so each output row is that input row times W; the bias
  // is one row (1,H) shared by every input, which is exactly what add_row_vector does.
  return add_row_vector(x * W, b);
}
