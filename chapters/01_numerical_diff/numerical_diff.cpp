// 01_numerical_diff/numerical_diff.cpp: derivatives from function values. Contracts are
// in numerical_diff.h.
#include "chapters/01_numerical_diff/numerical_diff.h"

#include "common/not_implemented.h"

// The central difference: f'(x) ≈ (f(x + h) − f(x − h)) / 2h.
// Error O(h²) until rounding takes over.
double numerical_diff(const Function1D& f, double x, double h) {
  // TODO: evaluate f one step h to the right of x and one step to the left, and divide
  // their difference by the distance between the two points. Use the h you are given
  // (do not write 1e-4 here: callers pass other steps).
  (void)f, (void)x, (void)h;
  throw not_implemented("numerical_diff");
}

// The forward difference: f'(x) ≈ (f(x + h) − f(x)) / h.
// Error O(h).
double forward_diff(const Function1D& f, double x, double h) {
  // TODO: the slope between the points x and x + h, using the h you are given.
  (void)f, (void)x, (void)h;
  throw not_implemented("forward_diff");
}

// The tangent to f at x = a: t(x) = f(a) + f'(a)·(x − a), with f'(a) by numerical_diff.
Function1D tangent_line(const Function1D& f, double a) {
  // TODO: compute the slope at a (with your numerical_diff) and the height f(a) once,
  // then return a lambda of x that captures them by value and gives the line's height.
  (void)f, (void)a;
  throw not_implemented("tangent_line");
}
