// chapters/04_learning_rate_lab/main.cpp: `make run CH=04` runs gradient descent on the
// bowl f(x) = x0² + x1² from (−3, 4) at learning rates from 1e-10 to 10, prints each
// run's end beside your predicted_outcome and your classify_run's verdict, finds the rate
// where descent stops converging with your find_lr_limit, follows the lr = 10 run step by
// step to show where its odd end point comes from, flips the update's sign, and draws f
// against the step for several rates.
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "chapters/02_gradient/gradient.h"
#include "chapters/03_gradient_descent/gradient_descent.h"
#include "chapters/04_learning_rate_lab/learning_rate_lab.h"
#include "common/cli.h"
#include "common/format.h"
#include "common/svg.h"

namespace {

const std::string kOutDir = "out/04_learning_rate_lab/";
const Vector kStart = {-3.0, 4.0};
constexpr long kBookSteps = 100;
// function_2 = x0² + x1² curves by 2 along every axis (its second derivative).
constexpr double kBowlCurvature = 2.0;

// Every decade from 1e-10 to 10, plus 0.5, 0.9 and 1.1, where the bowl's behaviour
// changes (the lesson explains why at 0.5 and at 1).
constexpr std::array<double, 15> kRates = {1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3,
                                           1e-2,  0.1,  0.5,  0.9,  1.0,  1.1,  10.0};
// The rates drawn in f_by_step.svg.
const std::vector<double> kPlotRates = {1e-2, 0.1, 0.9, 1.0, 1.1, 10.0};

// The book's three runs (gradient_method.py and the text after it), 100 steps from
// (−3, 4): numpy prints the first two with %.8e and the last with %.8f.
struct BookRun {
  double lr;
  Vector x;
  bool fixed_point;
};
const std::vector<BookRun> kBookRuns = {
    {0.1, {-6.11110793e-10, 8.14814391e-10}, false},
    {10.0, {-2.58983747e+13, -1.29524862e+12}, false},
    {1e-10, {-2.99999994, 3.99999992}, true},
};

// The lr = 10 run is followed step by step up to here (it stops moving at step 10).
constexpr int kTraceSteps = 12;

// The limit, found by experiment: bisection rounds and steps per run (find_lr_limit).
constexpr int kLimitRounds = 40;
constexpr int kLimitSteps = 100;

// --steps is bounded by the memory the program holds for it. Per step: one f value for
// each of the sweep's rates (kept for the picture), plus one point of the run in flight
// (a Vector, and its two coordinates in a heap block of 16 bytes behind a 16-byte header).
constexpr std::size_t kBytesPerStep = sizeof(double) * kRates.size() + sizeof(Vector) + 32;
// The picture draws at most this many points per line, whatever the number of steps.
constexpr long kMaxPlotPoints = 2000;

// %.8e with a space where a positive number has no sign, so columns line up.
std::string cell(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "% .8e", v);
  return buf;
}

std::string point(const Vector& x) { return "(" + cell(x[0]) + ", " + cell(x[1]) + ")"; }

// numpy's two ways of printing an array of floats, for tuple().
std::string sci8(double v) { return sci(v, 8); }
std::string fixed8(double v) { return fixed(v, 8); }

// The shortest digits that read back as v, in powers-of-ten notation as the lesson writes
// it: 1e6, 2.5e7 (repr prints those as 1000000.0 and 25000000.0).
std::string e_notation(double v) {
  char buf[64];
  const std::string text(
      buf, std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific).ptr);
  const std::size_t e = text.find('e');
  return text.substr(0, e + 1) + std::to_string(std::stoi(text.substr(e + 1)));
}

// Left-aligned in a field of `width` characters.
std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.resize(width, ' ');
  return s;
}

// On this bowl ∇f = 2x, so in exact arithmetic x_{k+1} = (1 − 2·lr)·x_k (ascent: lr < 0):
//   x_k = (1 − 2·lr)^k · x_0,   f(x_k) = (1 − 2·lr)^(2k) · f(x_0)
Vector exact_walk(double lr, long k) {
  const double factor = std::pow(1.0 - 2.0 * lr, static_cast<double>(k));
  return {factor * kStart[0], factor * kStart[1]};
}

