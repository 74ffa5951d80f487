// chapters/04_learning_rate_lab/learning_rate_lab.h: the learning rate decides whether
// gradient descent arrives, crawls or flies off. Here runs are judged, many rates are
// tried side by side, and the update's sign is flipped to see what that does.
//
// Exercises (learning_rate_lab.cpp): classify_run, learning_rate_sweep, gradient_ascent.
// Given (describe_given.cpp): describe, the words the program prints for a verdict.
//
// Notation as in chapter 03: x_k is the point after k steps, n the number of steps,
// lr the learning rate (the book's η).
#pragma once

#include <string>
#include <vector>

#include "chapters/02_gradient/gradient.h"
#include "chapters/03_gradient_descent/gradient_descent.h"

// How a run is judged, from f along its path: f(x_0), f(x_1), …, f(x_n). The rules
// assume f ≥ 0 with 0 as its lowest value, as for the bowl function_2.
//   converged at step k:  f(x_k) < kConvergedBelow
//   diverged at step k:   f(x_k) > kDivergedFactor · f(x_0), or f(x_k) is not finite
//                         (inf, or NaN: the "number" inf − inf and 0 · inf give)
// The first step k at which either rule holds decides the verdict; if no step does,
// the run is still moving after its n steps.
// Why f and not the step length: at lr = 1e-10 each step moves x by about 1e-9, which
// looks like arrival, yet f is still 24.999999 after 100 steps.
constexpr double kConvergedBelow = 1e-12;
constexpr double kDivergedFactor = 1e6;

enum class Outcome { converged, still_moving, diverged };

// The verdict on one run.
struct RunStatus {
  Outcome outcome = Outcome::still_moving;
  int step = 0;  // converged or diverged: the step k that decided it;
                 // still_moving: n, the last step (f_values.size() − 1)
};

// The verdict on the run whose f along the path is f_values[k] = f(x_k), k = 0 … n
// (rules above). Throws std::invalid_argument if f_values is empty: every run has at
// least its start.
RunStatus classify_run(const std::vector<double>& f_values);

// One row of a sweep: a whole run at one learning rate.
struct SweepRow {
  double lr = 0.0;
  Vector x;                      // the end point x_n
  std::vector<double> f_values;  // f(x_k) for k = 0 … n: n + 1 values, the last is f(x)
  RunStatus status;              // classify_run(f_values)
};

// For each rate in `rates`, in order, a fresh run from init_x:
//   gradient_descent(f, init_x, lr, step_num), f at every point of its path, and
//   classify_run on those values.
// Returns one row per rate, in the order of `rates`.
std::vector<SweepRow> learning_rate_sweep(const FunctionND& f, const Vector& init_x,
                                          const std::vector<double>& rates, int step_num);

// Gradient ascent: the descent update with its sign flipped,
//   x_0 = init_x,   x_{k+1} = x_k + lr · ∇f(x_k)
// so each step climbs the steepest way up. Same result and path contract as
// gradient_descent (step_num + 1 points, start and end included; a negative step_num
// throws std::invalid_argument).
DescentResult gradient_ascent(const FunctionND& f, const Vector& init_x, double lr, int step_num);

// Given: the verdict in words, as the program prints it:
// "converged at step 70", "still moving", "diverged at step 3".
std::string describe(const RunStatus& status);
