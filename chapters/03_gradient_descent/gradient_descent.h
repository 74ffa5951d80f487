// chapters/03_gradient_descent/gradient_descent.h: walking downhill. A step against the
// gradient lowers f; many small steps in a row reach a minimum.
//
// Notation: x_k is the point after k steps (x_0 is the start), lr the learning rate
// (the book's η, "eta"), ∇f the gradient from lesson 02's numerical_gradient. The
// examples walk down lesson 02's bowl function_2, f(x) = x₀² + x₁², whose gradient is
// 2x and whose only minimum is f(0, 0) = 0.
#pragma once

#include <vector>

#include "chapters/02_gradient/gradient.h"

// One step of gradient descent with learning rate lr:
//   x_new = x − lr · ∇f(x)
// ∇f(x) by numerical_gradient (lesson 02). Returns the new point; x is not changed.
Vector gradient_step(const FunctionND& f, const Vector& x, double lr);

// What gradient_descent returns: where the walk ended and every point on the way.
struct DescentResult {
  Vector x;                  // the end point x_step_num
  std::vector<Vector> path;  // path[k] = x_k for k = 0 … step_num: step_num + 1 points,
                             // path.front() = init_x (the start), path.back() = x (the end)
};

// step_num steps of gradient descent from init_x:
//   x_0 = init_x,   x_{k+1} = x_k − lr · ∇f(x_k)
// The gradient is taken afresh at every point. Returns the end point and the path,
// start and end included (see DescentResult). step_num = 0 gives init_x and a path of
// one point; a negative step_num throws std::invalid_argument naming gradient_descent.
// The book's gradient_descent(f, init_x, lr=0.01, step_num=100) returns (x, x_history),
// where x_history records x before each step: it is our path without its last point.
DescentResult gradient_descent(const FunctionND& f, const Vector& init_x, double lr, int step_num);
