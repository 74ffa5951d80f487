// chapters/02_gradient/main.cpp: `make run CH=02` prints the gradient of the book's
// function_2 at three points beside the book's figures, takes a gradient over a Matrix
// of parameters, and draws the field of −∇f into out/02_gradient/.
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "chapters/01_numerical_diff/numerical_diff.h"
#include "chapters/02_gradient/gradient.h"
#include "common/cli.h"
#include "common/format.h"
#include "common/matrix.h"
#include "common/svg.h"

namespace {

const std::string kOutDir = "out/02_gradient";

// Σ W(i,j)², function_2 over a matrix's entries: its gradient is 2W.
double sum_of_squares(const Matrix& W) { return sum(hadamard(W, W)); }

// −∇f as arrows on a grid over [−2, 2]², with circles f = level underneath. Returns the
// picture's path and the longest arrow's length.
std::string plot_gradient_field(double& longest, std::vector<double>& longest_at) {
  Quiver arrows;
  arrows.label = "-grad f (numerical_gradient)";
  longest = 0;
  for (int i = 0; i <= 16; ++i) {    // x0 = −2, −1.75, …, 2
    for (int j = 0; j <= 16; ++j) {  // x1 likewise
      const Vector x = {-2.0 + 0.25 * i, -2.0 + 0.25 * j};
      const Vector grad = numerical_gradient(function_2, x);
      arrows.x.push_back(x[0]);
      arrows.y.push_back(x[1]);
      // Minus the gradient: the direction in which f falls fastest.
      arrows.dx.push_back(-grad[0]);
      arrows.dy.push_back(-grad[1]);
      const double length = std::hypot(grad[0], grad[1]);
      if (length > longest) {
        longest = length;
        longest_at = x;
      }
    }
  }
  Plot plot;
  plot.title = "The field of -grad f for f(x0, x1) = x0^2 + x1^2";
  plot.x_label = "x0";
  plot.y_label = "x1";
  plot.x_range = {-2.5, 2.5};
  plot.y_range = {-2.5, 3.25};  // room above the arrows for the legend
  plot.width = 600;
  plot.height = 680;  // about the same scale on both axes, so circles look round
  plot.legend = LegendCorner::top_right;
  plot.contours.push_back({[](double x0, double x1) {
                             return function_2(Vector{x0, x1});
                           },
                           {0.5, 1, 2, 4, 8},
                           "level curves f = 0.5, 1, 2, 4, 8"});
  plot.quivers.push_back(arrows);
  plot.series.push_back({{0.0}, {0.0}, "minimum f(0, 0) = 0", "#d62728", true, false, false});
  const std::string path = kOutDir + "/gradient_field.svg";
  write_svg(plot, path);
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags("02_gradient",
              "The gradient by central differences, beside the book's figures, and its field.");
  flags.parse(argc, argv);
  return guarded_main([] {
    std::cout << "lesson: 02 the gradient\n";
    std::cout << "function_2: f(x) = x0^2 + x1^2, exact gradient (2*x0, 2*x1)\n";
    std::cout << "h: " << repr(kDiffStep) << " (kDiffStep)\n";

    std::cout << "\n== numerical_gradient(function_2, x): repr digits, then the book's numpy ==\n";
    const std::vector<Vector> points = {{3.0, 4.0}, {0.0, 2.0}, {3.0, 0.0}};
    const std::vector<std::string> book = {"[6. 8.]", "[0. 4.]", "[6. 0.]"};
    for (std::size_t p = 0; p < points.size(); ++p) {
      const Vector grad = numerical_gradient(function_2, points[p]);
      const Vector exact = {2 * points[p][0], 2 * points[p][1]};
      std::cout << "at " << tuple(points[p]) << ": " << tuple(grad) << "   book " << book[p]
                << "   exact " << tuple(exact) << "\n";
    }

    std::cout << "\n== numerical_gradient over a Matrix of parameters: f(W) = sum of W(i,j)^2 ==\n";
    Matrix W = {{0.125, -0.125, 1e-5}, {1.5, -2.0, 0.3}};
    const Matrix before = W;
    const Matrix grad = numerical_gradient(sum_of_squares, W);
    std::cout << "W: " << before << "\n";
    std::cout << "gradient: " << grad << "   expected 2W = " << 2.0 * before << "\n";
    std::cout << "W afterwards equal bit for bit: " << (W == before ? "yes" : "NO")
              << "   expected yes\n";
    std::cout << "why restore from a saved copy: (0.125 + h) - h = "
              << repr((0.125 + kDiffStep) - kDiffStep)
              << ", (1e-5 + h) - h = " << repr((1e-5 + kDiffStep) - kDiffStep) << "\n";

    std::cout << "\n== the field of -grad f on [-2, 2]^2 ==\n";
    double longest = 0;
    std::vector<double> longest_at;
    const std::string path = plot_gradient_field(longest, longest_at);
    std::cout << "grid: 17 x 17 points, step 0.25\n";
    std::cout << "longest arrow: |grad f| = " << repr(longest) << " at " << tuple(longest_at)
              << "   expected 2*sqrt(8) = " << repr(2 * std::sqrt(8.0)) << " at a corner\n";
    std::cout << "\npicture: " << path << "\n";
    return 0;
  });
}
