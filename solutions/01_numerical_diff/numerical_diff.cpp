// 01_numerical_diff/numerical_diff.cpp: derivatives from function values. Contracts are
// in numerical_diff.h.
#include "chapters/01_numerical_diff/numerical_diff.h"

#include "common/not_implemented.h"

// The central difference: f'(x) ≈ (f(x + h) − f(x − h)) / 2h.
// Error O(h²) until rounding takes over.
double numerical_diff(const Function1D& f, double x, double h) {
  // Taylor: f(x ± h) = f(x) ± h f'(x) + h²/2 f''(x) ± h³/6 f'''(x) + …
  // Subtracting, the f(x) and h² terms cancel: the error is only h²/6 f'''(x).
  // 2h is exact in binary (a doubling), so the division rounds only once.
  // f'(x) ≈ (f(x + h) − f(x − h)) / 2h
  return (f(x + h) - f(x - h)) / (2 * h);
}

// The forward difference: f'(x) ≈ (f(x + h) − f(x)) / h.
// Error O(h).
double forward_diff(const Function1D& f, double x, double h) {
  // Taylor: f(x + h) − f(x) = h f'(x) + h²/2 f''(x) + …; dividing by h leaves the
  // error h/2 f''(x), which shrinks only in proportion to h.
  // f'(x) ≈ (f(x + h) − f(x)) / h
  return (f(x + h) - f(x)) / h;
}

// The tangent to f at x = a: t(x) = f(a) + f'(a)·(x − a), with f'(a) by numerical_diff.
Function1D tangent_line(const Function1D& f, double a) {
  // Both numbers are fixed by the point of contact, so compute them once here; the
  // returned function captures them by value and outlives f and a.
  const double slope = numerical_diff(f, a);
  const double height = f(a);
  // t(x) = f(a) + f'(a)·(x − a): equals f(a) at x = a and rises by the slope per unit.
  return [slope, height, a](double x) { return height + slope * (x - a); };
}
