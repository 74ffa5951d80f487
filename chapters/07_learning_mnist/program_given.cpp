// chapters/07_learning_mnist/program_given.cpp: the programs' shared pieces, given
// ready-made. Contracts are in program.h.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <stdexcept>

#include "chapters/07_learning_mnist/program.h"
#include "common/format.h"

Run parse_run_flags(int argc, char** argv, Flags& flags) {
  flags.option("hidden", "auto", "hidden units H: 50, or 10 with --gradient numerical");
  flags.option("batch", "auto", "images per batch B: 100, or 10 with --gradient numerical");
  flags.option("lr", "auto", "learning rate, > 0: 0.1, or 1 with --gradient numerical");
  flags.option("iters", "auto", "iterations: 10000, or 100 with --gradient numerical");
  flags.option("seed", "42", "weights from Rng(seed), batches from Rng(seed + 1)");
  flags.option("data", "data/mnist", "directory of the four MNIST files (make data)");
  flags.option("gradient", "backprop", "backprop or numerical");
  flags.toggle("ascent", "flip the update's sign: θ ← θ + lr·∇L (watch the loss climb)");
  flags.parse(argc, argv);

  Run run;
  const std::string method = flags.text("gradient");
  if (method != "backprop" && method != "numerical") {
    flags.fail("--gradient must be backprop or numerical, got '" + method + "'");
  }
  run.numerical = method == "numerical";
  const Settings& base = run.numerical ? kNumericalDefaults : kBook;
  // "auto" picks the default of the chosen gradient; a number must be a whole one ≥ 1.
  const auto size = [&](const std::string& name, std::size_t fallback) {
    return flags.text(name) == "auto" ? fallback : static_cast<std::size_t>(flags.integer(name, 1));
  };
  run.settings = {size("hidden", base.hidden), size("batch", base.batch),
                  size("iters", base.iterations), base.lr};
  if (flags.text("lr") != "auto") run.settings.lr = flags.number("lr");
  if (run.settings.lr <= 0.0) {
    flags.fail("--lr must be > 0, got " + flags.text("lr") +
               " (to flip the step's sign, use --ascent)");
  }
  run.ascent = flags.on("ascent");
  run.seed = static_cast<std::uint64_t>(flags.integer("seed", 0));
  run.dir = flags.text("data");
  return run;
}

void check_memory(const Flags& flags, const Run& run,
                  const std::function<double(const Settings&)>& needed) {
  const Settings& s = run.settings;
  const Settings& base = run.numerical ? kNumericalDefaults : kBook;
  Settings hidden = s, batch = s, iterations = s;  // each with one size at its default
  hidden.hidden = base.hidden;
  batch.batch = base.batch;
  iterations.iterations = base.iterations;
  const double bytes = needed(s);
  flags.require_memory(bytes, Flags::driving(bytes, {{"hidden", bytes - needed(hidden)},
                                                     {"batch", bytes - needed(batch)},
                                                     {"iters", bytes - needed(iterations)}}));
}

bool is_book_run(const Run& run) {
  const Settings& s = run.settings;
  return !run.numerical && !run.ascent && s.hidden == kBook.hidden && s.batch == kBook.batch &&
         s.iterations == kBook.iterations && s.lr == kBook.lr;
}

std::string write_up_note(const Run& run) {
  return is_book_run(run) ? "" : "  (for the book's settings, not this run's)";
}

std::string data_text(const std::string& dir, const Mnist& mnist) {
  return dir + " (" + std::to_string(mnist.train.size()) + " training images, " +
         std::to_string(mnist.test.size()) + " test images)";
}

void check_batch(const Flags& flags, const Run& run, const Mnist& mnist) {
  if (run.settings.batch > mnist.train.size()) {
    flags.fail("--batch " + std::to_string(run.settings.batch) + " is larger than the " +
               std::to_string(mnist.train.size()) + " training images in " + run.dir);
  }
}

TrainConfig config_of(const Run& run, std::size_t n_train) {
  const Settings& s = run.settings;
  TrainConfig config;
  config.batch_size = s.batch;
  config.learning_rate = run.ascent ? -s.lr : s.lr;
  config.iterations = s.iterations;
  config.gradient = run.numerical ? GradientMethod::numerical : GradientMethod::backprop;
  config.iterations_per_epoch = std::max<std::size_t>(1, n_train / s.batch);
  return config;
}

std::string update_text(bool ascent) {
  return ascent ? "ascent  θ ← θ + lr·∇L (the sign flipped)" : "descent  θ ← θ − lr·∇L";
}

std::string seed_text(std::uint64_t seed, const std::string& also) {
  return std::to_string(seed) + " (weights Rng(" + std::to_string(seed) + "), batches Rng(" +
         std::to_string(seed + 1) + ")" + also + ")";
}

ProgressLine::ProgressLine(std::size_t total) : on_(isatty(STDERR_FILENO) != 0), total_(total) {}

void ProgressLine::show(std::size_t iteration, double loss) {
  const auto now = std::chrono::steady_clock::now();
  if (!on_ || (iteration != total_ && now - last_ < std::chrono::milliseconds(100))) return;
  last_ = now;
  std::cerr << "\r\033[K  iter " << iteration << "/" << total_ << "  loss " << fixed(loss, 4)
            << std::flush;
}

void ProgressLine::clear() {
  if (on_) std::cerr << "\r\033[K" << std::flush;
}

void ProgressLine::say(const std::string& line) {
  if (on_) std::cerr << line << "\n" << std::flush;
}

TrainObserver printing_observer(ProgressLine& progress, std::size_t per_epoch,
                                std::size_t iterations, Printed printed) {
  TrainObserver observer;
  const bool shown_too = printed == Printed::shown_and_epochs;
  observer.on_iteration = [&progress, shown_too](std::size_t i, double loss) {
    const bool shown =
        std::find(kShownIterations.begin(), kShownIterations.end(), i) != kShownIterations.end();
    if (shown_too && (shown || !std::isfinite(loss))) {
      progress.clear();
      std::cout << "iter " << i << "  loss " << fixed(loss, 4) << std::endl;
    }
    progress.show(i, loss);
  };
  observer.on_evaluation = [&progress, per_epoch, iterations](const Evaluation& e) {
    progress.clear();
    std::cout << epoch_line(e.iteration, per_epoch, iterations, e.mean_loss, e.train_accuracy,
                            e.test_accuracy)
              << std::endl;
  };
  return observer;
}

void print_final_accuracy(const TrainLog& log, const std::string& note) {
  if (log.evaluations.empty()) {
    throw std::logic_error("print_final_accuracy: the run measured no accuracy (it diverged?)");
  }
  const Evaluation& end = log.evaluations.back();
  std::cout << "final train_acc: " << fixed(end.train_accuracy, 4) << "   the write-up's run ≈ "
            << fixed(kWriteUpTrainAccuracy, 3) << note << "\n"
            << "final test_acc: " << fixed(end.test_accuracy, 4) << "   the write-up's run ≈ "
            << fixed(kWriteUpTestAccuracy, 3) << note << "\n";
}
