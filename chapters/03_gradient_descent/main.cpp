// chapters/03_gradient_descent/main.cpp: `make run CH=03` walks down the bowl
// f(x) = x0² + x1² from (−3, 4) with your gradient_descent, prints the walk beside the
// exact-arithmetic walk, and draws the first steps over the bowl's contour lines.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "chapters/02_gradient/gradient.h"
#include "chapters/03_gradient_descent/gradient_descent.h"
#include "common/cli.h"
#include "common/format.h"
#include "common/svg.h"

namespace {

const std::string kOutDir = "out/03_gradient_descent/";

// The book's run (gradient_method.py) and the end point numpy prints for it.
const Vector kStart = {-3.0, 4.0};
constexpr double kBookLr = 0.1;
constexpr long kBookSteps = 100;
const Vector kBookEnd = {-6.11110793e-10, 8.14814391e-10};

// %.8e with a space where a positive number has no sign, so columns line up.
std::string cell(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "% .8e", v);
  return buf;
}

std::string point(const Vector& x) { return "(" + cell(x[0]) + ", " + cell(x[1]) + ")"; }

// On this bowl ∇f = 2x, so in exact arithmetic x_{k+1} = x_k − lr·2x_k = (1 − 2·lr)·x_k
// and x_k = (1 − 2·lr)^k · x_0.
Vector exact_walk(const Vector& start, double lr, long k) {
  const double factor = std::pow(1.0 - 2.0 * lr, static_cast<double>(k));
  return {factor * start[0], factor * start[1]};
}

// The path over the contour lines f = 1, 4, 9, 16, 25 (circles of radius 1 … 5), with
// the axes dashed, as the book's figure shows it.
void write_path_plot(const DescentResult& run, double lr, const std::string& path) {
  Plot plot;
  plot.title = "Descent on x0² + x1², lr " + repr(lr) + ", " + std::to_string(run.path.size() - 1) +
               " steps";
  plot.x_label = "x0";
  plot.y_label = "x1";
  // Equal units on both axes, so the circles look round: the plot area is square
  // (about 390 × 390 px inside a 472 × 480 picture) and so are the ranges.
  plot.width = 472;
  plot.height = 480;
  plot.x_range = {{-5.0, 5.0}};
  plot.y_range = {{-5.0, 5.0}};
  plot.contours.push_back({[](double a, double b) {
                             return function_2({a, b});
                           },
                           {1, 4, 9, 16, 25},
                           "contours f = 1, 4, 9, 16, 25"});
  plot.series.push_back({{-5, 5}, {0, 0}, "", "#bbbbbb", false, true});
  plot.series.push_back({{0, 0}, {-5, 5}, "", "#bbbbbb", false, true});
  Series walk{{}, {}, "x_k, k = 0 … " + std::to_string(run.path.size() - 1), "#1f77b4", true};
  for (const Vector& p : run.path) {
    walk.x.push_back(p[0]);
    walk.y.push_back(p[1]);
  }
  plot.series.push_back(walk);
  plot.series.push_back({{run.path[0][0]},
                         {run.path[0][1]},
                         "start " + tuple(run.path[0]),
                         "#d62728",
                         true,
                         false,
                         false});
  plot.legend = LegendCorner::bottom_left;
  write_svg(plot, path);
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags("03_gradient_descent",
              "Walks down f(x) = x0^2 + x1^2 from (-3, 4) with your gradient_descent.");
  flags.option("lr", repr(kBookLr), "learning rate");
  flags.option("steps", std::to_string(kBookSteps), "number of steps");
  flags.option("plot-steps", "20", "steps drawn in path.svg");
  flags.parse(argc, argv);
  const double lr = flags.number("lr");
  const long steps = flags.integer("steps", 0);
  const long plot_steps = flags.integer("plot-steps", 1);
  // Each step keeps its point of the path: a Vector of two doubles and its heap block.
  constexpr double kBytesPerStep = sizeof(Vector) + 2 * sizeof(double) + 16;
  flags.require_memory(static_cast<double>(steps + plot_steps) * kBytesPerStep,
                       {"steps", "plot-steps"});
  const bool book_run = lr == kBookLr && steps == kBookSteps;

  return guarded_main(flags, [&] {
    std::cout << "function: f(x) = x0^2 + x1^2 (the book's function_2)\n"
              << "start: " << tuple(kStart) << "\n"
              << "lr: " << repr(lr) << "\n"
              << "steps: " << steps << "\n"
              << "expected: x_k = (1 - 2*lr)^k * start, the walk in exact arithmetic\n\n";

    const DescentResult run = gradient_descent(function_2, kStart, lr, static_cast<int>(steps));

    // About ten lines, whatever the number of steps, always including the last.
    const long every = steps >= 10 ? steps / 10 : 1;
    for (long k = 0; k <= steps; ++k) {
      if (k % every != 0 && k != steps) continue;
      const Vector& x = run.path[static_cast<std::size_t>(k)];
      char head[32];
      std::snprintf(head, sizeof head, "step %3ld", k);
      std::cout << head << "   x " << point(x) << "   f " << sci(function_2(x), 8) << "   expected "
                << point(exact_walk(kStart, lr, k)) << "\n";
    }

    // The book prints the end point with numpy's %.8e; the same format here.
    const auto sci8 = [](double v) { return sci(v, 8); };
    const Vector expected = book_run ? kBookEnd : exact_walk(kStart, lr, steps);
    std::cout << "\nx: " << tuple(run.x, sci8) << "   expected " << tuple(expected, sci8)
              << (book_run ? "   (the book's figure)" : "   (exact arithmetic)") << "\n";

    const DescentResult drawn =
        gradient_descent(function_2, kStart, lr, static_cast<int>(plot_steps));
    const std::string picture = kOutDir + "path.svg";
    write_path_plot(drawn, lr, picture);
    std::cout << "picture: " << picture << "\n";
    return 0;
  });
}
