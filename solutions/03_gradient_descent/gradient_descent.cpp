// 03_gradient_descent/gradient_descent.cpp: one step downhill, then many. Contracts are in
// gradient_descent.h.
#include "chapters/03_gradient_descent/gradient_descent.h"

#include <cstddef>
#include <stdexcept>
#include <string>

#include "chapters/02_gradient/gradient.h"
#include "common/not_implemented.h"

// One step downhill, against lesson 02's numerical gradient.
Vector gradient_step(const FunctionND& f, const Vector& x, double lr) {
  // The gradient points where f rises fastest, so its opposite is the steepest way down.
  const Vector grad = numerical_gradient(f, x);
  Vector next = x;
  for (std::size_t i = 0; i < next.size(); ++i) {
    // lr · grad first, then the subtraction, as numpy's `x -= lr * grad` does: the same
    // order gives the book's digits.
    next[i] -= lr * grad[i];
  }
  return next;
}

// The walk: many steps in a row, and the path they trace for the program to plot.
DescentResult gradient_descent(const FunctionND& f, const Vector& init_x, double lr, int step_num) {
  // A negative count is a caller's mistake; a loop would quietly treat it as 0.
  if (step_num < 0) {
    throw std::invalid_argument("gradient_descent: step_num is " + std::to_string(step_num) +
                                ", it must be 0 or more");
  }
  DescentResult result;
  result.path.reserve(static_cast<std::size_t>(step_num) + 1);
  Vector x = init_x;
  result.path.push_back(x);  // x_0, the start
  for (int k = 0; k < step_num; ++k) {
    // The gradient is taken afresh at the point we stand on now, so each step follows the
    // slope where it is, not where the walk began.
    x = gradient_step(f, x, lr);
    result.path.push_back(x);  // x_{k+1}
  }
  result.x = x;
  return result;
}
