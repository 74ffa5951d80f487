// 01_numerical_diff/numerical_diff.cpp: derivatives from function values. Contracts are
// in numerical_diff.h.
#include "chapters/01_numerical_diff/numerical_diff.h"

#include "common/not_implemented.h"

// The derivative every later lesson uses, estimated from f on both sides of x.
double numerical_diff(const Function1D& f, double x, double h) {
  // TODO: evaluate f one step h to the right of x and one step to the left, and divide
  // their difference by the distance between the two points. Use the h you are given
  // (do not write 1e-4 here: callers pass other steps).
  (void)f, (void)x, (void)h;
  throw not_implemented("numerical_diff");
}

// The one-sided estimate, kept to set its larger error beside numerical_diff's.
double forward_diff(const Function1D& f, double x, double h) {
  // TODO: the slope between the points x and x + h, using the h you are given.
  (void)f, (void)x, (void)h;
  throw not_implemented("forward_diff");
}

// The line that touches f at a, as a function the program can draw beside f.
Function1D tangent_line(const Function1D& f, double a) {
  // TODO: compute the slope at a (with your numerical_diff) and the height f(a) once,
  // then return a lambda of x that captures them by value and gives the line's height.
  (void)f, (void)a;
  throw not_implemented("tangent_line");
}
