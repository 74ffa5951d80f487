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
  if (f_values.empty()) {
    throw std::invalid_argument("classify_run: f_values is empty; a run has at least f(x_0)");
  }
  // The limit is relative to the start: "a millionfold worse than where we began"
  // means the same for a bowl starting at f = 25 as for a loss starting at 2.3.
  const double limit = kDivergedFactor * f_values.front();
  for (std::size_t k = 0; k < f_values.size(); ++k) {
    const double fk = f_values[k];
    // isfinite first: NaN compares false with everything, so `fk > limit` alone would
    // wave a NaN through, and `fk < kConvergedBelow` would not catch it either.
    // diverged: f(x_k) not finite, or f(x_k) > 1e6 · f(x_0)
    if (!std::isfinite(fk) || fk > limit) return {Outcome::diverged, static_cast<int>(k)};
    // converged: f(x_k) < 1e-12
    if (fk < kConvergedBelow) return {Outcome::converged, static_cast<int>(k)};
  }
  // Neither rule held at any step: n = size − 1 steps were taken, all undecided.
  return {Outcome::still_moving, static_cast<int>(f_values.size() - 1)};
}

// For each rate in `rates`, in order, a fresh run from init_x:
//   gradient_descent(f, init_x, lr, step_num), f at every point of its path, and
//   classify_run on those values.
// Returns one row per rate, in the order of `rates`.
std::vector<SweepRow> learning_rate_sweep(const FunctionND& f, const Vector& init_x,
                                          const std::vector<double>& rates, int step_num) {
  std::vector<SweepRow> rows;
  rows.reserve(rates.size());
  for (const double lr : rates) {
    // Every rate starts from init_x itself, never from where the previous rate ended:
    // otherwise the rows would not be comparable.
    const DescentResult run = gradient_descent(f, init_x, lr, step_num);
    SweepRow row;
    row.lr = lr;
    row.x = run.x;
    // f_values[k] = f(x_k) for k = 0 … n: the start counts, so a verdict's step k
    // matches path[k].
    row.f_values.reserve(run.path.size());
    for (const Vector& point : run.path) row.f_values.push_back(f(point));
    row.status = classify_run(row.f_values);
    rows.push_back(std::move(row));
  }
  return rows;
}

// Gradient ascent: x_0 = init_x,   x_{k+1} = x_k + lr · ∇f(x_k).
// Same result and path contract as gradient_descent.
DescentResult gradient_ascent(const FunctionND& f, const Vector& init_x, double lr, int step_num) {
  // x + lr · ∇f = x − (−lr) · ∇f: ascent is descent with the rate negated. Negating a
  // double is exact, so this gives the very same bits as writing the `+` out, and the
  // path contract and the step_num check come with gradient_descent.
  return gradient_descent(f, init_x, -lr, step_num);
}
