// chapters/01_numerical_diff/main.cpp: `make run CH=01` prints the chapter's derivatives
// beside the book's figures, the error table of the forward and central differences, and
// draws two pictures into out/01_numerical_diff/.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "chapters/01_numerical_diff/numerical_diff.h"
#include "common/cli.h"
#include "common/format.h"
#include "common/svg.h"

namespace {

const std::string kOutDir = "out/01_numerical_diff";

// The error of both formulas on exp at x = 1 (f' = f'' = f''' = e, none zero, so both
// Taylor error terms show), for h = 10^-k.
void print_error_table() {
  const Function1D f = [](double x) { return std::exp(x); };
  const double exact = std::numbers::e;
  std::cout << "\n== error against the exact derivative: f(x) = exp(x) at x = 1, f'(1) = e = "
            << repr(exact) << " ==\n";
  std::cout << "      h   forward error   central error   e*h/2      e*h^2/6\n";
  for (int k = 1; k <= 16; ++k) {
    const double h = std::pow(10.0, -k);
    const double forward_error = std::abs(forward_diff(f, 1.0, h) - exact);
    const double central_error = std::abs(numerical_diff(f, 1.0, h) - exact);
    char line[128];
    std::snprintf(line, sizeof line, "  1e-%02d   %-13s   %-13s   %-9s  %s\n", k,
                  sci(forward_error, 2).c_str(), sci(central_error, 2).c_str(),
                  sci(exact * h / 2, 2).c_str(), sci(exact * h * h / 6, 2).c_str());
    std::cout << line;
  }
  // The order of accuracy, where rounding is still negligible.
  const double f_coarse = std::abs(forward_diff(f, 1.0, 1e-2) - exact);
  const double f_fine = std::abs(forward_diff(f, 1.0, 5e-3) - exact);
  const double c_coarse = std::abs(numerical_diff(f, 1.0, 1e-2) - exact);
  const double c_fine = std::abs(numerical_diff(f, 1.0, 5e-3) - exact);
  std::cout << "halving h from 0.01 to 0.005: forward error falls " << fixed(f_coarse / f_fine, 2)
            << "x (expected about 2), central error falls " << fixed(c_coarse / c_fine, 2)
            << "x (expected about 4)\n";
}

// The same errors on a fine grid of h, on log-log axes, with the two truncation terms and
// the rounding term as dashed guides.
std::string plot_error_vs_h() {
  const Function1D f = [](double x) { return std::exp(x); };
  const double exact = std::numbers::e;
  const double eps = std::numeric_limits<double>::epsilon();
  std::vector<double> hs, forward_errors, central_errors, first_order, second_order, rounding;
  for (int k = 0; k <= 128; ++k) {  // h = 10^(-k/8): eight points per decade, 1 down to 1e-16
    const double h = std::pow(10.0, -k / 8.0);
    hs.push_back(h);
    forward_errors.push_back(std::abs(forward_diff(f, 1.0, h) - exact));
    central_errors.push_back(std::abs(numerical_diff(f, 1.0, h) - exact));
    first_order.push_back(exact * h / 2);
    second_order.push_back(exact * h * h / 6);
    rounding.push_back(eps * exact / h);
  }
  Plot plot;
  plot.title = "Error of f'(1) for f = exp: forward vs central difference";
  plot.x_label = "step h";
  plot.y_label = "|estimate - e|";
  plot.log_x = plot.log_y = true;
  plot.x_range = {1e-16, 1.0};
  plot.y_range = {1e-16, 10.0};
  plot.legend = LegendCorner::bottom_left;
  plot.series.push_back({hs, forward_errors, "forward (f(x+h) - f(x)) / h", "#1f77b4"});
  plot.series.push_back({hs, central_errors, "central (f(x+h) - f(x-h)) / 2h", "#d62728"});
  plot.series.push_back({hs, first_order, "e h / 2 (slope 1)", "#1f77b4", false, true});
  plot.series.push_back({hs, second_order, "e h^2 / 6 (slope 2)", "#d62728", false, true});
  plot.series.push_back({hs, rounding, "rounding e eps / h (slope -1)", "#7f7f7f", false, true});
  const std::string path = kOutDir + "/error_vs_h.svg";
  write_svg(plot, path);
  return path;
}

// function_1 on [0, 20] with its tangent at x = 5, as the book draws it.
std::string plot_tangent(const Function1D& tangent) {
  std::vector<double> xs, ys, ts;
  for (int i = 0; i <= 200; ++i) {
    const double x = 0.1 * i;
    xs.push_back(x);
    ys.push_back(function_1(x));
    ts.push_back(tangent(x));
  }
  Plot plot;
  plot.title = "f(x) = 0.01x^2 + 0.1x and its tangent at x = 5";
  plot.x_label = "x";
  plot.y_label = "f(x)";
  plot.legend = LegendCorner::top_left;
  plot.series.push_back({xs, ys, "f(x)", "#1f77b4"});
  plot.series.push_back({xs, ts, "tangent at x = 5", "#d62728", false, true});
  plot.series.push_back({{5.0}, {function_1(5.0)}, "(5, f(5))", "black", true, false, false});
  const std::string path = kOutDir + "/tangent.svg";
  write_svg(plot, path);
  return path;
}

// The book's derivatives of function_1 (central, then forward) with step h.
void print_derivatives(double h) {
  std::cout << "\n== the derivative of function_1 (central difference) ==\n";
  std::cout << "numerical_diff(function_1, 5): " << repr(numerical_diff(function_1, 5.0, h))
            << "   book 0.1999999999990898   exact 0.2\n";
  std::cout << "numerical_diff(function_1, 10): " << repr(numerical_diff(function_1, 10.0, h))
            << "   book 0.2999999999986347   exact 0.3\n";
  std::cout << "forward_diff(function_1, 5): " << repr(forward_diff(function_1, 5.0, h))
            << "   expected 0.2 + h*f''/2 = " << repr(0.2 + h * 0.02 / 2) << "\n";
}

// The book's bad example: h = 1e-50 is lost to rounding.
void print_tiny_step() {
  std::cout << "\n== why not a tiny h ==\n";
  const double tiny = 1e-50;
  std::cout << "5 + 1e-50 == 5: " << (5.0 + tiny == 5.0 ? "true" : "false")
            << "   (the spacing of doubles near 5 is " << repr(std::nextafter(5.0, 6.0) - 5.0)
            << ")\n";
  std::cout << "numerical_diff(function_1, 5, h=1e-50): "
            << repr(numerical_diff(function_1, 5.0, tiny))
            << "   expected 0 (f(5 + h) - f(5 - h) = f(5) - f(5))\n";
}

// The tangent at x = 5, evaluated at three points; returns it for the picture.
Function1D print_tangent() {
  std::cout << "\n== the tangent at x = 5 ==\n";
  const Function1D tangent = tangent_line(function_1, 5.0);
  const double t0 = tangent(0.0), t5 = tangent(5.0), t10 = tangent(10.0);
  std::cout << "tangent_line(function_1, 5): t(x) = f(5) + f'(5)*(x - 5), f(5) = "
            << repr(function_1(5.0)) << "\n";
  std::cout << "t(0): " << repr(t0) << "   expected -0.25\n";
  std::cout << "t(5): " << repr(t5) << "   expected 0.75\n";
  std::cout << "t(10): " << repr(t10) << "   expected 1.75\n";
  return tangent;
}

// The book's partial derivatives of function_2 at (3, 4), one variable held fixed.
void print_partial_derivatives(double h) {
  std::cout << "\n== partial derivatives of function_2: f(x0, x1) = x0^2 + x1^2 at (3, 4) ==\n";
  // Hold one variable fixed and differentiate in the other: the book's function_tmp1
  // and function_tmp2, in its order of operations (4.0**2.0 is 16 exactly).
  const Function1D function_tmp1 = [](double x0) { return x0 * x0 + 4.0 * 4.0; };
  const Function1D function_tmp2 = [](double x1) { return 3.0 * 3.0 + x1 * x1; };
  std::cout << "df/dx0 = numerical_diff(function_tmp1, 3): "
            << repr(numerical_diff(function_tmp1, 3.0, h))
            << "   book 6.00000000000378   exact 6\n";
  std::cout << "df/dx1 = numerical_diff(function_tmp2, 4): "
            << repr(numerical_diff(function_tmp2, 4.0, h))
            << "   book 7.999999999999119   exact 8\n";
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags("01_numerical_diff",
              "Derivatives by central and forward differences, beside the book's figures.");
  flags.option("h", "1e-4",
               "step for the derivatives of function_1 (the book's digits need 1e-4; try 1e-50)");
  flags.parse(argc, argv);
  const double h = flags.number("h");
  if (h <= 0) flags.fail("--h must be > 0, got " + flags.text("h"));
  return guarded_main(flags, [h] {
    std::cout << "lesson: 01 numerical differentiation\n";
    std::cout << "function_1: f(x) = 0.01*x^2 + 0.1*x, exact f'(x) = 0.02*x + 0.1\n";
    std::cout << "h: " << repr(h) << "\n";
    print_derivatives(h);
    print_tiny_step();
    print_error_table();
    const Function1D tangent = print_tangent();
    print_partial_derivatives(h);
    std::cout << "\n";
    std::cout << "picture: " << plot_error_vs_h() << "\n";
    std::cout << "picture: " << plot_tangent(tangent) << "\n";
    return 0;
  });
}
