// 04_learning_rate_lab/learning_rate_lab.cpp: predicting where descent stops converging,
// finding that rate by experiment, and judging a run. Contracts are in
// learning_rate_lab.h.
#include "chapters/04_learning_rate_lab/learning_rate_lab.h"

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

#include "chapters/03_gradient_descent/gradient_descent.h"
#include "common/format.h"
#include "common/not_implemented.h"

// Predict: the long run on a bowl, from the update's formula alone, with no run.
Outcome predicted_outcome(double lr, double curvature) {
  // !(c > 0) also refuses NaN, which fails every comparison.
  if (!(curvature > 0) || !std::isfinite(curvature)) {
    throw std::invalid_argument("predicted_outcome: curvature is " + repr(curvature) +
                                "; a bowl curves up, so it must be a positive number");
  }
  // The size of r alone decides (learning_rate_lab.h derives r). |r| < 1 ⇔ 0 < lr < 2/c:
  // the limit is 2/c, twice the rate 1/c that lands on the minimum in one step (r = 0),
  // and a negative lr (ascent) makes r > 1 whatever its size.
  const double r = 1.0 - lr * curvature;
  if (std::abs(r) < 1.0) return Outcome::converged;
  if (std::abs(r) > 1.0) return Outcome::diverged;
  return Outcome::still_moving;
}

// Find: the learning rate where descent stops converging, by bisection on real runs.
LrBracket find_lr_limit(const FunctionND& f, const Vector& init_x, double lo, double hi,
                        int step_num, int rounds) {
  const std::string name = "find_lr_limit: ";
  // !(lo < hi) also refuses NaN.
  if (!(lo < hi)) {
    throw std::invalid_argument(name + "the bracket [" + repr(lo) + ", " + repr(hi) +
                                "] is empty: lo must be below hi");
  }
  // Checked here, not left to gradient_descent, so the message names what was called.
  if (step_num < 1) {
    throw std::invalid_argument(name + "step_num is " + std::to_string(step_num) +
                                "; a run needs at least one step to end lower or higher");
  }
  if (rounds < 0) {
    throw std::invalid_argument(name + "rounds is " + std::to_string(rounds) +
                                ", it must be 0 or more");
  }
  // Whether the run at lr ends lower than it started. The whole run, not its last step:
  // a run that converges until rounding freezes it at a tiny x, or one that diverges
  // until x is so large that x ± h rounds to x, ends with two equal last values, but it
  // still ended far below, or far above, where it began.
  const auto descends = [&](double lr) {
    const DescentResult run = gradient_descent(f, init_x, lr, step_num);
    return f(run.path.back()) < f(run.path.front());
  };
  if (!descends(lo)) {
    throw std::invalid_argument(name + "at lo = " + repr(lo) +
                                " the run does not end lower than it starts. HINT: choose a "
                                "smaller lo, where descent still converges");
  }
  if (descends(hi)) {
    throw std::invalid_argument(name + "at hi = " + repr(hi) +
                                " the run still ends lower than it starts. HINT: choose a "
                                "larger hi, past the limit");
  }
  for (int round = 0; round < rounds; ++round) {
    // Each round keeps lo descending and hi not, so the limit stays between them while
    // the bracket halves.
    const double mid = (lo + hi) / 2;
    if (descends(mid)) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return {lo, hi};
}

// Judge: the verdict on a finished run, read from f along its path.
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
    if (!std::isfinite(fk) || fk > limit) return {Outcome::diverged, static_cast<int>(k)};
    if (fk < kConvergedBelow) return {Outcome::converged, static_cast<int>(k)};
  }
  // Neither rule held at any step: n = size − 1 steps were taken, all undecided.
  return {Outcome::still_moving, static_cast<int>(f_values.size() - 1)};
}
