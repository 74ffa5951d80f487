// chapters/08_backpropagation/main.cpp: `make run CH=08` runs the book's shopping graph
// backwards, checks the layered net's backpropagation against the numerical gradient on
// real MNIST images (your gradient_check of lesson 06), then trains the layered net as
// lesson 07 trains lesson 06's.
//
// stdout is byte-identical run to run (fixed seeds, no times). --timing adds lines, all
// starting with "timing:", that measure in CPU time one numerical gradient against one
// backprop, and one training step's gradient through the layers against lesson 06's.
//
// B = batch, D = 784 pixels, H = hidden units, K = 10 classes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "chapters/07_learning_mnist/program.h"
#include "chapters/07_learning_mnist/train.h"
#include "chapters/08_backpropagation/layer_net.h"
#include "chapters/08_backpropagation/layers.h"
#include "common/cli.h"
#include "common/format.h"
#include "common/mnist.h"
#include "common/random.h"

namespace {

// Lesson 07's settings (the book's train_neuralnet.py), iterations aside.
constexpr std::size_t kHidden = kBook.hidden, kBatch = kBook.batch;
constexpr double kLearningRate = kBook.lr;
// The gradient check (the book's gradient_check.py): the first 3 training images through
// a fresh net, backprop against the numerical gradient. The numerical gradient costs two
// forward passes per parameter, and both the passes and the parameters grow with H, so
// its cost grows like H²: at the book's H = 50 it takes several seconds, at H = 10 a
// quarter of one. The layers are the same whatever H is.
constexpr std::size_t kCheckImages = 3, kCheckHidden = 10;
// The book's backward, (y − t)/B, is the derivative of the loss without the 1e-7 inside
// its log, whose exact derivative has the factor p/(p + 1e-7) per image, p the true
// class's probability: ≈ 0.1 for every image of a fresh net. So the check should show a
// relative 1e-7 / 0.1 = 1e-6 (the central difference's own error is ~1e-9); a bug (a
// missing 1/B, a wrong sign or slope) shows as 0.5 or more.
constexpr double kExpectedRelativeError = 1e-7 / 0.1;
constexpr std::size_t kDefaultIterations = 1200;  // 2 epochs; 10000 for the book's full run

// A table row: the name padded to a column, our value, the expected one.
std::string row(const std::string& name, const std::string& ours, const std::string& expected) {
  char line[160];
  std::snprintf(line, sizeof line, "  %-12s %-20s expected %s", name.c_str(), ours.c_str(),
                expected.c_str());
  return line;
}

// The book's buy_apple.py: price = (apple · apple_num) · tax, forward then backward.
void buy_apples() {
  const double apple = 100, apple_num = 2, tax = 1.1;
  MulLayer mul_apple, mul_tax;
  // Forward, node by node.
  const double apple_price = mul_apple.forward(apple, apple_num);
  const double price = mul_tax.forward(apple_price, tax);
  // Backward, in reverse order, from ∂price/∂price = 1.
  const auto [dapple_price, dtax] = mul_tax.backward(1.0);
  const auto [dapple, dapple_num] = mul_apple.backward(dapple_price);

  std::cout << "shopping graph 1: 2 apples at 100, tax 1.1 (the book's buy_apple.py)\n";
  std::cout << row("price", repr(price), "220") << "\n";
  std::cout << row("dapple", repr(dapple), "2.2") << "\n";
  std::cout << row("dapple_num", repr(dapple_num), "110") << "\n";
  std::cout << row("dtax", repr(dtax), "200") << "\n\n";
}

// The book's buy_apple_orange.py: price = (apple · apple_num + orange · orange_num) · tax.
void buy_apples_and_oranges() {
  const double apple = 100, apple_num = 2, orange = 150, orange_num = 3, tax = 1.1;
  MulLayer mul_apple, mul_orange, mul_tax;
  AddLayer add_apple_orange;
  const double apple_price = mul_apple.forward(apple, apple_num);
  const double orange_price = mul_orange.forward(orange, orange_num);
  const double all_price = add_apple_orange.forward(apple_price, orange_price);
  const double price = mul_tax.forward(all_price, tax);
  const auto [dall_price, dtax] = mul_tax.backward(1.0);
  const auto [dapple_price, dorange_price] = add_apple_orange.backward(dall_price);
  const auto [dorange, dorange_num] = mul_orange.backward(dorange_price);
  const auto [dapple, dapple_num] = mul_apple.backward(dapple_price);

  std::cout << "shopping graph 2: 2 apples at 100, 3 oranges at 150, tax 1.1 (the book's "
               "buy_apple_orange.py)\n";
  std::cout << row("price", repr(price), "715") << "\n";
  std::cout << row("dapple", repr(dapple), "2.2") << "\n";
  std::cout << row("dapple_num", repr(dapple_num), "110") << "\n";
  std::cout << row("dorange", repr(dorange), "3.3") << "\n";
  std::cout << row("dorange_num", repr(dorange_num), "165") << "\n";
  std::cout << row("dtax", repr(dtax), "650") << "\n";
  std::cout << "  (ours printed as Python prints a float; expected: the exact values. 1.1 has no\n"
               "  exact binary form, so some results are one unit in the last place off)\n\n";
}

// CPU seconds per call of f, averaged over `repeats` calls. CPU time, not wall-clock time:
// the program runs on one core, and on a busy machine the wall clock also counts the time
// other programs had the core, while the CPU time stays the work done.
double seconds_per_call(const std::function<void()>& f, int repeats = 1) {
  const std::clock_t start = std::clock();
  for (int r = 0; r < repeats; ++r) f();
  return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC / repeats;
}

// "%.3g" of a duration, with its unit.
std::string in_seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g s", s);
  return text;
}

