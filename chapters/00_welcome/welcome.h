// chapters/00_welcome/welcome.h: two warm-up exercises on the Matrix type.
//
// Nothing here is about learning yet. The point is the loop you will use in every
// lesson: read the contract below, fill in welcome.cpp, run `make check CH=00`.
#pragma once

#include "common/matrix.h"

// The mean of all entries: mean(a) = (1 / size) Σ_ij a(i,j).
// Throws std::invalid_argument naming mean and the shape for a matrix with no entries
// (the mean of nothing is undefined, and 0/0 would quietly give NaN).
double mean(const Matrix& a);

// One affine layer, the building block of every network in this workbook:
//   x (B,D) · W (D,H) + b (1,H) → (B,H)
// B inputs as rows, each mapped through the same weights W and bias b.
// Throws std::invalid_argument naming affine and all three shapes if they do not fit:
// x's columns must equal W's rows (D), and b must be one row of W's width (1,H).
Matrix affine(const Matrix& x, const Matrix& W, const Matrix& b);
