// chapters/04_learning_rate_lab/describe_given.cpp: a verdict in words, given ready-made.
// Contract in learning_rate_lab.h.
#include <string>

#include "chapters/04_learning_rate_lab/learning_rate_lab.h"

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
