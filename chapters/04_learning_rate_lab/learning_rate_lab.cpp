// 04_learning_rate_lab/learning_rate_lab.cpp: judging runs, sweeping learning rates, and
// the update with its sign flipped. Contracts are in learning_rate_lab.h.
#include "chapters/04_learning_rate_lab/learning_rate_lab.h"

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <utility>

#include "chapters/03_gradient_descent/gradient_descent.h"
#include "common/not_implemented.h"

// The verdict on the run whose f along the path is f_values[k] = f(x_k), k = 0 … n:
//   converged at step k:  f(x_k) < kConvergedBelow
//   diverged at step k:   f(x_k) > kDivergedFactor · f(x_0), or f(x_k) is not finite
// The first step at which either rule holds decides; otherwise still moving after n
// steps. An empty f_values throws std::invalid_argument.
RunStatus classify_run(const std::vector<double>& f_values) {
  // TODO: throw std::invalid_argument if f_values is empty. Then walk k = 0, 1, … and
  // return {Outcome::diverged, k} or {Outcome::converged, k} at the first step where a
  // rule holds; if none does, {Outcome::still_moving, n}. Use the constants from the
  // header, not numbers of your own.
  (void)f_values;
  throw not_implemented("classify_run");
}

// For each rate in `rates`, in order, a fresh run from init_x:
//   gradient_descent(f, init_x, lr, step_num), f at every point of its path, and
//   classify_run on those values.
// Returns one row per rate, in the order of `rates`.
std::vector<SweepRow> learning_rate_sweep(const FunctionND& f, const Vector& init_x,
                                          const std::vector<double>& rates, int step_num) {
  // TODO: for each lr, run chapter 03's gradient_descent from init_x and fill one SweepRow:
  // lr, the end point, f at every point of the path (start included) and the verdict of
  // classify_run.
  (void)f, (void)init_x, (void)rates, (void)step_num;
  throw not_implemented("learning_rate_sweep");
}

// Gradient ascent: x_0 = init_x,   x_{k+1} = x_k + lr · ∇f(x_k).
// Same result and path contract as gradient_descent.
DescentResult gradient_ascent(const FunctionND& f, const Vector& init_x, double lr, int step_num) {
  // TODO: the walk of chapter 03's gradient_descent with each step going up the gradient
  // instead of down. Return the end point and the path (step_num + 1 points).
  (void)f, (void)init_x, (void)lr, (void)step_num;
  throw not_implemented("gradient_ascent");
}
