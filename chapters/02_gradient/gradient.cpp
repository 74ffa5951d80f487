// 02_gradient/gradient.cpp: the gradient by central differences. Contracts are in
// gradient.h.
#include "chapters/02_gradient/gradient.h"

#include <cstddef>

#include "chapters/01_numerical_diff/numerical_diff.h"
#include "common/not_implemented.h"

// ∇f(x) = (∂f/∂x₀, …, ∂f/∂xₙ₋₁), each by the central difference with h = 1e-4:
//   ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h
// x is not changed. Returns a Vector of x's length.
Vector numerical_gradient(const FunctionND& f, const Vector& x) {
  // TODO: for each coordinate i, the partial derivative ∂f/∂xᵢ by the central difference
  // with h = kDiffStep: move only coordinate i (in a copy of x) to xᵢ + h and to xᵢ − h,
  // evaluate f at both points, and put coordinate i back to its original value before
  // the next one.
  (void)f, (void)x;
  throw not_implemented("numerical_gradient (Vector)");
}

// The same over every entry of a Matrix of parameters:
//   ∂f/∂W(i,j) ≈ (f(W with W(i,j)+h) − f(W with W(i,j)−h)) / 2h,   h = 1e-4
// W is perturbed in place, one entry at a time, and f is called with W itself; each entry
// is restored to its exact original value, so W leaves bit-for-bit as it came.
Matrix numerical_gradient(const std::function<double(const Matrix&)>& f, Matrix& W) {
  // TODO: the same for every entry of W, with h = kDiffStep, into a matrix of W's shape.
  // Change W itself (not a copy) and call f(W); afterwards set each entry back to the
  // value you saved before touching it (not by adding or subtracting h again).
  (void)f, (void)W;
  throw not_implemented("numerical_gradient (Matrix)");
}