// f against the step on a log scale, one line per rate, with the two verdict limits.
void write_f_plot(const std::vector<const SweepRow*>& rows, const std::string& path) {
  Plot plot;
  plot.title = "f(x_k) on x0² + x1² from (-3, 4), by learning rate";
  plot.x_label = "step k";
  plot.y_label = "f(x_k)";
  plot.log_y = true;
  plot.width = 720;
  plot.height = 520;
  const double steps = static_cast<double>(rows.front()->f_values.size() - 1);
  const double f0 = rows.front()->f_values.front();
  for (const SweepRow* drawn : rows) {
    const SweepRow& row = *drawn;
    Series s{{}, {}, "lr " + repr(row.lr) + ": " + describe(row.status)};
    // lr 0.9 gives the very same f as lr 0.1 (|1 − 2·lr| = 0.8 for both): dashed on top,
    // so that both stay visible.
    s.dashed = row.lr == 0.9;
    const std::size_t last = row.f_values.size() - 1;
    const std::size_t stride = last / kMaxPlotPoints + 1;
    for (std::size_t k = 0; k <= last; k += stride) {
      s.x.push_back(static_cast<double>(k));
      s.y.push_back(row.f_values[k]);
    }
    plot.series.push_back(s);
  }
  plot.series.push_back({{0, steps},
                         {kDivergedFactor * f0, kDivergedFactor * f0},
                         "diverged above 1e6 f(x_0)",
                         "#444444",
                         false,
                         true});
  plot.series.push_back({{0, steps},
                         {kConvergedBelow, kConvergedBelow},
                         "converged below 1e-12",
                         "#999999",
                         false,
                         true});
  plot.y_range = {{1e-30, 1e30}};
  plot.legend = LegendCorner::bottom_left;
  write_svg(plot, path);
}

// The long-run outcome in words, for the sweep's "predicted" column.
std::string predicted_words(Outcome outcome) {
  switch (outcome) {
    case Outcome::converged:
      return "converges";
    case Outcome::diverged:
      return "diverges";
    case Outcome::still_moving:
      break;
  }
  return "keeps |x|";
}

// --steps, refused when the runs would not fit the memory budget.
long parse_steps(const Flags& flags) {
  const long steps = flags.integer("steps", 1);
  // f at each step of every run of the sweep, and the path of the run in flight.
  flags.require_memory(static_cast<double>(steps) * kBytesPerStep, {"steps"});
  return steps;
}

void print_header(long steps) {
  const double f0 = function_2(kStart);
  std::cout << "function: f(x) = x0^2 + x1^2 (the book's function_2)\n"
            << "start: " << tuple(kStart) << "\n"
            << "steps: " << steps << "\n"
            << "predicted: x_k = (1 - 2*lr)^k * x_0, so it converges exactly when |1 - 2*lr| < 1\n"
            << "converged: f(x_k) < " << repr(kConvergedBelow) << "\n"
            << "diverged: f(x_k) > " << e_notation(kDivergedFactor)
            << " * f(x_0) = " << e_notation(kDivergedFactor * f0) << ", or f(x_k) is inf or nan\n";
}

// The book's three runs, taken from the sweep's rows, as numpy prints them.
void print_book_runs(const std::vector<SweepRow>& rows) {
  std::cout << "\n# the book's three runs, beside the figures the book prints\n";
  for (const BookRun& book : kBookRuns) {
    for (const SweepRow& row : rows) {
      if (row.lr != book.lr) continue;
      std::string (*const one)(double) = book.fixed_point ? fixed8 : sci8;
      std::cout << "book  lr " << pad(repr(book.lr), 7) << " x " << tuple(row.x, one)
                << "   expected " << tuple(book.x, one) << "\n";
    }
  }
}

// One line per rate: where the run ended, f there and in exact arithmetic, the long-run
// prediction of predicted_outcome, and the verdict of classify_run after `steps` steps.
void print_sweep(const std::vector<SweepRow>& rows, long steps) {
  std::cout << "\n# sweep: " << steps << " steps from " << tuple(kStart)
            << " at each learning rate; exact f = f(x_0) * (1 - 2*lr)^(2*steps)\n"
            << "#      lr      end point x                           f(x)             "
               "exact f          predicted   verdict\n";
  for (const SweepRow& row : rows) {
    const Vector exact = exact_walk(row.lr, steps);
    std::cout << "sweep  " << pad(repr(row.lr), 7) << " " << point(row.x) << "   "
              << pad(sci(row.f_values.back(), 8), 15) << "  " << pad(sci(function_2(exact), 8), 16)
              << " " << pad(predicted_words(predicted_outcome(row.lr, kBowlCurvature)), 11) << " "
              << describe(row.status) << "\n";
  }
}

