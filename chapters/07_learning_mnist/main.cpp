// chapters/07_learning_mnist/main.cpp: `make run CH=07` trains the two-layer net on MNIST,
// prints one line per epoch, and draws the loss, the accuracies and a grid of predictions.
// `make mnist` runs the reference build of it with the defaults.
//
// stdout is byte-identical run to run (fixed seeds, no times). While training, a progress
// line goes to stderr, and only when stderr is a terminal, so logs stay clean.
//
// B = batch, D = 784 pixels, H = hidden units, K = 10 classes.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/05_loss_gradient/loss.h"
#include "chapters/06_two_layer_net/two_layer_net.h"
#include "chapters/07_learning_mnist/train.h"
#include "common/cli.h"
#include "common/format.h"
#include "common/mnist.h"
#include "common/random.h"
#include "common/svg.h"

namespace {

const std::string kOutDir = "out/07_learning_mnist/";
constexpr std::size_t kClasses = 10;
constexpr double kWeightInitStd = 0.01;  // the book's weight_init_std

// The book's settings (train_neuralnet.py) and the accuracies its run reaches with them.
struct Settings {
  std::size_t hidden, batch, iterations;
  double lr;
};
constexpr Settings kBook{50, 100, 10000, 0.1};
constexpr double kPublishedTrainAccuracy = 0.948;
constexpr double kPublishedTestAccuracy = 0.946;
// With --gradient numerical every parameter costs two forward passes per iteration, so
// the book's 784-50-10 net on batches of 100 needs minutes per iteration (see the
// lesson). These defaults make an iteration take about a second, and the larger lr makes
// the loss fall visibly within 100 iterations (at lr 0.1 it hardly moves in that time).
constexpr Settings kNumericalDefaults{10, 10, 100, 1.0};

// Iterations whose batch loss gets a line of its own, to watch the first steps.
const std::vector<std::size_t> kShownIterations = {1, 2, 3, 5, 10, 20, 50, 100, 200, 500};
constexpr std::size_t kGridDigits = 50;   // test digits in predictions.svg
constexpr std::size_t kShownDigit = 0;    // the test digit drawn in ASCII at the end
constexpr std::size_t kLossWindow = 100;  // iterations averaged in loss.svg's smooth line

// A flag whose default depends on --gradient: "auto" picks backprop's or numerical's.
std::size_t size_flag(const Flags& flags, const std::string& name, std::size_t for_backprop,
                      std::size_t for_numerical, bool numerical) {
  if (flags.text(name) == "auto") return numerical ? for_numerical : for_backprop;
  // 100,000 hidden units already make W1 627 MB; more is a typo, not an experiment.
  constexpr long kMaxHidden = 100'000;
  return static_cast<std::size_t>(
      flags.integer(name, 1, name == "hidden" ? kMaxHidden : 1'000'000'000));
}

// A progress line on stderr, redrawn in place ("\r"), at most every 0.1 s. Off unless
// stderr is a terminal: in a log file it would only be clutter.
class ProgressLine {
 public:
  explicit ProgressLine(std::size_t total) : on_(isatty(STDERR_FILENO) != 0), total_(total) {}

  void show(std::size_t iteration, double loss, const std::string& note = "") {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    if (note.empty() && iteration != total_ && now - last_ < std::chrono::milliseconds(100)) {
      return;
    }
    last_ = now;
    std::cerr << "\r\033[K  iter " << iteration << "/" << total_ << "  loss " << fixed(loss, 4)
              << (note.empty() ? "" : "  " + note) << std::flush;
  }

  // Erases the line, so that stdout can print a line of its own on the same terminal.
  void clear() {
    if (on_) std::cerr << "\r\033[K" << std::flush;
  }

  // A line of its own on stderr, on a terminal only, like the progress line: for what
  // changes from run to run (a time), which stdout must not show.
  void say(const std::string& line) {
    if (on_) std::cerr << line << "\n" << std::flush;
  }

 private:
  bool on_;
  std::size_t total_;
  std::chrono::steady_clock::time_point last_{};
};

// Mean of the values v[from … to), ignoring nothing: a NaN makes it NaN.
double mean_of(const std::vector<double>& v, std::size_t from, std::size_t to) {
  double s = 0.0;
  for (std::size_t i = from; i < to; ++i) s += v[i];
  return s / static_cast<double>(to - from);
}

void write_loss_plot(const TrainLog& log, const std::string& setup, const std::string& path) {
  Plot plot;
  plot.title = "Batch loss per iteration (" + setup + ")";
  plot.x_label = "iteration";
  plot.y_label = "cross-entropy loss on the batch";
  Series raw{{}, {}, "batch loss", "#9ecae1"};
  for (std::size_t i = 0; i < log.losses.size(); ++i) {
    raw.x.push_back(static_cast<double>(i + 1));
    raw.y.push_back(log.losses[i]);
  }
  plot.series.push_back(raw);
  // The batch loss is noisy (each batch is a different 100 images); a running mean over
  // the last 100 iterations shows the trend, once there are enough of them to show one.
  if (log.losses.size() >= 5 * kLossWindow) {
    Series smooth{{}, {}, "mean of the last " + std::to_string(kLossWindow), "#08519c"};
    for (std::size_t i = kLossWindow; i <= log.losses.size(); ++i) {
      smooth.x.push_back(static_cast<double>(i));
      smooth.y.push_back(mean_of(log.losses, i - kLossWindow, i));
    }
    plot.series.push_back(smooth);
  }
  write_svg(plot, path);
}

void write_accuracy_plot(const TrainLog& log, std::size_t per_epoch, const std::string& setup,
                         const std::string& path) {
  // In epochs, as the book plots it; a run shorter than an epoch in iterations instead.
  const bool in_epochs = log.evaluations.back().iteration >= per_epoch;
  Plot plot;
  plot.title = "Accuracy (" + setup + ")";
  plot.x_label = in_epochs ? "epoch (" + std::to_string(per_epoch) + " iterations)" : "iteration";
  plot.y_label = "accuracy";
  plot.y_range = std::make_pair(0.0, 1.0);
  plot.legend = LegendCorner::bottom_right;
  Series train_acc{{}, {}, "train", "#1f77b4", true};
  Series test_acc{{}, {}, "test", "#ff7f0e", true, true};
  for (const Evaluation& e : log.evaluations) {
    const double x = in_epochs ? static_cast<double>(e.iteration) / static_cast<double>(per_epoch)
                               : static_cast<double>(e.iteration);
    train_acc.x.push_back(x);
    train_acc.y.push_back(e.train_accuracy);
    test_acc.x.push_back(x);
    test_acc.y.push_back(e.test_accuracy);
  }
  plot.series = {train_acc, test_acc};
  // One evaluation (a short run) is one point; give the x axis some width around it.
  if (log.evaluations.size() == 1) plot.x_range = std::make_pair(0.0, 2.0 * train_acc.x.back());
  write_svg(plot, path);
}

void write_prediction_grid(const Matrix& images, const Matrix& y,
                           const std::vector<std::size_t>& labels, const std::string& path) {
  ImageGrid grid;
  grid.title = "The first " + std::to_string(images.rows()) +
               " test digits: predicted label (true label after a mistake, in red)";
  grid.images = images;
  const std::vector<std::size_t> predicted = row_argmax(y);
  for (std::size_t k = 0; k < images.rows(); ++k) {
    const bool wrong = predicted[k] != labels[k];
    grid.captions.push_back(std::to_string(predicted[k]) +
                            (wrong ? " (is " + std::to_string(labels[k]) + ")" : ""));
    grid.marked.push_back(wrong);
  }
  write_svg(grid, path);
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags("07_learning_mnist",
              "Trains the two-layer net on MNIST by mini-batch gradient descent.");
  flags.option("hidden", "auto", "hidden units H: 50, or 10 with --gradient numerical");
  flags.option("batch", "auto", "images per batch B: 100, or 10 with --gradient numerical");
  flags.option("lr", "auto", "learning rate, > 0: 0.1, or 1 with --gradient numerical");
  flags.option("iters", "auto", "iterations: 10000, or 100 with --gradient numerical");
  flags.option("seed", "42", "weights from Rng(seed), batches from Rng(seed + 1)");
  flags.option("data", "data/mnist", "directory of the four MNIST files (make data)");
  flags.option("gradient", "backprop", "backprop or numerical");
  flags.toggle("ascent", "flip the update's sign: θ ← θ + lr·∇L (watch the loss climb)");
  flags.parse(argc, argv);

  const std::string method = flags.text("gradient");
  if (method != "backprop" && method != "numerical") {
    flags.fail("--gradient must be backprop or numerical, got '" + method + "'");
  }
  const bool numerical = method == "numerical";
  const Settings base = numerical ? kNumericalDefaults : kBook;
  Settings run;
  run.hidden = size_flag(flags, "hidden", kBook.hidden, kNumericalDefaults.hidden, numerical);
  run.batch = size_flag(flags, "batch", kBook.batch, kNumericalDefaults.batch, numerical);
  run.iterations =
      size_flag(flags, "iters", kBook.iterations, kNumericalDefaults.iterations, numerical);
  run.lr = flags.text("lr") == "auto" ? base.lr : flags.number("lr");
  if (run.lr <= 0.0) {
    flags.fail("--lr must be > 0, got " + flags.text("lr") +
               " (to flip the step's sign, use --ascent)");
  }
  const auto seed = static_cast<std::uint64_t>(flags.integer("seed", 0));
  const bool ascent = flags.on("ascent");
  const std::string dir = flags.text("data");

  return guarded_main([&] {
    const Mnist mnist = load_mnist(dir);
    const std::size_t n_train = mnist.train.images.rows(), n_test = mnist.test.images.rows();
    const std::size_t d = mnist.train.images.cols();
    if (run.batch > n_train) {
      flags.fail("--batch " + std::to_string(run.batch) + " is larger than the " +
                 std::to_string(n_train) + " training images in " + dir);
    }

    TrainConfig config;
    config.batch_size = run.batch;
    config.learning_rate = run.lr;
    config.iterations = run.iterations;
    config.gradient = numerical ? GradientMethod::numerical : GradientMethod::backprop;
    config.ascent = ascent;
    const std::size_t per_epoch = std::max<std::size_t>(1, n_train / run.batch);
    config.iterations_per_epoch = per_epoch;

    TwoLayerNet net(d, run.hidden, kClasses, kWeightInitStd, seed);
    const std::size_t params =
        net.params.W1.size() + net.params.b1.size() + net.params.W2.size() + net.params.b2.size();
    const std::string shape =
        std::to_string(d) + "-" + std::to_string(run.hidden) + "-" + std::to_string(kClasses);
    const bool book_settings = !numerical && !ascent && run.hidden == kBook.hidden &&
                               run.batch == kBook.batch && run.iterations == kBook.iterations &&
                               run.lr == kBook.lr;

    std::cout << "program: 07_learning_mnist\n";
    std::cout << "data: " << dir << " (" << n_train << " training images, " << n_test
              << " test images)\n";
    std::cout << "network: " << shape << " (sigmoid hidden layer, softmax output), weights "
              << repr(kWeightInitStd) << "·N(0,1), biases 0\n";
    std::cout << "parameters: " << params << " (W1 " << net.params.W1.size() << ", b1 "
              << net.params.b1.size() << ", W2 " << net.params.W2.size() << ", b2 "
              << net.params.b2.size() << ")\n";
    std::cout << "gradient: " << method
              << (numerical ? " (2 × " + std::to_string(params) +
                                  " loss evaluations on the batch per iteration)"
                            : " (given in chapter 6)")
              << "\n";
    if (numerical) {
      std::cout << "numerical defaults: hidden " << kNumericalDefaults.hidden << ", batch "
                << kNumericalDefaults.batch << ", lr " << repr(kNumericalDefaults.lr) << ", iters "
                << kNumericalDefaults.iterations
                << " unless given (the book's sizes cost minutes per iteration)\n";
    }
    std::cout << "update: "
              << (ascent ? "ascent  θ ← θ + lr·∇L (the sign flipped)" : "descent  θ ← θ − lr·∇L")
              << "\n";
    std::cout << "batch: " << run.batch << " images drawn with replacement\n";
    std::cout << "lr: " << repr(run.lr) << "\n";
    std::cout << "iterations: " << run.iterations << "\n";
    std::cout << "iterations per epoch: " << per_epoch << " (" << n_train << " / " << run.batch
              << ")\n";
    std::cout << "seed: " << seed << " (weights Rng(" << seed << "), batches Rng(" << seed + 1
              << "))\n";
    std::cout << "epoch lines: loss = mean batch loss over the epoch; accuracies on all " << n_train
              << " training and " << n_test << " test images\n\n";

    // Before any step: tiny weights make every score ≈ 0, so softmax gives each class
    // ≈ 1/10 and the loss is ≈ −ln(1/10) = ln 10; the argmax is then a guess.
    const Matrix test_t = one_hot(mnist.test.labels, kClasses);
    const double loss0 = net.loss(mnist.test.images, test_t);
    const double acc0 = net.accuracy(mnist.test.images, test_t);
    std::cout << "before training: loss " << fixed(loss0, 4) << " on the test images   expected ≈ "
              << fixed(std::log(static_cast<double>(kClasses)), 4) << " = ln 10\n";
    std::cout << "before training: test_acc " << fixed(acc0, 4)
              << "   expected ≈ 0.1 (one class in ten: a guess)\n\n";

    ProgressLine progress(run.iterations);
    TrainObserver observer;
    observer.on_iteration = [&](std::size_t i, double loss) {
      const bool shown =
          std::find(kShownIterations.begin(), kShownIterations.end(), i) != kShownIterations.end();
      if (shown || !std::isfinite(loss)) {
        progress.clear();
        std::cout << "iter " << i << "  loss " << fixed(loss, 4) << std::endl;
      }
      const bool evaluating = i % per_epoch == 0 || i == run.iterations;
      progress.show(i, loss, evaluating && std::isfinite(loss) ? "measuring accuracy..." : "");
    };
    observer.on_evaluation = [&](const Evaluation& e) {
      progress.clear();
      const std::string label = e.iteration % per_epoch == 0
                                    ? "epoch " + std::to_string(e.iteration / per_epoch)
                                    : "final";
      std::cout << label << "  iter " << e.iteration << "  loss " << fixed(e.mean_loss, 4)
                << "  train_acc " << fixed(e.train_accuracy, 4) << "  test_acc "
                << fixed(e.test_accuracy, 4) << std::endl;
    };

    Rng batch_rng(seed + 1);
    const auto started = std::chrono::steady_clock::now();
    const TrainLog log = train(net, mnist.train, mnist.test, config, batch_rng, observer);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    progress.clear();
    progress.say("(trained in " + fixed(took.count(), 2) +
                 " s; BENCHMARKS.md compares it with the book's numpy code)");

    const std::string setup = shape + ", batch " + std::to_string(run.batch) + ", lr " +
                              repr(run.lr) + (ascent ? ", ascent" : "") +
                              (numerical ? ", numerical" : "");
    std::vector<std::string> wrote;
    write_loss_plot(log, setup, kOutDir + "loss.svg");
    wrote.push_back(kOutDir + "loss.svg  (batch loss per iteration)");
    if (!log.evaluations.empty()) {
      write_accuracy_plot(log, per_epoch, setup, kOutDir + "accuracy.svg");
      wrote.push_back(kOutDir + "accuracy.svg  (train and test accuracy after each epoch)");
    }

    if (log.diverged) {
      const std::size_t at = log.losses.size();
      std::cout << "\ndiverged: the loss is " << fixed(log.losses.back(), 4) << " at iter " << at
                << "; training stopped there\n";
      for (const std::string& w : wrote) std::cout << "wrote " << w << "\n";
      throw std::runtime_error(
          "training diverged at iteration " + std::to_string(at) + " (lr " + repr(run.lr) +
          "): once a weight is inf or NaN, every later step is too. HINT: the steps overshoot; "
          "lower --lr (the book's 0.1 works). If it happens at a small lr too, check that your "
          "softmax (chapter 5) subtracts each row's maximum");
    }

    // Did the loss fall? Compare the mean of the first and the last few batch losses.
    const std::size_t total = log.losses.size(), few = std::min<std::size_t>(10, total);
    const double first = mean_of(log.losses, 0, few);
    const double last = mean_of(log.losses, total - few, total);
    std::cout << "\nloss: " << fixed(first, 4) << " (mean of iterations 1-" << few << ") -> "
              << fixed(last, 4) << " (mean of iterations " << total - few + 1 << "-" << total
              << ")\n";
    if (ascent) {
      // To first order a step changes L by ∇L · Δθ = ±lr·|∇L|²: + for ascent.
      std::cout << "ascent: the loss " << (last > first ? "climbed" : "did not climb")
                << ", as a step along +∇L does (ΔL ≈ +lr·|∇L|²); without --ascent it falls\n";
    } else if (last >= first) {
      std::cout << "warning: the loss did not fall. HINT: the steps overshoot; lower --lr (the "
                   "book's 0.1 works)\n";
    }

    const Evaluation& end = log.evaluations.back();
    const std::string note = book_settings ? "" : "  (for the book's defaults, not this run's)";
    std::cout << "final train_acc: " << fixed(end.train_accuracy, 4) << "   published ≈ "
              << fixed(kPublishedTrainAccuracy, 3) << note << "\n";
    std::cout << "final test_acc: " << fixed(end.test_accuracy, 4) << "   published ≈ "
              << fixed(kPublishedTestAccuracy, 3) << note << "\n";

    // The first test digits, gathered with sample_batch like any batch.
    std::vector<std::size_t> first_rows(std::min(kGridDigits, n_test));
    for (std::size_t k = 0; k < first_rows.size(); ++k) first_rows[k] = k;
    const Batch shown = sample_batch(mnist.test, first_rows, kClasses);
    const Matrix y = net.predict(shown.x);  // (50,K) class probabilities
    const std::size_t guess = row_argmax(y)[kShownDigit];
    std::cout << "\ntest image " << kShownDigit << ": label " << mnist.test.labels[kShownDigit]
              << ", predicted " << guess << " (probability " << fixed(y(kShownDigit, guess), 4)
              << ")\n";
    // The drawing in a frame, so that its blank margin shows as part of the image.
    const std::string border = "+" + std::string(mnist.test.image_cols, '-') + "+\n";
    std::string framed = border, line;
    const std::string art =
        ascii_digit(shown.x, kShownDigit, mnist.test.image_rows, mnist.test.image_cols);
    for (char c : art) {
      if (c != '\n') {
        line += c;
        continue;
      }
      framed += "|" + line + "|\n";
      line.clear();
    }
    std::cout << framed << border << "\n";

    write_prediction_grid(shown.x, y, mnist.test.labels, kOutDir + "predictions.svg");
    wrote.push_back(kOutDir + "predictions.svg  (the first " + std::to_string(first_rows.size()) +
                    " test digits and their predictions, mistakes in red)");
    for (const std::string& w : wrote) std::cout << "wrote " << w << "\n";
    return 0;
  });
}
