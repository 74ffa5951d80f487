// chapters/02_gradient/example_functions_given.cpp: the book's example function, given
// ready-made. Contract in gradient.h.
#include "chapters/02_gradient/gradient.h"

// Summed from x₀ up, as numpy's np.sum(x**2) does for two entries, so that f(3, 4) is
// 3·3 + 4·4 exactly as the book computes it.
double function_2(const Vector& x) {
  double total = 0.0;
  for (double xi : x) total += xi * xi;
  return total;
}
