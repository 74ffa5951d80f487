// chapters/04_learning_rate_lab/main.cpp: `make run CH=04` runs gradient descent on the
// bowl f(x) = x0² + x1² from (−3, 4) at learning rates from 1e-10 to 10 with your
// learning_rate_sweep, prints each run's end and verdict, follows the lr = 10 run step by
// step to show where its odd end point comes from, sets gradient_ascent beside descent,
// and draws f against the step for several rates.
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

// Every decade from 1e-10 to 10, plus 0.5, 0.9 and 1.1, where the bowl's behaviour
// changes (the lesson explains why at 0.5 and at 1).
const std::vector<double> kRates = {1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3,
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

// On this bowl ∇f = 2x, so in exact arithmetic x_{k+1} = (1 − 2·lr)·x_k:
//   x_k = (1 − 2·lr)^k · x_0,   f(x_k) = (1 − 2·lr)^(2k) · f(x_0)
Vector exact_walk(double lr, long k) {
  const double factor = std::pow(1.0 - 2.0 * lr, static_cast<double>(k));
  return {factor * kStart[0], factor * kStart[1]};
}

// f against the step on a log scale, one line per rate, with the two verdict limits.
void write_f_plot(const std::vector<SweepRow>& rows, const std::string& path) {
  Plot plot;
  plot.title = "f(x_k) on x0² + x1² from (-3, 4), by learning rate";
  plot.x_label = "step k";
  plot.y_label = "f(x_k)";
  plot.log_y = true;
  plot.width = 720;
  plot.height = 520;
  const double steps = static_cast<double>(rows.front().f_values.size() - 1);
  const double f0 = rows.front().f_values.front();
  for (const SweepRow& row : rows) {
    Series s{{}, {}, "lr " + repr(row.lr) + ": " + describe(row.status)};
    // lr 0.9 gives the very same f as lr 0.1 (|1 − 2·lr| = 0.8 for both): dashed on top,
    // so that both stay visible.
    s.dashed = row.lr == 0.9;
    for (std::size_t k = 0; k < row.f_values.size(); ++k) {
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

}  // namespace

int main(int argc, char** argv) {
  Flags flags("04_learning_rate_lab",
              "Gradient descent on f(x) = x0^2 + x1^2 from (-3, 4) at many learning rates.");
  flags.option("steps", std::to_string(kBookSteps), "steps per run");
  flags.parse(argc, argv);
  const long steps = flags.integer("steps", 1);

  return guarded_main([&] {
    const double f0 = function_2(kStart);
    std::cout
        << "function: f(x) = x0^2 + x1^2 (the book's function_2)\n"
        << "start: " << tuple(kStart) << "\n"
        << "steps: " << steps << "\n"
        << "converged: f(x_k) < " << repr(kConvergedBelow) << "\n"
        << "diverged: f(x_k) > " << e_notation(kDivergedFactor)
        << " * f(x_0) = " << e_notation(kDivergedFactor * f0) << ", or f(x_k) is inf or nan\n"
        << "exact: x_k = (1 - 2*lr)^k * x_0, descent in exact arithmetic (ascent: 1 + 2*lr)\n";

    const std::vector<SweepRow> rows =
        learning_rate_sweep(function_2, kStart, kRates, static_cast<int>(steps));

    // --- The book's figures, taken from the sweep's rows.
    if (steps == kBookSteps) {
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

    // --- The sweep.
    std::cout << "\n# sweep: " << steps << " steps from " << tuple(kStart)
              << " at each learning rate; exact f = f(x_0) * (1 - 2*lr)^(2*steps)\n"
              << "#      lr      end point x                           f(x)             "
                 "exact f         verdict\n";
    for (const SweepRow& row : rows) {
      const Vector exact = exact_walk(row.lr, steps);
      std::cout << "sweep  " << pad(repr(row.lr), 7) << " " << point(row.x) << "   "
                << pad(sci(row.f_values.back(), 8), 15) << "  "
                << pad(sci(function_2(exact), 8), 16) << " " << describe(row.status) << "\n";
    }

    // --- Why lr = 10 ends where it does: its first steps, gradient and all.
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

    // --- The sign flip: the same run with the update's sign turned around.
    const double lr = 0.1;
    const DescentResult down = gradient_descent(function_2, kStart, lr, static_cast<int>(steps));
    const DescentResult up = gradient_ascent(function_2, kStart, lr, static_cast<int>(steps));
    const double up_factor = std::pow(1.0 + 2.0 * lr, static_cast<double>(steps));
    std::cout << "\n# the sign flip: " << steps << " steps from " << tuple(kStart) << " at lr "
              << repr(lr) << "\n"
              << "sign  descent  x - lr*grad   x " << point(down.x) << "   f "
              << sci(function_2(down.x), 8) << "   exact x " << point(exact_walk(lr, steps)) << "\n"
              << "sign  ascent   x + lr*grad   x " << point(up.x) << "   f "
              << sci(function_2(up.x), 8) << "   exact x "
              << point({up_factor * kStart[0], up_factor * kStart[1]}) << "\n";

    // --- The picture.
    std::vector<SweepRow> drawn;
    for (const double r : kPlotRates) {
      for (const SweepRow& row : rows) {
        if (row.lr == r) drawn.push_back(row);
      }
    }
    const std::string picture = kOutDir + "f_by_step.svg";
    write_f_plot(drawn, picture);
    std::cout << "\npicture: " << picture << "\n";
    return 0;
  });
}