// "784-50-10"
std::string layout(const TwoLayerParams& p) {
  return std::to_string(p.W1.rows()) + "-" + std::to_string(p.W1.cols()) + "-" +
         std::to_string(p.W2.cols());
}

// CPU time of one training step's gradient on the net and batch lesson 07 trains with:
// through the layers, and lesson 06's hand-written one. The numerical gradient, 2 losses
// per parameter, would take some ten thousand times as long, so its time is estimated
// from one timed loss evaluation.
void time_training_step(const Mnist& mnist, std::uint64_t seed) {
  LayerNet big(mnist.train.pixels_per_image(), kHidden, kClasses, kWeightInitStd, seed);
  std::vector<std::size_t> hundred(kBatch);
  for (std::size_t k = 0; k < hundred.size(); ++k) hundred[k] = k;
  const Batch batch = sample_batch(mnist.train, hundred, kClasses);
  const double layers = seconds_per_call([&] { (void)big.gradient(batch.x, batch.t); }, 10);
  // The qualified call skips the virtual override: lesson 06's given gradient, same net.
  const double lesson06 =
      seconds_per_call([&] { (void)big.TwoLayerNet::gradient(batch.x, batch.t); }, 10);
  const double loss_seconds = seconds_per_call([&] { (void)big.loss(batch.x, batch.t); }, 10);
  const std::size_t evaluations = 2 * parameter_count(big.params);
  const double estimate = static_cast<double>(evaluations) * loss_seconds;
  std::cout << "timing: CPU time of one training step's gradient, " << layout(big.params)
            << " net, batch " << kBatch << ": layers " << in_seconds(layers) << ", lesson 06's "
            << in_seconds(lesson06) << " (" << fixed(layers / lesson06, 2) << " times as long)\n";
  std::cout << "timing: numerical ≈ " << evaluations << " losses × " << in_seconds(loss_seconds)
            << " = " << in_seconds(estimate) << " (estimated, " << fixed(estimate / layers, 0)
            << " times the layers' backprop)\n\n";
}

// Your gradient_check (lesson 06) on your layers: the first kCheckImages training images
// through a fresh net, backprop against the numerical gradient.
void check_gradients(const Mnist& mnist, std::uint64_t seed, bool timing) {
  std::vector<std::size_t> first(kCheckImages);
  for (std::size_t k = 0; k < first.size(); ++k) first[k] = k;
  const Batch batch = sample_batch(mnist.train, first, kClasses);
  LayerNet net(mnist.train.pixels_per_image(), kCheckHidden, kClasses, kWeightInitStd, seed);

  GradientCheck check;
  const double check_seconds =
      seconds_per_call([&] { check = gradient_check(net, batch.x, batch.t); });
  std::cout << "gradient check: a fresh " << layout(net.params) << " net ("
            << parameter_count(net.params) << " parameters), training images 0-" << kCheckImages - 1
            << ", your layers' backprop against the numerical gradient (h = 1e-4)\n";
  std::cout << "mean |diff|: the book's figure; max relative error: max|backprop − numerical| / "
               "max(|backprop|, |numerical|)\n";
  const std::vector<std::pair<std::string, ParameterCheck>> rows = {
      {"W1", check.W1}, {"b1", check.b1}, {"W2", check.W2}, {"b2", check.b2}};
  for (const auto& [name, c] : rows) {
    std::cout << "gradient check " << name << ": mean |diff| " << sci(c.mean_abs_difference, 2)
              << "   max relative error " << sci(c.relative.relative_error, 1) << "   expected ≈ "
              << sci(kExpectedRelativeError, 0) << " (1e-7 / p, p ≈ 0.1)\n";
  }
  std::cout << "\n";
  if (!timing) return;

  // One backprop on the same batch, repeated so that the clock sees it.
  const double backprop_seconds =
      seconds_per_call([&] { (void)net.gradient(batch.x, batch.t); }, 100);
  // The check ran both gradients; the numerical one is nearly all of its time.
  const double numerical_seconds = check_seconds - backprop_seconds;
  std::cout << "timing: CPU time of one gradient, " << layout(net.params) << " net, "
            << kCheckImages << " images: numerical " << in_seconds(numerical_seconds)
            << ", backprop " << in_seconds(backprop_seconds) << " ("
            << fixed(numerical_seconds / backprop_seconds, 0) << " times faster)\n";
  time_training_step(mnist, seed);
}

