// 02_gradient/gradient.cpp: the gradient by central differences. Contracts are in
// gradient.h.
#include "chapters/02_gradient/gradient.h"

#include <cstddef>

#include "chapters/01_numerical_diff/numerical_diff.h"
#include "common/not_implemented.h"

// Every partial derivative of f at a point, each by lesson 01's central difference.
Vector numerical_gradient(const FunctionND& f, const Vector& x) {
  Vector grad(x.size());
  // A copy to perturb: x is const, and the caller's point must stay where it is.
  Vector point = x;
  for (std::size_t i = 0; i < x.size(); ++i) {
    // f along axis i alone, every other coordinate held at x: a function of one
    // variable, as in lesson 01's partial derivatives (the book's function_tmp1).
    const Function1D along_axis = [&](double t) {
      point[i] = t;
      return f(point);
    };
    grad[i] = numerical_diff(along_axis, x[i], kDiffStep);
    // Put xᵢ back by copying the original, not by adding h: (x − h) + h can differ from
    // x in the last bit, and the next partial must be taken at x itself.
    point[i] = x[i];
  }
  return grad;
}

// The same for a matrix of parameters, nudged in place: the form lessons 05–07 use on a
// network's weights.
Matrix numerical_gradient(const std::function<double(const Matrix&)>& f, Matrix& W) {
  const double h = kDiffStep;
  // Same shape as W: entry (i, j) of the gradient belongs to entry (i, j) of W.
  Matrix grad(W.rows(), W.cols());
  // Storage is row-major and contiguous, so one index k walks every (i, j) once.
  double* w = W.data();
  double* g = grad.data();
  for (std::size_t k = 0; k < W.size(); ++k) {
    // Perturb W itself, not a copy: f may read the weights through a reference of its
    // own (a network's loss) rather than through its argument.
    const double original = w[k];
    w[k] = original + h;
    const double f_plus = f(W);
    w[k] = original - h;
    const double f_minus = f(W);
    // Restore from the saved value: (original + h) − h need not equal original.
    w[k] = original;
    g[k] = (f_plus - f_minus) / (2 * h);
  }
  return grad;
}
