// chapters/06_two_layer_net/main.cpp: `make run CH=06` builds the book's 784-50-10 net,
// prints its shapes and the loss of the fresh net beside ln 10, then checks the given
// backpropagation gradient against numerical_gradient on a small net and 3 images.
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
  constexpr std::size_t kHidden = 50;       // the book's train_neuralnet.py
  constexpr double kWeightInitStd = 0.01;   // the book's default
  constexpr std::size_t kCheckHidden = 10;  // a small net for the slow numerical gradient
  constexpr std::size_t kCheckImages = 3;   // as the book's gradient_check.py
  const std::string data_dir = flags.text("data");
  const std::string out_dir = flags.text("out");
  const auto seed = static_cast<std::uint64_t>(flags.integer("seed", 0));
  // The gradient check takes its images from this batch, so it needs at least those.
  const auto batch = static_cast<std::size_t>(flags.integer("batch", kCheckImages));
  if (batch > kTrainImages) {
    flags.fail("--batch " + std::to_string(batch) + ": MNIST has only " +
               std::to_string(kTrainImages) + " training images");
  }

  return guarded_main([&] {
    const Examples data = load_examples(data_dir, batch, seed);
    std::cout << "program: 06_two_layer_net\n"
              << "data: " << data.source << "\n"
              << "seed: " << seed << "\n"
              << "weight_init_std: " << kWeightInitStd << "\n\n";

    std::cout << "== the net: TwoLayerNet(784, 50, 10) ==\n";
    const TwoLayerNet net(kPixels, kHidden, kClasses, kWeightInitStd, seed);
    const TwoLayerParams& p = net.params;
    std::cout << "W1: " << np_shape(p.W1) << "\n"
              << "b1: " << np_shape(p.b1) << "   (numpy: (50,))\n"
              << "W2: " << np_shape(p.W2) << "\n"
              << "b2: " << np_shape(p.b2) << "   (numpy: (10,))\n"
              << "parameters: " << p.W1.size() + p.b1.size() + p.W2.size() + p.b2.size() << "\n\n";

    std::cout << "== the fresh net on " << batch << " images ==\n";
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

    std::cout << "== gradient check: TwoLayerNet(784, " << kCheckHidden << ", 10) on "
              << kCheckImages << " images ==\n";
    TwoLayerNet small_net(kPixels, kCheckHidden, kClasses, kWeightInitStd, seed);
    const Matrix x = row_range(data.x, 0, kCheckImages);
    const Matrix t = row_range(data.t, 0, kCheckImages);
    const std::vector<std::size_t> labels = row_argmax(t);
    std::cout << "labels: " << labels[0] << ", " << labels[1] << ", " << labels[2] << "\n";
    const TwoLayerParams& q = small_net.params;
    const std::size_t count = q.W1.size() + q.b1.size() + q.W2.size() + q.b2.size();
    std::cout << "numerical_gradient: 2 losses per parameter, 2 x " << count << " = " << 2 * count
              << " forward passes\n"
              << "gradient: 1 forward and 1 backward pass\n";
    const TwoLayerParams backprop = small_net.gradient(x, t);
    const TwoLayerParams numerical = small_net.numerical_gradient(x, t);
    const struct {
      const char* name;
      const Matrix& backprop;
      const Matrix& numerical;
    } fields[] = {{"W1", backprop.W1, numerical.W1},
                  {"b1", backprop.b1, numerical.b1},
                  {"W2", backprop.W2, numerical.W2},
                  {"b2", backprop.b2, numerical.b2}};
    for (const auto& f : fields) {
      const GradientDifference d = relative_error(f.backprop, f.numerical);
      std::printf(
          "gradient check %s: max relative error %s   worst at (%zu, %zu): backprop %s, "
          "numerical %s\n",
          f.name, small(d.relative_error).c_str(), d.worst_row, d.worst_col,
          sci(f.backprop(d.worst_row, d.worst_col), 10).c_str(),
          sci(f.numerical(d.worst_row, d.worst_col), 10).c_str());
    }

    // Every entry's disagreement against its size, on log axes. Central differences err
    // by about ε·L/h in absolute terms whatever the entry's size (chapter 2), so the
    // points lie in a flat band, and the smallest entries have the largest relative error.
    Plot plot;
    plot.title = "Gradient check: every entry of every parameter";
    plot.x_label = "|backprop gradient entry|";
    plot.y_label = "|backprop - numerical|";
    plot.log_x = plot.log_y = true;
    plot.legend = LegendCorner::top_left;
    const char* colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"};
    int c = 0;
    for (const auto& f : fields) {
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
    // ε·L/h: a rounding error of one ε in each of the two losses, magnified by 1/2h twice.
    const double floor = 2.220446049250313e-16 * small_net.loss(x, t) / 1e-4;
    plot.series.push_back(
        {{1e-8, 1.0}, {floor, floor}, "eps * L / h (rounding)", "black", false, true});
    const std::string path = out_dir + "/gradient_check.svg";
    write_svg(plot, path);
    std::cout << "\npicture: " << path << "\n";
    return 0;
  });
}
