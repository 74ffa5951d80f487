// 00_welcome/welcome.cpp: the warm-up exercises. Contracts are in welcome.h.
#include "chapters/00_welcome/welcome.h"

#include <stdexcept>

#include "common/not_implemented.h"

// The mean of all entries: mean(a) = (1 / size) Σ_ij a(i,j).
// Throws std::invalid_argument for a matrix with no entries.
double mean(const Matrix& a) {
  // Check first: with no entries the division below would be 0/0 = NaN, a wrong
  // number that travels silently; an exception stops right here and says why.
  if (a.size() == 0) {
    throw std::invalid_argument("mean: " + a.shape() + " has no entries");
  }
  // size() is a count (an integer); converting it makes the division a double one.
  return sum(a) / static_cast<double>(a.size());
}

// One affine layer: x (B,D) · W (D,H) + b (1,H) → (B,H).
Matrix affine(const Matrix& x, const Matrix& W, const Matrix& b) {
  // `*` is the matrix product, so each output row is that input row times W; the bias
  // is one row (1,H) shared by every input, which is exactly what add_row_vector does.
  // Both operations check shapes, so a mismatch throws with both shapes named.
  return add_row_vector(x * W, b);
}
