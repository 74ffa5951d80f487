// chapters/07_learning_mnist/main.cpp: `make run CH=07` trains the two-layer net on MNIST
// with your train_step (through the given train loop), prints one line per epoch, says
// whether the loss fell, and draws the loss, the accuracies and a grid of predictions.
// `make mnist` runs the reference build of it with the defaults.
//
// stdout is byte-identical run to run (fixed seeds, no times). While training, a progress
// line goes to stderr, and only when stderr is a terminal, so logs stay clean.
//
// B = batch, D = 784 pixels, H = hidden units, K = 10 classes.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "chapters/06_two_layer_net/two_layer_net.h"
#include "chapters/07_learning_mnist/program.h"
#include "chapters/07_learning_mnist/train.h"
#include "common/cli.h"
#include "common/format.h"
#include "common/mnist.h"
#include "common/random.h"
#include "common/svg.h"

namespace {

const std::string kOutDir = "out/07_learning_mnist/";
constexpr std::size_t kGridDigits = 50;   // test digits in predictions.svg
constexpr std::size_t kShownDigit = 0;    // the test digit drawn in ASCII at the end
constexpr std::size_t kLossWindow = 100;  // iterations averaged in loss.svg's smooth line
// Batch losses vary from batch to batch by a few hundredths, so a change in the mean of
// ten of them smaller than this is noise, not a trend.
constexpr double kLossNoise = 0.1;

// Bytes the run will hold at once, about: the parameters with their gradients and the
// step's temporaries (4 copies), one batch and the evaluation's chunks (100 images on each
// of up to 8 cores: 1,000 rows leave room) with their activations (about 4 matrices of
// each layer's width), and one loss per iteration.
// D is MNIST's 784 pixels: the data's own width is known only once it is read, and other
// widths are rare.
double memory_needed(const Settings& s) {
  constexpr std::size_t d = 784;
  const double params = static_cast<double>(d * s.hidden + s.hidden * (kClasses + 1) + kClasses);
  const double rows = static_cast<double>(s.batch) + 1000.0;
  const double activations = rows * static_cast<double>(d + 4 * (s.hidden + kClasses));
  return 8.0 * (4.0 * params + activations + static_cast<double>(s.iterations));
}

void print_header(const Run& run, const Mnist& mnist, const TwoLayerNet& net,
                  std::size_t per_epoch) {
  const Settings& s = run.settings;
  const TwoLayerParams& p = net.params;
  const std::string params = std::to_string(parameter_count(p));
  const std::string n_train = std::to_string(mnist.train.size());
  const std::string epoch = std::to_string(per_epoch);
  HeaderLines lines = {
      {"program", "07_learning_mnist"},
      {"data", data_text(run.dir, mnist)},
      {"network", std::to_string(p.W1.rows()) + "-" + std::to_string(s.hidden) + "-" +
                      std::to_string(kClasses) +
                      " (sigmoid hidden layer, softmax output), weights " + repr(kWeightInitStd) +
                      "·N(0,1), biases 0"},
      {"parameters", params + " (W1 " + std::to_string(p.W1.size()) + ", b1 " +
                         std::to_string(p.b1.size()) + ", W2 " + std::to_string(p.W2.size()) +
                         ", b2 " + std::to_string(p.b2.size()) + ")"},
      {"gradient",
       run.numerical ? "numerical (2 × " + params + " loss evaluations on the batch per iteration)"
                     : "backprop (given in lesson 06)"}};
  if (run.numerical) {
    const Settings& n = kNumericalDefaults;
    lines.push_back({"numerical defaults",
                     "hidden " + std::to_string(n.hidden) + ", batch " + std::to_string(n.batch) +
                         ", lr " + repr(n.lr) + ", iters " + std::to_string(n.iterations) +
                         " unless given (the book's sizes cost 250 times as much per iteration)"});
  }
  const HeaderLines rest = {
      {"update", update_text(run.ascent)},
      {"batch", std::to_string(s.batch) + " images drawn with replacement"},
      {"lr", repr(s.lr)},
      {"iterations", std::to_string(s.iterations)},
      {"iterations per epoch", epoch + " (" + n_train + " / " + std::to_string(s.batch) + ")"},
      {"accuracy measured", "after iterations 1, " + std::to_string(per_epoch + 1) + ", " +
                                std::to_string(2 * per_epoch + 1) + ", … (the book's i % " + epoch +
                                " == 0, its i counting from 0) and after the last"},
      {"seed", seed_text(run.seed)},
      {"epoch lines", "loss = mean batch loss since the line before; accuracies on all " + n_train +
                          " training and " + std::to_string(mnist.test.size()) + " test images"}};
  lines.insert(lines.end(), rest.begin(), rest.end());
  std::cout << header(lines) << "\n";
}

// Before any step: tiny weights make every score ≈ 0, so softmax gives each class ≈ 1/10
// and the loss is ≈ −ln(1/10) = ln 10; the argmax is then a guess.
// Returns that loss, where the training starts from.
double print_before_training(const TwoLayerNet& net, const Dataset& test) {
  const std::size_t n = std::min<std::size_t>(1000, test.size());
  const Matrix x = test.images(0, n);
  const Matrix t = one_hot(
      {test.labels.begin(), test.labels.begin() + static_cast<std::ptrdiff_t>(n)}, kClasses);
  const double loss = net.loss(x, t);
  std::cout << "before training: loss " << fixed(loss, 4) << " on the first " << n
            << " test images   "
            << "expected ≈ " << fixed(std::log(static_cast<double>(kClasses)), 4) << " = ln 10\n"
            << "before training: test_acc " << fixed(accuracy_on(net, test), 4)
            << "   expected ≈ 0.1 (one class in ten: a guess)\n\n";
  return loss;
}

// Mean of the values v[from … to); a NaN makes it NaN.
double mean_of(const std::vector<double>& v, std::size_t from, std::size_t to) {
  double s = 0.0;
  for (std::size_t i = from; i < to; ++i) s += v[i];
  return s / static_cast<double>(to - from);
}

// Did the loss fall? The mean of the last few batch losses against where training started:
// the untrained net's loss, or the first few batch losses if those are lower (the two
// windows never overlap). A climb in a descending run is a warning with its causes.
void print_loss_verdict(const TrainLog& log, bool ascent, double loss_before) {
  const std::size_t total = log.losses.size(), few = std::min<std::size_t>(10, total / 2);
  if (few == 0) return;  // one iteration: nothing to compare
  const double first = mean_of(log.losses, 0, few);
  const double last = mean_of(log.losses, total - few, total);
  std::cout << "\nloss: " << fixed(loss_before, 4) << " before training; " << fixed(first, 4)
            << " (mean of iterations 1-" << few << ") -> " << fixed(last, 4)
            << " (mean of iterations " << total - few + 1 << "-" << total << ")\n";
  const double start = std::min(first, loss_before);
  const bool climbed = last > start + kLossNoise, fell = last < start - kLossNoise;
  if (ascent) {
    // To first order a step changes L by ∇L · Δθ = ±lr·|∇L|²: + for ascent.
    std::cout << "ascent: the loss " << (climbed ? "climbed" : "did not climb")
              << ", as a step along +∇L does (ΔL ≈ +lr·|∇L|²); without --ascent it falls\n";
  } else if (climbed) {
    std::cout << "warning: the loss climbed, though every step is meant to go downhill "
                 "(ΔL ≈ −lr·|∇L|² < 0). HINT: check, in this order, the sign of your "
                 "sgd_step (θ ← θ − lr·∇L), your gradient (lesson 06's gradient check), and the "
                 "learning rate (the book's 0.1 works)\n";
  } else if (!fell) {
    std::cout << "the loss moved less than the batches' noise (" << fixed(kLossNoise, 1)
              << "): too few iterations to see a trend\n";
  }
}

// The end of a diverged run: the loss is no number any more, and every weight it touched.
[[noreturn]] void report_divergence(const TrainLog& log, double lr) {
  const std::size_t at = log.losses.size();
  std::cout << "\ndiverged: the loss is " << fixed(log.losses.back(), 4) << " at iter " << at
            << "; training stopped there\n"
            << "wrote " << kOutDir << "loss.svg  (batch loss per iteration)\n";
  throw std::runtime_error(
      "training diverged at iteration " + std::to_string(at) + " (lr " + repr(lr) +
      "): once a weight is inf or NaN, every later step is too. HINT: steps that overshoot "
      "grow until they overflow; lower --lr (the book's 0.1 works). If it happens at the book's "
      "lr, check the sign of your sgd_step, and that your softmax (lesson 05) subtracts each "
      "row's maximum");
}

// The test digit kShownDigit, its prediction, and its drawing in a frame (so that its
// blank margin shows as part of the image).
void print_shown_digit(const Matrix& x, const Matrix& y, const Dataset& test) {
  const std::size_t guess = row_argmax(y)[kShownDigit];
  std::cout << "\ntest image " << kShownDigit << ": label " << test.labels[kShownDigit]
            << ", predicted " << guess << " (probability " << fixed(y(kShownDigit, guess), 4)
            << ")\n";
  const std::string border = "+" + std::string(test.image_cols, '-') + "+\n";
  std::string framed = border, line;
  for (char c : ascii_digit(x, kShownDigit, test.image_rows, test.image_cols)) {
    if (c != '\n') {
      line += c;
      continue;
    }
    framed += "|" + line + "|\n";
    line.clear();
  }
  std::cout << framed << border << "\n";
}

void write_loss_plot(const TrainLog& log, const std::string& setup, const std::string& path) {
  Plot plot;
  plot.title = "Batch loss per iteration (" + setup + ")";
  plot.x_label = "iteration";
  plot.y_label = "cross-entropy loss on the batch";
  plot.legend = LegendCorner::top_right;  // the loss starts high on the left and falls
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
    const double it = static_cast<double>(e.iteration);
    const double x = in_epochs ? it / static_cast<double>(per_epoch) : it;
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

// Trains, timing the run for the terminal only.
TrainLog train_and_time(TwoLayerNet& net, const Mnist& mnist, const TrainConfig& config,
                        const Run& run) {
  ProgressLine progress(config.iterations);
  Rng batch_rng(run.seed + 1);
  const auto started = std::chrono::steady_clock::now();
  const TrainLog log = train(net, mnist.train, mnist.test, config, batch_rng,
                             printing_observer(progress, config.iterations_per_epoch,
                                               config.iterations, Printed::shown_and_epochs));
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  progress.clear();
  progress.say("(trained in " + fixed(took.count(), 2) +
               " s; BENCHMARKS.md compares it with "
               "the book's numpy code)");
  return log;
}

// The trained net on the first test digits: one drawn in ASCII, all of them in a grid.
void show_predictions(const TwoLayerNet& net, const Dataset& test) {
  const std::size_t shown = std::min(kGridDigits, test.size());
  const Matrix x = test.images(0, shown);
  const Matrix y = net.predict(x);  // (50,K) class probabilities
  print_shown_digit(x, y, test);
  write_prediction_grid(x, y, test.labels, kOutDir + "predictions.svg");
  std::cout << "wrote " << kOutDir << "loss.svg  (batch loss per iteration)\n"
            << "wrote " << kOutDir
            << "accuracy.svg  (train and test accuracy at each measurement)\n"
            << "wrote " << kOutDir << "predictions.svg  (the first " << shown
            << " test digits and their predictions, mistakes in red)\n";
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags("07_learning_mnist",
              "Trains the two-layer net on MNIST by mini-batch gradient descent.");
  const Run run = parse_run_flags(argc, argv, flags);
  check_memory(flags, run, memory_needed);
  return guarded_main(flags, [&] {
    const Mnist mnist = load_mnist(run.dir);
    check_batch(flags, run, mnist);
    const Settings& s = run.settings;
    const TrainConfig config = config_of(run, mnist.train.size());
    TwoLayerNet net(mnist.train.pixels_per_image(), s.hidden, kClasses, kWeightInitStd, run.seed);
    print_header(run, mnist, net, config.iterations_per_epoch);
    const double loss_before = print_before_training(net, mnist.test);
    const TrainLog log = train_and_time(net, mnist, config, run);

    const std::string setup = std::to_string(net.params.W1.rows()) + "-" +
                              std::to_string(s.hidden) + "-10, batch " + std::to_string(s.batch) +
                              ", lr " + repr(s.lr) + (run.ascent ? ", ascent" : "") +
                              (run.numerical ? ", numerical" : "");
    write_loss_plot(log, setup, kOutDir + "loss.svg");
    if (log.diverged) report_divergence(log, s.lr);
    write_accuracy_plot(log, config.iterations_per_epoch, setup, kOutDir + "accuracy.svg");
    print_loss_verdict(log, run.ascent, loss_before);
    print_final_accuracy(log, write_up_note(run));
    show_predictions(net, mnist.test);
    return 0;
  });
}
