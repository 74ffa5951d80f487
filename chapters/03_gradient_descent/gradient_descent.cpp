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
  // TODO: take the gradient of f at x with numerical_gradient, then return a copy of x
  // with lr · gradient subtracted from each entry. Do not work out the gradient by hand:
  // the function must work for any f.
  (void)f, (void)x, (void)lr;
  throw not_implemented("gradient_step");
}

// The walk: many steps in a row, and the path they trace for the program to plot.
DescentResult gradient_descent(const FunctionND& f, const Vector& init_x, double lr, int step_num) {
  // TODO: throw std::invalid_argument if step_num < 0, with a message that names
  // gradient_descent and the bad count. Then start at init_x, record it in the path, and
  // take step_num steps with gradient_step, recording each new point. Fill in both
  // fields of the result: path (step_num + 1 points) and x (the last point).
  (void)f, (void)init_x, (void)lr, (void)step_num;
  throw not_implemented("gradient_descent");
}
