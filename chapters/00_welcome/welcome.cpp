// 00_welcome/welcome.cpp: the warm-up exercises. Contracts are in welcome.h.
#include "chapters/00_welcome/welcome.h"

#include <stdexcept>
#include <string>

#include "common/not_implemented.h"

// The average of a matrix's entries; refuses a matrix that has none.
double mean(const Matrix& a) {
  // TODO: add up every entry (common/matrix.h has a function for that), divide by the
  // number of entries, and throw std::invalid_argument first when there are none.
  (void)a;
  throw not_implemented("mean");
}

// One affine layer, the step every network here repeats; refuses shapes that do not fit.
Matrix affine(const Matrix& x, const Matrix& W, const Matrix& b) {
  // TODO: first throw std::invalid_argument, with a message that starts "affine:" and
  // gives the three shapes, unless x has as many columns as W has rows and b is one row
  // as wide as W. Then the matrix product of x and W, with b added to every row: two
  // Matrix operations, no loops.
  (void)x, (void)W, (void)b;
  throw not_implemented("affine");
}
