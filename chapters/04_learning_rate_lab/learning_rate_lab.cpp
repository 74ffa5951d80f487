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
  // TODO: throw std::invalid_argument if curvature is not a positive finite number. Then
  // work out the factor by which one step multiplies x on this bowl (the header derives
  // it) and decide from its size alone: no runs, no loops.
  (void)lr, (void)curvature;
  throw not_implemented("predicted_outcome");
}

// Find: the learning rate where descent stops converging, by bisection on real runs.
LrBracket find_lr_limit(const FunctionND& f, const Vector& init_x, double lo, double hi,
                        int step_num, int rounds) {
  // TODO: check the arguments first (the header lists what to refuse), with messages
  // that name find_lr_limit. Then, with lesson 03's gradient_descent, a run of step_num
  // steps from init_x tells whether a rate still descends; check both ends, and halve
  // the bracket `rounds` times, keeping the half in which descent stops.
  (void)f, (void)init_x, (void)lo, (void)hi, (void)step_num, (void)rounds;
  throw not_implemented("find_lr_limit");
}

// Judge: the verdict on a finished run, read from f along its path.
RunStatus classify_run(const std::vector<double>& f_values) {
  // TODO: throw std::invalid_argument if f_values is empty. Then walk k = 0, 1, … and
  // return the verdict at the first step where a rule holds; if none does, still moving
  // after n steps. Use the constants from the header, not numbers of your own.
  (void)f_values;
  throw not_implemented("classify_run");
}