// Lesson 07's loop, settings and batches, with the gradient from your layers: prints
// lesson 07's epoch lines and the final accuracies beside the write-up's.
void train_layered_net(const Mnist& mnist, std::uint64_t seed, std::size_t iterations) {
  LayerNet net(mnist.train.pixels_per_image(), kHidden, kClasses, kWeightInitStd, seed);
  Run lesson07;
  lesson07.settings = {kHidden, kBatch, iterations, kLearningRate};
  const TrainConfig config = config_of(lesson07, mnist.train.size());
  ProgressLine progress(iterations);
  const TrainObserver observer =
      printing_observer(progress, config.iterations_per_epoch, iterations, Printed::epochs);
  std::cout << "training the " << layout(net.params)
            << " layered net with lesson 07's loop, settings and batches (its epoch lines):\n";
  Rng batch_rng(seed + 1);
  const TrainLog log = train(net, mnist.train, mnist.test, config, batch_rng, observer);
  if (log.diverged) {
    throw std::runtime_error("training diverged at iteration " + std::to_string(log.losses.size()) +
                             ". HINT: with lr 0.1 it does not; check the layers' backward "
                             "passes with make check CH=08");
  }
  std::cout << "\n";
  print_final_accuracy(
      log, iterations == kBook.iterations ? "" : " after 10000 iterations (--iters 10000)");
}

// What the flags ask for.
struct Options {
  std::size_t iterations;
  std::uint64_t seed;
  std::string dir;
  bool timing;
};

Options parse_flags(int argc, char** argv, Flags& flags) {
  flags.option("iters", std::to_string(kDefaultIterations),
               "training iterations: 1200 = 2 epochs; lesson 07's full run is 10000");
  flags.option("seed", "42", "weights from Rng(seed), batches from Rng(seed + 1), as lesson 07");
  flags.option("data", "data/mnist", "directory of the four MNIST files (make data)");
  flags.toggle("timing", "also print how long one numerical gradient and one backprop take");
  flags.parse(argc, argv);
  const auto iterations = static_cast<std::size_t>(flags.integer("iters", 1));
  // One recorded loss per iteration (8 bytes), on top of about 0.6 GiB for the data, the
  // nets and the evaluation chunks.
  flags.require_memory(8.0 * static_cast<double>(iterations) + 0.6 * (1 << 30), {"iters"});
  return {iterations, static_cast<std::uint64_t>(flags.integer("seed", 0)), flags.text("data"),
          flags.on("timing")};
}

void print_header(const Options& run) {
  std::cout << header(
                   {{"program", "08_backpropagation"},
                    {"data", run.dir},
                    {"network", "784-" + std::to_string(kHidden) + "-" + std::to_string(kClasses) +
                                    " as layers Affine, Sigmoid, Affine, SoftmaxWithLoss; "
                                    "weights " +
                                    repr(kWeightInitStd) + "·N(0,1), biases 0"},
                    {"seed", seed_text(run.seed, ", as lesson 07")},
                    {"training", std::to_string(run.iterations) + " iterations, batch " +
                                     std::to_string(kBatch) + ", lr " + repr(kLearningRate)}})
            << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags("08_backpropagation",
              "Backpropagation: the shopping graph, the gradient check, training the layered "
              "net.");
  const Options run = parse_flags(argc, argv, flags);
  return guarded_main(flags, [&] {
    print_header(run);
    buy_apples();
    buy_apples_and_oranges();

    const Mnist mnist = load_mnist(run.dir);
    if (mnist.train.size() < kBatch) {
      throw std::runtime_error(run.dir + " holds " + std::to_string(mnist.train.size()) +
                               " training images, fewer than one batch of " +
                               std::to_string(kBatch) + ". HINT: run make data for all 60,000");
    }
    check_gradients(mnist, run.seed, run.timing);
    train_layered_net(mnist, run.seed, run.iterations);
    return 0;
  });
}
