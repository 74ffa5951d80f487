// chapters/05_loss_gradient/main.cpp: `make run CH=05` works the book's softmax and loss
// examples and its simple-net example (scores, loss, and the gradient of the loss over
// W), each beside its expected value, then draws the loss along two single weights with
// the slopes the gradient predicts.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "chapters/01_numerical_diff/numerical_diff.h"
#include "chapters/02_gradient/gradient.h"
#include "chapters/05_loss_gradient/loss.h"
#include "common/cli.h"
#include "common/format.h"
#include "common/svg.h"

namespace {

// One entry as numpy prints a float array by default: 8 decimals, trailing zeros dropped
// (1.13280740 shows as 1.1328074), so our lines read like the book's.
std::string np(double v) {
  std::string s = fixed(v, 8);
  while (s.back() == '0') s.pop_back();
  return s;
}

// Row i of m as "(a, b, c)", each entry through `one`.
std::string row_text(const Matrix& m, std::size_t i, std::string (*one)(double) = np) {
  std::vector<double> values(m.cols());
  for (std::size_t j = 0; j < m.cols(); ++j) values[j] = m(i, j);
  return tuple(values, one);
}

// "label  value   expected ...", the label padded so the values line up.
void show(const std::string& label, const std::string& value, const std::string& expected,
          const char* word = "expected") {
  std::printf("%-28s %-50s %s %s\n", (label + ":").c_str(), value.c_str(), word, expected.c_str());
}

std::string sci8(double v) { return sci(v, 8); }

// The loss as the book's printed figures were computed: the same chain with no 1e-7
// inside the log, −(1/B) Σ t · log y.
double loss_without_delta(const SimpleNet& net, const Matrix& x, const Matrix& t) {
  const Matrix y = softmax(net.predict(x));
  return -sum(hadamard(t, apply(y, [](double p) { return std::log(p); }))) /
         static_cast<double>(y.rows());
}

// The book's W, x and t for the simple net (its W exactly as printed; its own W had more
// digits, see the lesson's "going deeper").
struct BookExample {
  Matrix W = {{0.47355232, 0.9977393, 0.84668094}, {0.85557411, 0.03563661, 0.69422093}};
  Matrix x = {{0.6, 0.9}};
  Matrix t = {{0, 0, 1}};
};

void print_header(const BookExample& book) {
  const auto text = [](const Matrix& m) {
    std::ostringstream out;
    out << m;
    return out.str();
  };
  std::cout << header({{"program", "05_loss_gradient"},
                       {"W", text(book.W)},
                       {"x", text(book.x)},
                       {"t", text(book.t)},
                       {"h", repr(kDiffStep)},
                       {"log delta", repr(kLogDelta)}})
            << "\n";
}

// The book's softmax examples (3.5) and its two loss examples (4.2.1, 4.2.2): ten
// classes, the truth is class 2, the net puts 0.6 on it or on class 7.
void print_softmax_and_losses() {
  std::cout << "== softmax and the two losses (book examples) ==\n";
  const Matrix s1 = softmax(Matrix{{0.3, 2.9, 4.0}});
  show("softmax(0.3, 2.9, 4.0)", row_text(s1, 0), "(0.01821127, 0.24519181, 0.73659691)");
  const Matrix s2 = softmax(Matrix{{1010, 1000, 990}});
  show("softmax(1010, 1000, 990)", row_text(s2, 0, sci8),
       "(9.99954600e-01, 4.53978686e-05, 2.06106005e-09)");
  const Matrix t10 = {{0, 0, 1, 0, 0, 0, 0, 0, 0, 0}};
  const Matrix right = {{0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0}};
  const Matrix wrong = {{0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0}};
  // Expected: ½ Σ (y − t)² by hand, and the book's printed cross-entropies.
  show("squared error, 0.6 on truth", repr(sum_squared_error(right, t10)), "0.0975");
  show("squared error, 0.1 on truth", repr(sum_squared_error(wrong, t10)), "0.5975");
  show("cross-entropy, 0.6 on truth", repr(cross_entropy_error(right, t10)),
       repr(0.51082545709933802));
  show("cross-entropy, 0.1 on truth", repr(cross_entropy_error(wrong, t10)),
       repr(2.3025840929945458));
  std::cout << "\n";
}

// predict, loss and the numerical gradient of the simple net, beside the values worked
// out in the lesson; returns the gradient.
Matrix print_simple_net(SimpleNet& net, const BookExample& book) {
  std::cout << "== the simple net, W as printed ==\n";
  const Matrix p = net.predict(book.x);
  show("predict(x)", row_text(p, 0), "(1.05414809, 0.63071653, 1.1328074)");
  show("argmax", std::to_string(row_argmax(p)[0]), "2");
  show("loss", repr(net.loss(book.x, book.t)), "0.9280682857864075");
  const Matrix dW = net.numerical_gradient(book.x, book.t);
  show("dW row 0", row_text(dW, 0), "(0.21924757, 0.14356243, -0.36281)");
  show("dW row 1", row_text(dW, 1), "(0.32887136, 0.21534364, -0.544215)");
  std::cout << "\n";
  return dW;
}

// The same net without the 1e-7 in the log reproduces the book's printed figures.
void print_without_delta(SimpleNet& net, const BookExample& book) {
  std::cout << "== the book's figures: the same net without the 1e-7 in the log ==\n";
  show("loss", repr(loss_without_delta(net, book.x, book.t)), "0.92806853663411326", "book");
  const Matrix dW0 = numerical_gradient(
      [&](const Matrix&) { return loss_without_delta(net, book.x, book.t); }, net.W);
  show("dW row 0", row_text(dW0, 0), "(0.21924763, 0.14356247, -0.36281009)", "book");
  show("dW row 1", row_text(dW0, 1), "(0.32887144, 0.2153437, -0.54421514)", "book");
  std::cout << "\n";
}

// The loss along single weights: L(W + Δ·E_ij) for Δ in [−3, 3], with the tangent line
// whose slope is dW(i, j). Where the curve and the line touch, the gradient entry is the
// slope: that is all a partial derivative is. Returns the picture's path.
std::string write_loss_along_weights(const SimpleNet& net, const BookExample& book,
                                     const Matrix& dW, const std::string& out_dir) {
  struct Weight {
    std::size_t i, j;
    std::string color;
  };
  const std::vector<Weight> weights = {{1, 0, "#1f77b4"}, {1, 2, "#d62728"}};
  const double loss = net.loss(book.x, book.t);
  Plot plot;
  plot.title = "The loss along one weight at a time; dashed: slope from dW";
  plot.x_label = "change added to the weight";
  plot.y_label = "loss";
  plot.legend = LegendCorner::top_right;
  plot.y_range = std::pair{0.0, 4.0};  // room above the curves for the legend
  for (const Weight& w : weights) {
    Series curve, tangent;
    const std::string name = "W(" + std::to_string(w.i) + "," + std::to_string(w.j) + ")";
    for (int k = -60; k <= 60; ++k) {
      const double delta = k * 0.05;
      SimpleNet moved = net;
      moved.W(w.i, w.j) += delta;
      curve.x.push_back(delta);
      curve.y.push_back(moved.loss(book.x, book.t));
      if (k >= -20 && k <= 20) {
        tangent.x.push_back(delta);
        tangent.y.push_back(loss + dW(w.i, w.j) * delta);
      }
    }
    curve.label = "loss along " + name;
    curve.color = w.color;
    tangent.label = "slope dW" + name.substr(1) + " = " + np(dW(w.i, w.j));
    tangent.color = w.color;
    tangent.dashed = true;
    plot.series.push_back(curve);
    plot.series.push_back(tangent);
  }
  plot.series.push_back({{0.0}, {loss}, "the book's W", "black", true, false, false});
  const std::string path = out_dir + "/loss_along_weights.svg";
  write_svg(plot, path);
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags("05_loss_gradient",
              "Works the book's loss examples and its simple net: scores, loss and the gradient "
              "of the loss over W, beside the expected values; draws the loss along two weights.");
  flags.option("out", "out/05_loss_gradient", "folder for the picture");
  flags.parse(argc, argv);
  const std::string out_dir = flags.text("out");

  return guarded_main(flags, [&] {
    const BookExample book;
    print_header(book);
    print_softmax_and_losses();
    SimpleNet net{book.W};
    const Matrix dW = print_simple_net(net, book);
    print_without_delta(net, book);
    std::cout << "picture: " << write_loss_along_weights(net, book, dW, out_dir) << "\n";
    return 0;
  });
}
