// chapters/07_learning_mnist/program.h: what the programs of lessons 07, 08 and 09 share,
// given ready-made (program_given.cpp), so that each says it once: the book's settings and
// the flags that change them, the training's configuration from those, the header's seed
// line, the lines printed as training goes, and the final accuracies beside the
// write-up's.
//
// Shapes: N = training images, B = batch, H = hidden units, K = classes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "chapters/07_learning_mnist/train.h"
#include "common/cli.h"
#include "common/mnist.h"

constexpr std::size_t kClasses = 10;     // K: the digits 0 … 9
constexpr double kWeightInitStd = 0.01;  // the book's weight_init_std

// A run's sizes and learning rate.
struct Settings {
  std::size_t hidden, batch, iterations;
  double lr;
};
// The book's settings (train_neuralnet.py).
constexpr Settings kBook{50, 100, 10000, 0.1};
// With --gradient numerical every parameter costs two forward passes per iteration, so
// the book's 784-50-10 net on batches of 100 needs 79,520 losses of 100 images per
// iteration (see lesson 07). These defaults need 15,920 losses of 10 images, about 250
// times less work, and the larger lr makes the loss fall visibly within 100 iterations
// (at lr 0.1 it hardly moves in that time).
constexpr Settings kNumericalDefaults{10, 10, 100, 1.0};
// The accuracies a write-up of the book's chapter 4 printed on the last line of its run of
// the book's code (train 0.948, test 0.946): not figures of the book, which shows the curve.
constexpr double kWriteUpTrainAccuracy = 0.948;
constexpr double kWriteUpTestAccuracy = 0.946;

// Iterations whose batch loss gets a line of its own, to watch the first steps.
inline const std::vector<std::size_t> kShownIterations = {1, 2, 3, 5, 10, 20, 50, 100, 200, 500};

// What lesson 07's flags ask for.
struct Run {
  Settings settings;
  bool numerical = false, ascent = false;
  std::uint64_t seed = 42;
  std::string dir;
};

// Declares lesson 07's flags on `flags` (--hidden, --batch, --lr, --iters: "auto" for the
// book's settings, or the numerical defaults with --gradient numerical; --seed, --data,
// --gradient, --ascent), reads argv, and returns the run they ask for. A bad flag prints
// the usage and exits 2 (Flags::fail).
Run parse_run_flags(int argc, char** argv, Flags& flags);

// Refuses (usage, exit 2), before anything is read, sizes whose memory, needed(settings)
// bytes, is over the budget (Flags::require_memory), naming those of --hidden, --batch and
// --iters that drive the figure (Flags::driving). A flag's share is what its rise above
// its default (kBook, or kNumericalDefaults with --gradient numerical) adds to the figure:
// a size left at its default, or lowered, is never the one to lower.
void check_memory(const Flags& flags, const Run& run,
                  const std::function<double(const Settings&)>& needed);

// Whether the run is the book's: its settings, backprop, descending.
bool is_book_run(const Run& run);

// "" for the book's run; otherwise the note, for the final accuracy lines, that the
// write-up's figures belong to the book's settings.
std::string write_up_note(const Run& run);

// The header's data value: "data/mnist (60000 training images, 10000 test images)".
std::string data_text(const std::string& dir, const Mnist& mnist);

// Refuses (usage, exit 2) a batch larger than the training set read.
void check_batch(const Flags& flags, const Run& run, const Mnist& mnist);

// The run's TrainConfig: its batch, lr (its sign flipped with --ascent), iterations and
// gradient, and one epoch of max(1, N / B) iterations, N = n_train.
TrainConfig config_of(const Run& run, std::size_t n_train);

// The header's update value: "descent  θ ← θ − lr·∇L", or with ascent
// "ascent  θ ← θ + lr·∇L (the sign flipped)".
std::string update_text(bool ascent);

// The header's seed value: "42 (weights Rng(42), batches Rng(43))", `also` inside the
// parentheses at the end (", as lesson 07").
std::string seed_text(std::uint64_t seed, const std::string& also = "");

// A progress line on stderr, redrawn in place ("\r"), at most every 0.1 s. Off unless
// stderr is a terminal: in a log file it would only be clutter.
class ProgressLine {
 public:
  explicit ProgressLine(std::size_t total);

  void show(std::size_t iteration, double loss);
  // Erases the line, so that stdout can print a line of its own on the same terminal.
  void clear();
  // A line of its own on stderr, on a terminal only: for what changes from run to run (a
  // time), which stdout must not show.
  void say(const std::string& line);

 private:
  bool on_;
  std::size_t total_;
  std::chrono::steady_clock::time_point last_{};
};

// What a program prints on stdout as train goes.
enum class Printed {
  epochs,            // one epoch_line (common/format.h) per evaluation
  shown_and_epochs,  // and "iter 5  loss 2.2941" for each iteration in kShownIterations,
                     // and for any whose loss is not finite
};

// The observer that prints as train goes (progress shows the rest on a terminal); lines
// are flushed as they come. iterations is the run's, for epoch_line's "final".
TrainObserver printing_observer(ProgressLine& progress, std::size_t per_epoch,
                                std::size_t iterations, Printed printed);

// The two final accuracy lines, the write-up's figures beside them, note after each, from
// log's last evaluation. Throws std::logic_error if log has none (a run that diverged at
// once: each program reports divergence before it gets here):
//   final train_acc: 0.9490   the write-up's run ≈ 0.948<note>
//   final test_acc: 0.9480   the write-up's run ≈ 0.946<note>
void print_final_accuracy(const TrainLog& log, const std::string& note);
