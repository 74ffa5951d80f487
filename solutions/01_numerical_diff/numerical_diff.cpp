// 01_numerical_diff/numerical_diff.cpp: derivatives from function values. Contracts are
// in numerical_diff.h.
#include "chapters/01_numerical_diff/numerical_diff.h"

#include "common/not_implemented.h"

// The derivative every later lesson uses, estimated from f on both sides of x.
double numerical_diff(const Function1D& f, double x, double h) {
  // Taylor: f(x ± h) = f(x) ± h f'(x) + h²/2 f''(x) ± h³/6 f'''(x) + …
  // Subtracting, the f(x) and h² terms cancel: the error is only h²/6 f'''(x).
  // 2h is exact in binary (a doubling), so the division rounds only once.
  return (f(x + h) - f(x - h)) / (2 * h);
}

// The one-sided estimate, kept to set its larger error beside numerical_diff's.
double forward_diff(const Function1D& f, double x, double h) {
  // Taylor: f(x + h) − f(x) = h f'(x) + h²/2 f''(x) + …; dividing by h leaves the
  // error h/2 f''(x), which shrinks only in proportion to h.
  return (f(x + h) - f(x)) / h;
}

// The line that touches f at a, as a function the program can draw beside f.
Function1D tangent_line(const Function1D& f, double a) {
  // Both numbers are fixed by the point of contact, so compute them once here; the
  // returned function captures them by value and outlives f and a.
  const double slope = numerical_diff(f, a);
  const double height = f(a);
  // At x = a the line is at f(a), and it rises by the slope for each unit x moves away.
  return [slope, height, a](double x) { return height + slope * (x - a); };
}