// The limit by experiment beside the formula's 2/c: on the bowl, and on a bowl ten times
// steeper along x1, where the steeper axis sets it.
void print_limits() {
  const auto steep = [](const Vector& x) { return x[0] * x[0] + 10 * (x[1] * x[1]); };
  const LrBracket bowl = find_lr_limit(function_2, kStart, 0.25, 2.0, kLimitSteps, kLimitRounds);
  const LrBracket steeper = find_lr_limit(steep, {1.0, 1.0}, 0.05, 0.2, kLimitSteps, kLimitRounds);
  std::cout << "\n# the limit: where descent stops converging, by bisection (" << kLimitRounds
            << " rounds, runs of " << kLimitSteps << " steps), beside the formula 2 / curvature\n"
            << "limit  x0^2 + x1^2 from " << tuple(kStart) << "     found lr in ["
            << fixed(bowl.lo, 9) << ", " << fixed(bowl.hi, 9) << "]   predicted 2/2 = 1\n"
            << "limit  x0^2 + 10*x1^2 from (1.0, 1.0)   found lr in [" << fixed(steeper.lo, 9)
            << ", " << fixed(steeper.hi, 9) << "]   predicted 2/20 = 0.1 (the steeper axis)\n";
}

// The lr = 10 run step by step: x_k, the numerical gradient there, and that gradient
// divided by the true one, 2x (the lesson's "going deeper" reads these lines).
void print_trace(long steps, const std::vector<SweepRow>& rows) {
  const DescentResult ten = gradient_descent(function_2, kStart, 10.0, kTraceSteps);
  std::cout << "\n# lr 10 step by step: x_k, the numerical gradient there, and that gradient "
               "divided by the true one, 2x\n"
            << "#      k   x0               x1               df/dx0           df/dx1         "
               "  df/dx0 / 2x0  df/dx1 / 2x1\n";
  for (int k = 0; k <= kTraceSteps; ++k) {
    const Vector& x = ten.path[static_cast<std::size_t>(k)];
    const Vector grad = numerical_gradient(function_2, x);
    char line[200];
    std::snprintf(line, sizeof line, "trace  %-3d %s  %s  %s  %s  %12.8f  %12.8f\n", k,
                  cell(x[0]).c_str(), cell(x[1]).c_str(), cell(grad[0]).c_str(),
                  cell(grad[1]).c_str(), grad[0] / (2 * x[0]) + 0.0, grad[1] / (2 * x[1]) + 0.0);
    std::cout << line;
  }
  const Vector exact_ten = exact_walk(10.0, steps);
  std::cout << "exact lr 10: x_" << steps << " = (-19)^" << steps
            << " * x_0 = " << tuple(exact_ten, sci8)
            << ", x1/x0 = " << repr(exact_ten[1] / exact_ten[0]) << "\n";
  for (const SweepRow& row : rows) {
    if (row.lr != 10.0) continue;
    std::cout << "got   lr 10: x_" << steps << " = " << tuple(row.x, sci8)
              << ", x1/x0 = " << repr(row.x[1] / row.x[0]) << "\n";
  }
}

// The sign flip: ascent is descent at a negative rate, x − (−lr)·∇f = x + lr·∇f. One run
// at a time, so only one path is held.
void print_sign_flip(long steps) {
  const double lr = 0.1;
  std::cout << "\n# the sign flip: " << steps << " steps from " << tuple(kStart) << " at lr "
            << repr(lr) << " and at lr " << repr(-lr) << " (x - (-lr)*grad = x + lr*grad)\n";
  for (const double signed_lr : {lr, -lr}) {
    const Vector end = gradient_descent(function_2, kStart, signed_lr, static_cast<int>(steps)).x;
    std::cout << "sign  lr " << pad(repr(signed_lr), 5) << (signed_lr > 0 ? " descent" : " ascent ")
              << "   x " << point(end) << "   f " << sci(function_2(end), 8) << "   exact x "
              << point(exact_walk(signed_lr, steps)) << "   predicted "
              << predicted_words(predicted_outcome(signed_lr, kBowlCurvature)) << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags("04_learning_rate_lab",
              "Gradient descent on f(x) = x0^2 + x1^2 from (-3, 4) at many learning rates: "
              "the predicted limit, the limit found, and the verdicts.");
  flags.option("steps", std::to_string(kBookSteps), "steps per run of the sweep");
  flags.parse(argc, argv);
  const long steps = parse_steps(flags);

  return guarded_main(flags, [&] {
    print_header(steps);
    const std::vector<SweepRow> rows = learning_rate_sweep(
        function_2, kStart, {kRates.begin(), kRates.end()}, static_cast<int>(steps));
    if (steps == kBookSteps) print_book_runs(rows);
    print_sweep(rows, steps);
    print_limits();
    print_trace(steps, rows);
    print_sign_flip(steps);
    std::vector<const SweepRow*> drawn;
    for (const double r : kPlotRates) {
      for (const SweepRow& row : rows) {
        if (row.lr == r) drawn.push_back(&row);
      }
    }
    const std::string picture = kOutDir + "f_by_step.svg";
    write_f_plot(drawn, picture);
    std::cout << "\npicture: " << picture << "\n";
    return 0;
  });
}
