// chapters/04_learning_rate_lab/learning_rate_lab.h: the learning rate decides whether
// gradient descent arrives, crawls or flies off. Here you predict from the update's
// formula where descent on a bowl stops converging, find that rate by experiment, and
// judge finished runs.
//
// Exercises (learning_rate_lab.cpp): predicted_outcome, find_lr_limit, classify_run.
// Given (lab_given.cpp): learning_rate_sweep, describe.
//
// Notation as in lesson 03: x_k is the point after k steps, n the number of steps, lr
// the learning rate (the book's η).
#pragma once

#include <string>
#include <vector>

#include "chapters/02_gradient/gradient.h"
#include "chapters/03_gradient_descent/gradient_descent.h"

// What a run does: arrives at the minimum, neither arrives nor leaves, or flies off.
enum class Outcome { converged, still_moving, diverged };

// ---- Predict: the long run, from the formula -------------------------------------------

// What gradient descent does in the long run (k → ∞) on a bowl that curves by c =
// `curvature` along every axis, f(x) = (c/2)·‖x‖² (function_2 = x0² + x1² has c = 2).
// There ∇f(x) = c·x, so every step multiplies x by the same factor r:
//   x_{k+1} = x_k − lr·c·x_k = r·x_k,   r = 1 − lr·c,   so x_k = r^k · x_0
//   |r| < 1: converged      (x_k shrinks to the minimum 0)
//   |r| = 1: still_moving   (|x_k| = |x_0| for ever: x stays put, or bounces to −x and back)
//   |r| > 1: diverged       (|x_k| grows without bound)
// A negative lr is gradient ascent. Throws std::invalid_argument naming
// predicted_outcome if curvature is not a positive finite number (no bowl).
Outcome predicted_outcome(double lr, double curvature);

// ---- Find: the same limit, by experiment ------------------------------------------------

// Two learning rates either side of the rate where descent stops converging.
struct LrBracket {
  double lo = 0.0;  // the run still ends lower than it started
  double hi = 0.0;  // the run no longer does
};

// The learning rate at which gradient descent on f from init_x stops converging, found
// by running it. A rate lr "still descends" if its run ends lower than it started:
//   run = gradient_descent(f, init_x, lr, step_num):   f(x_n) < f(x_0)
// Bisection from [lo, hi], where lr = lo still descends and lr = hi does not: each of
// `rounds` rounds runs the midpoint m = (lo + hi) / 2 and keeps the half in which the
// change happens (m still descends: lo = m; otherwise hi = m). Every run starts at
// init_x. Returns the last bracket; its width is (hi − lo) / 2^rounds of the first.
// Throws std::invalid_argument naming find_lr_limit if lo ≥ hi, step_num < 1,
// rounds < 0, the run at lo does not descend, or the run at hi does.
LrBracket find_lr_limit(const FunctionND& f, const Vector& init_x, double lo, double hi,
                        int step_num, int rounds);

// ---- Judge: a finished run, from f along its path ------------------------------------------

// How a run of n steps is judged, from f along its path: f(x_0), f(x_1), …, f(x_n). The
// rules assume f ≥ 0 with 0 as its lowest value, as for the bowl function_2.
//   converged at step k:  f(x_k) < kConvergedBelow
//   diverged at step k:   f(x_k) > kDivergedFactor · f(x_0), or f(x_k) is not finite
//                         (inf, or NaN: the "number" inf − inf and 0 · inf give)
// The first step k at which either rule holds decides the verdict; if no step does,
// the run is still moving after its n steps.
// Why f and not the step length: at lr = 1e-10 each step moves x by about 1e-9, which
// looks like arrival, yet f is still 24.999999 after 100 steps.
constexpr double kConvergedBelow = 1e-12;
constexpr double kDivergedFactor = 1e6;

// The verdict on one run.
struct RunStatus {
  Outcome outcome = Outcome::still_moving;
  int step = 0;  // converged or diverged: the step k that decided it;
                 // still_moving: n, the last step (f_values.size() − 1)
};

// The verdict on the run whose f along the path is f_values[k] = f(x_k), k = 0 … n
// (rules above). Throws std::invalid_argument naming classify_run if f_values is
// empty: every run has at least its start.
RunStatus classify_run(const std::vector<double>& f_values);

// ---- Given ------------------------------------------------------------------------------

// One row of a sweep: a whole run at one learning rate.
struct SweepRow {
  double lr = 0.0;
  Vector x;                      // the end point x_n
  std::vector<double> f_values;  // f(x_k) for k = 0 … n: n + 1 values, the last is f(x)
  RunStatus status;              // classify_run(f_values)
};

// Given: for each rate in `rates`, in order, a fresh run from init_x:
//   gradient_descent(f, init_x, lr, step_num), f at every point of its path, and
//   classify_run on those values.
// Returns one row per rate, in the order of `rates`. Throws std::invalid_argument naming
// learning_rate_sweep if step_num < 0.
std::vector<SweepRow> learning_rate_sweep(const FunctionND& f, const Vector& init_x,
                                          const std::vector<double>& rates, int step_num);

// Given: the verdict in words, as the program prints it:
// "converged at step 70", "still moving", "diverged at step 3".
std::string describe(const RunStatus& status);
