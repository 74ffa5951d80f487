// 00_welcome/welcome.cpp: the warm-up exercises. Contracts are in welcome.h.
#include "chapters/00_welcome/welcome.h"

#include <stdexcept>

#include "common/not_implemented.h"

// The mean of all entries: mean(a) = (1 / size) Σ_ij a(i,j).
// Throws std::invalid_argument for a matrix with no entries.
double mean(const Matrix& a) {
  // TODO: add up every entry (common/matrix.h has a function for that), divide by the
  // number of entries, and throw std::invalid_argument first when there are none.
  (void)a;
  throw not_implemented("mean");
}

// One affine layer: x (B,D) · W (D,H) + b (1,H) → (B,H).
Matrix affine(const Matrix& x, const Matrix& W, const Matrix& b) {
  // TODO: the matrix product of x and W, then b added to every row. Two Matrix
  // operations, no loops.
  (void)x, (void)W, (void)b;
  throw not_implemented("affine");
}
