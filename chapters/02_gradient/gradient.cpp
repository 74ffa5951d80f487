// 02_gradient/gradient.cpp: the gradient by central differences. Contracts are in
// gradient.h.
#include "chapters/02_gradient/gradient.h"

#include <cstddef>

#include "chapters/01_numerical_diff/numerical_diff.h"
#include "common/not_implemented.h"

// Every partial derivative of f at a point, each by lesson 01's central difference.
Vector numerical_gradient(const FunctionND& f, const Vector& x) {
  // TODO: for each coordinate i, the partial derivative ∂f/∂xᵢ by the central difference
  // with h = kDiffStep: move only coordinate i (in a copy of x) to xᵢ + h and to xᵢ − h,
  // evaluate f at both points, and put coordinate i back to its original value before
  // the next one.
  (void)f, (void)x;
  throw not_implemented("numerical_gradient (Vector)");
}

// The same for a matrix of parameters, nudged in place: the form lessons 05–07 use on a
// network's weights.
Matrix numerical_gradient(const std::function<double(const Matrix&)>& f, Matrix& W) {
  // TODO: the same for every entry of W, with h = kDiffStep, into a matrix of W's shape.
  // Change W itself (not a copy) and call f(W); afterwards set each entry back to the
  // value you saved before touching it (not by adding or subtracting h again).
  (void)f, (void)W;
  throw not_implemented("numerical_gradient (Matrix)");
}
