// chapters/04_learning_rate_lab/lab_given.cpp: the sweep over learning rates and the
// words for a verdict, given ready-made. Contracts in learning_rate_lab.h.
#include <stdexcept>
#include <string>
#include <utility>

#include "chapters/03_gradient_descent/gradient_descent.h"
#include "chapters/04_learning_rate_lab/learning_rate_lab.h"

std::vector<SweepRow> learning_rate_sweep(const FunctionND& f, const Vector& init_x,
                                          const std::vector<double>& rates, int step_num) {
  if (step_num < 0) {
    throw std::invalid_argument("learning_rate_sweep: step_num is " + std::to_string(step_num) +
                                ", it must be 0 or more");
  }
  std::vector<SweepRow> rows;
  rows.reserve(rates.size());
  for (const double lr : rates) {
    // Every rate starts from init_x itself, never from where the previous rate ended:
    // otherwise the rows would not be comparable.
    const DescentResult run = gradient_descent(f, init_x, lr, step_num);
    SweepRow row;
    row.lr = lr;
    row.x = run.x;
    // The start counts too, so a verdict's step k matches path[k].
    row.f_values.reserve(run.path.size());
    for (const Vector& point : run.path) row.f_values.push_back(f(point));
    row.status = classify_run(row.f_values);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string describe(const RunStatus& status) {
  switch (status.outcome) {
    case Outcome::converged:
      return "converged at step " + std::to_string(status.step);
    case Outcome::diverged:
      return "diverged at step " + std::to_string(status.step);
    case Outcome::still_moving:
      break;
  }
  return "still moving";
}
