// chapters/06_two_layer_net/main.cpp: `make run CH=06` builds the book's 784-50-10 net,
// prints its shapes and the loss of the fresh net beside ln 10, then runs your
// gradient_check (the book's gradient_check.py) on a small net and 3 images: the given
// backpropagation against your numerical_gradient.
//
// B = batch, D = 784 pixels, H = hidden units, K = 10 classes.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/05_loss_gradient/loss.h"
#include "chapters/06_two_layer_net/two_layer_net.h"
#include "common/cli.h"
#include "common/format.h"
#include "common/mnist.h"
#include "common/random.h"
#include "common/svg.h"

namespace {

constexpr std::size_t kPixels = 784;         // D: 28 × 28
constexpr std::size_t kClasses = 10;         // K: the digits 0..9
constexpr std::size_t kTrainImages = 60000;  // the largest --batch

// "(784, 50)": a shape as numpy prints it, for comparing with the book.
std::string np_shape(const Matrix& m) {
  return "(" + std::to_string(m.rows()) + ", " + std::to_string(m.cols()) + ")";
}

// "1.2e-09": an error size, two digits are plenty.
std::string small(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1e", v);
  return buf;
}

constexpr std::size_t kHidden = 50;                 // the book's train_neuralnet.py
constexpr double kWeightInitStd = 0.01;             // the book's default
constexpr std::size_t kCheckHidden = 10;            // a small net for the slow numerical gradient
constexpr std::size_t kCheckImages = 3;             // as the book's gradient_check.py
constexpr double kH = 1e-4;                         // lesson 02's step
constexpr double kEpsilon = 2.220446049250313e-16;  // the spacing of doubles at 1
// What the check should show: the book's backward, (y − t)/B, leaves out the 1e-7 inside
// the loss's log (lesson 05's kLogDelta), whose exact derivative carries a factor
// p/(p + 1e-7) per image, p the true class's probability. A fresh net gives every class
// p ≈ 1/10, so the two gradients differ by a relative 1e-7 / 0.1 = 1e-6, far above the
// central difference's own 1e-9.
constexpr double kFreshProbability = 0.1;
constexpr double kExpectedRelativeError = kLogDelta / kFreshProbability;

// Inputs and one-hot labels for the program: the first n MNIST training images, or, when
// there is no MNIST, n rows of uniform random "pixels" in [0, 1) and random labels.
struct Examples {
  Matrix x, t;
  std::string source;
};

Examples load_examples(const std::string& dir, std::size_t n, std::uint64_t seed) {
  const std::string images = dir + "/train-images-idx3-ubyte";
  if (std::filesystem::exists(images)) {
    // Any problem with files that are there (truncated, wrong magic) is an error, not a
    // reason to fall back: the message says what is wrong and how to fix it.
    const Dataset train = load_mnist_pair(images, dir + "/train-labels-idx1-ubyte");
    if (n > train.size()) {
      throw std::invalid_argument("--batch " + std::to_string(n) + ": the training set has only " +
                                  std::to_string(train.size()) + " images");
    }
    const std::vector<std::size_t> labels(train.labels.begin(),
                                          train.labels.begin() + static_cast<std::ptrdiff_t>(n));
    return {train.images(0, n), one_hot(labels, kClasses), dir + " (the first training images)"};
  }
  Rng rng(seed);
  Examples e{Matrix(n, kPixels), Matrix(n, kClasses),
             "synthetic: uniform random pixels and labels (no MNIST in " + dir +
                 "; run make data for the real digits)"};
  for (std::size_t k = 0; k < e.x.size(); ++k) e.x.data()[k] = rng.uniform();
  for (std::size_t b = 0; b < n; ++b) e.t(b, rng.below(kClasses)) = 1.0;
  return e;
}

// The book's net: its shapes, as numpy would print them.
void print_net(const TwoLayerNet& net) {
  std::cout << "== the net: TwoLayerNet(784, 50, 10) ==\n";
  const TwoLayerParams& p = net.params;
  std::cout << "W1: " << np_shape(p.W1) << "\n"
            << "b1: " << np_shape(p.b1) << "   (numpy: (50,))\n"
            << "W2: " << np_shape(p.W2) << "\n"
            << "b2: " << np_shape(p.b2) << "   (numpy: (10,))\n"
            << "parameters: " << parameter_count(p) << "\n\n";
}

// The fresh net knows nothing yet: about 1/10 for every class, a loss near ln 10.
void print_fresh_net(const TwoLayerNet& net, const Examples& data) {
  std::cout << "== the fresh net on " << data.x.rows() << " images ==\n";
  const Matrix y = net.predict(data.x);
  std::vector<double> first(y.cols());
  for (std::size_t k = 0; k < y.cols(); ++k) first[k] = y(0, k);
  std::cout << "y for image 0: " << tuple(first, [](double v) { return fixed(v, 4); })
            << "   about 0.1 each\n";
  const double loss = net.loss(data.x, data.t);
  std::cout << "loss: " << fixed(loss, 6) << "   ln 10 = " << fixed(std::log(10.0), 6)
            << "   (every class about 1/10: -log(1/10) = ln 10)\n";
  const double accuracy = net.accuracy(data.x, data.t);
  std::cout << "accuracy: " << fixed(accuracy, 2) << "   about 0.1 (a guess among 10)\n\n";
}

// One parameter of the check: both gradients, and the line printed for it.
struct CheckedField {
  const char* name;
  const Matrix& backprop;
  const Matrix& numerical;
  const ParameterCheck& check;
};

// The book's gradient_check.py on a small net: your gradient_check, one line a parameter.
void print_gradient_check(const std::vector<CheckedField>& fields) {
  std::cout << "mean |diff|: the book's figure, the mean of |backprop - numerical|; max relative "
               "error: the largest |backprop - numerical| / the largest |entry|\n"
            << "expected: max relative error ≈ 1e-7 / p ≈ " << small(kExpectedRelativeError)
            << ", p ≈ 0.1 the true class's probability (the book's backward leaves out the "
               "loss's 1e-7)\n";
  for (const CheckedField& f : fields) {
    const GradientDifference& d = f.check.relative;
    std::printf(
        "gradient check %s: mean |diff| %.2e   max relative error %s   worst at (%zu, %zu): "
        "backprop %s, numerical %s\n",
        f.name, f.check.mean_abs_difference, small(d.relative_error).c_str(), d.worst_row,
        d.worst_col, sci(f.backprop(d.worst_row, d.worst_col), 10).c_str(),
        sci(f.numerical(d.worst_row, d.worst_col), 10).c_str());
  }
}

// Every entry's disagreement against its size, on log axes. The book's backward misses
// the factor 1/(1 + 1e-7/p), so each entry is off by about 1e-6 of itself: a line
// parallel to the diagonal. Below it, where entries are tiny, the central difference's
// rounding (about ε·L/h whatever the entry's size, lesson 02) is left: a flat floor.
void write_check_picture(const std::vector<CheckedField>& fields, double loss,
                         const std::string& path) {
  Plot plot;
  plot.title = "Gradient check: every entry of every parameter";
  plot.x_label = "|backprop gradient entry|";
  plot.y_label = "|backprop - numerical|";
  plot.log_x = plot.log_y = true;
  plot.legend = LegendCorner::top_left;
  const char* colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"};
  int c = 0;
  for (const CheckedField& f : fields) {
    Series points;
    points.label = f.name;
    points.color = colors[c++];
    points.markers = true;
    points.line = false;
    for (std::size_t k = 0; k < f.backprop.size(); ++k) {
      points.x.push_back(std::fabs(f.backprop.data()[k]));
      points.y.push_back(std::fabs(f.backprop.data()[k] - f.numerical.data()[k]));
    }
    plot.series.push_back(points);
  }
  // 1e-7/p of the entry: the share of the 1e-7 the book's backward leaves out.
  plot.series.push_back({{1e-8, 1.0},
                         {1e-8 * kExpectedRelativeError, kExpectedRelativeError},
                         "1e-7/p * |entry| (the book's backward)",
                         "grey",
                         false,
                         true});
  // ε·L/h: a rounding error of one ε in each of the two losses, magnified by 1/2h twice.
  const double floor = kEpsilon * loss / kH;
  plot.series.push_back(
      {{1e-8, 1.0}, {floor, floor}, "eps * L / h (rounding)", "black", false, true});
  write_svg(plot, path);
}

// Your gradient_check on a small net and the first kCheckImages images; the picture.
void check_gradients(const Examples& data, std::uint64_t seed, const std::string& out_dir) {
  std::cout << "== gradient check: TwoLayerNet(784, " << kCheckHidden << ", 10) on " << kCheckImages
            << " images ==\n";
  TwoLayerNet net(kPixels, kCheckHidden, kClasses, kWeightInitStd, seed);
  const Matrix x = row_range(data.x, 0, kCheckImages);
  const Matrix t = row_range(data.t, 0, kCheckImages);
  const std::vector<std::size_t> labels = row_argmax(t);
  std::cout << "labels: " << labels[0] << ", " << labels[1] << ", " << labels[2] << "\n";
  const std::size_t count = parameter_count(net.params);
  std::cout << "numerical_gradient: 2 losses per parameter, 2 x " << count << " = " << 2 * count
            << " forward passes\n"
            << "gradient: 1 forward and 1 backward pass, the book's formulas\n";
  const GradientCheck check = gradient_check(net, x, t);
  // The same two gradients again, for the worst entries and the picture: both are
  // deterministic, so these are the very numbers the check compared.
  const TwoLayerParams backprop = net.gradient(x, t);
  const TwoLayerParams numerical = net.numerical_gradient(x, t);
  const std::vector<CheckedField> fields = {{"W1", backprop.W1, numerical.W1, check.W1},
                                            {"b1", backprop.b1, numerical.b1, check.b1},
                                            {"W2", backprop.W2, numerical.W2, check.W2},
                                            {"b2", backprop.b2, numerical.b2, check.b2}};
  print_gradient_check(fields);
  const std::string path = out_dir + "/gradient_check.svg";
  write_check_picture(fields, net.loss(x, t), path);
  std::cout << "\npicture: " << path << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags("06_two_layer_net",
              "Builds the two-layer net, shows its shapes and its loss before any learning, "
              "and checks backpropagation's gradient against the numerical one.");
  flags.option("data", "data/mnist", "folder with the MNIST files (synthetic inputs if absent)");
  flags.option("seed", "42", "seed of the weights (and of synthetic inputs)");
  flags.option("batch", "100", "images for the fresh net's loss and accuracy");
  flags.option("out", "out/06_two_layer_net", "folder for the picture");
  flags.parse(argc, argv);
  const std::string data_dir = flags.text("data");
  const std::string out_dir = flags.text("out");
  const auto seed = static_cast<std::uint64_t>(flags.integer("seed", 0));
  // The gradient check takes its images from this batch, so it needs at least those.
  const auto batch = static_cast<std::size_t>(flags.integer("batch", kCheckImages));
  if (batch > kTrainImages) {
    flags.fail("--batch " + std::to_string(batch) + ": MNIST has only " +
               std::to_string(kTrainImages) + " training images");
  }

  return guarded_main(flags, [&] {
    const Examples data = load_examples(data_dir, batch, seed);
    std::cout << header({{"program", "06_two_layer_net"},
                         {"data", data.source},
                         {"seed", std::to_string(seed)},
                         {"weight_init_std", repr(kWeightInitStd)}})
              << "\n";
    const TwoLayerNet net(kPixels, kHidden, kClasses, kWeightInitStd, seed);
    print_net(net);
    print_fresh_net(net, data);
    check_gradients(data, seed, out_dir);
    return 0;
  });
}
