// chapters/09_making_it_fast/main.cpp: `make run CH=09` trains lesson 07's default run
// with every idea of the chapter on, after checking each idea against lesson 07's plain
// step on a short slice of the same run, and prints what each idea is worth.
//
// Output: a header of key: value lines; one check line per idea, with what it must be
// (bit for bit, or within a named tolerance); the training's iteration and epoch lines;
// the work done, counted. Lines that begin with "timing:" carry times measured in this
// run, which change from run to run: the table of the ideas, the machine's peak and the
// arithmetic floor. Everything else is the same, byte for byte, for a seed (tools/
// programs.sh tells the determinism and lesson checks to leave the timing: lines out).
//
// B = batch, D = 784 pixels, H = hidden units, K = 10 classes.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "chapters/06_two_layer_net/two_layer_net.h"
#include "chapters/07_learning_mnist/train.h"
#include "chapters/09_making_it_fast/fast_train.h"
#include "chapters/09_making_it_fast/kernels.h"
#include "chapters/09_making_it_fast/measure.h"
#include "chapters/09_making_it_fast/numerical_fast.h"
#include "common/cli.h"
#include "common/format.h"
#include "common/parallel.h"
#include "common/mnist.h"
#include "common/random.h"

namespace {

constexpr std::size_t kClasses = 10;
constexpr double kWeightInitStd = 0.01;  // the book's weight_init_std
constexpr std::size_t kThreads = 2;      // this machine's cores; no result depends on it

// Lesson 07's settings (the book's train_neuralnet.py), and the smaller ones lesson 07
// uses with --gradient numerical (an iteration of the book's net costs 2·39,760 losses).
struct Settings {
  std::size_t hidden, batch, iterations;
  double lr;
};
constexpr Settings kBook{50, 100, 10000, 0.1};
constexpr Settings kNumericalDefaults{10, 10, 100, 1.0};
constexpr double kPublishedTrainAccuracy = 0.948;
constexpr double kPublishedTestAccuracy = 0.946;

// Each idea trains this many iterations of the run for its check: enough for the numbers
// to move, few enough that lesson 07's plain step, the slowest, takes a small part of the
// program's time.
constexpr std::size_t kSliceIterations = 10;
constexpr std::size_t kSliceIterationsNumerical = 2;
// The float path is timed on a longer slice: its step takes ~0.1 ms, and making a FastNet
// (its thread included) should not count as part of ten of them.
constexpr std::size_t kFloatTimedIterations = 100;
// Each evaluation is timed on this many test images and scaled up to the whole sets.
constexpr std::size_t kTimedImages = 1000;
// Every idea is timed once a round, this many rounds, and its time is the median: a slower
// moment of the shared machine slows every idea of its round alike, and moves no median.
constexpr std::size_t kRounds = 3;
// The numerical gradient is timed on a net of lesson 07's --gradient numerical size
// (784-10-10) and this many images: lesson 06's costs ~30 ms an image.
constexpr std::size_t kNumericalImages = 2;

// How far the float path may be from the plain double one after kSliceIterations steps.
// A float carries 24 bits (relative rounding 6e-8). A loss (~2.3) is the end of ~10^4
// operations; a step carries its gradient's rounding (sums of ~150 terms, ~1e-6 of their
// size) into the parameters, and the biases start at 0, so their relative error is the
// steps' own. Measured over --lr 0.1 … 1000: losses within 6e-6, parameters within 5e-6
// (relative, lesson 06's relative_error); the tolerances leave a factor of 10. A wrong
// gradient, a parameter not stepped or a term left out misses by 1e-3 or more.
constexpr double kFloatLossTol = 5e-5;
constexpr double kFloatParamTol = 5e-5;
// Accuracies are fractions of images; rounding can flip a near tie: a few in 2,000.
constexpr double kFloatAccuracyTol = 0.003;
// The fast numerical gradient against lesson 06's: the same central differences, so the
// same truncation error; they differ by rounding only. Lesson 06 subtracts two whole
// losses, each rounded to ~3e-16, divided by 2h = 2e-4: ~1e-12 of noise per entry against
// entries of ~1e-3 (measured: below 1e-9).
constexpr double kNumericalTol = 1e-8;

const std::vector<std::size_t> kShownIterations = {1, 2, 3, 5, 10, 20, 50, 100, 200, 500};

// A flag whose default depends on --gradient: "auto" picks backprop's or numerical's.
std::size_t size_flag(const Flags& flags, const std::string& name, std::size_t for_backprop,
                      std::size_t for_numerical, bool numerical) {
  if (flags.text(name) == "auto") return numerical ? for_numerical : for_backprop;
  constexpr long kMaxHidden = 100'000;  // W1 alone would be 300 MB in float
  return static_cast<std::size_t>(
      flags.integer(name, 1, name == "hidden" ? kMaxHidden : 1'000'000'000));
}

// How far parameters a are from b: the worst of the four relative errors of lesson 06,
// max|a − b| / max(|a|, |b|) over each matrix.
double max_param_diff(const TwoLayerParams& a, const TwoLayerParams& b) {
  return std::max(
      {relative_error(a.W1, b.W1).relative_error, relative_error(a.b1, b.b1).relative_error,
       relative_error(a.W2, b.W2).relative_error, relative_error(a.b2, b.b2).relative_error});
}

bool same_params(const TwoLayerParams& a, const TwoLayerParams& b) {
  return a.W1 == b.W1 && a.b1 == b.b1 && a.W2 == b.W2 && a.b2 == b.b2;
}

double max_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = std::fabs(a[i] - b[i]);
    worst = std::isnan(d) ? d : std::max(worst, d);
  }
  return worst;
}

// What a slice of training leaves: its losses, the parameters after it, and a way to
// measure the trained net's accuracy on the timed test images.
struct Slice {
  std::vector<double> losses;
  TwoLayerParams params;
  std::function<double()> accuracy;
};

// One idea: how to train the first iterations of the run from the start.
struct Idea {
  Idea(std::string n, std::function<Slice(std::size_t)> t, std::size_t timed)
      : name(std::move(n)), train(std::move(t)), timed_iterations(timed) {}
  std::string name;
  std::function<Slice(std::size_t iterations)> train;
  std::size_t timed_iterations;
  double step_seconds = 0.0, evaluation_seconds = 0.0;
  Slice result;  // of the check's slice
  double accuracy = 0.0;
};

// Trains each idea on the check's slice, keeping the results, and then times every idea
// once a round for kRounds rounds, a step (over its timed_iterations) and an evaluation:
// each idea's median round.
void measure(std::vector<Idea>& ideas, std::size_t slice) {
  for (Idea& idea : ideas) {
    idea.result = idea.train(slice);
    idea.accuracy = idea.result.accuracy();
  }
  std::vector<std::vector<double>> steps(ideas.size()), evaluations(ideas.size());
  for (std::size_t round = 0; round < kRounds; ++round) {
    for (std::size_t k = 0; k < ideas.size(); ++k) {
      Slice s;
      steps[k].push_back(seconds_of([&] { s = ideas[k].train(ideas[k].timed_iterations); }));
      evaluations[k].push_back(seconds_of([&] { s.accuracy(); }));
    }
  }
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  for (std::size_t k = 0; k < ideas.size(); ++k) {
    ideas[k].step_seconds = median(steps[k]) / static_cast<double>(ideas[k].timed_iterations);
    ideas[k].evaluation_seconds = median(evaluations[k]);
  }
}

// The largest differences between two slices: of the losses, and of the parameters
// relative to their size.
std::string differences(const Slice& got, const Slice& want) {
  return "losses within " + sci(max_diff(got.losses, want.losses), 1) + ", parameters within " +
         sci(max_param_diff(got.params, want.params), 1) + " of their size";
}

// Whether two slices and their accuracies are the same, bit for bit.
bool identical(const Idea& a, const Idea& b) {
  return a.result.losses == b.result.losses && same_params(a.result.params, b.result.params) &&
         a.accuracy == b.accuracy;
}

// One check line; returns whether it holds.
bool check_line(const std::string& what, const std::string& result, const std::string& expected,
                bool holds) {
  std::printf("check %-28s %s   expected: %s%s\n", what.c_str(), result.c_str(), expected.c_str(),
              holds ? "" : "   FAILED");
  return holds;
}

// The multiply-adds the run does in the products, counted from its batches: the
// gradient's forward pass, ∂L/∂W1 and the loss after the step are three sparse products
// of (nonzero pixels) · H a step; the output layer's products (forward twice, ∂L/∂z1,
// ∂L/∂W2) are B·H·K each; an evaluation is one forward pass of every image.
struct Work {
  double sparse = 0.0, dense = 0.0;
};
Work count_work(const SparseSet& train, const SparseSet& test, const TrainConfig& config,
                std::uint64_t batch_seed, std::size_t H, std::size_t K, std::size_t evaluations) {
  Rng rng(batch_seed);
  double nonzeros = 0.0;
  for (std::size_t i = 0; i < config.iterations; ++i) {
    for (const std::size_t r : choose_batch(rng, train.x.rows, config.batch_size)) {
      nonzeros += static_cast<double>(train.x.row_start[r + 1] - train.x.row_start[r]);
    }
  }
  const double h = static_cast<double>(H), hk = h * static_cast<double>(K);
  const double set_nonzeros = static_cast<double>(train.x.nonzeros() + test.x.nonzeros());
  const double set_images = static_cast<double>(train.x.rows + test.x.rows);
  const double e = static_cast<double>(evaluations);
  Work w;
  w.sparse = 3.0 * nonzeros * h + e * set_nonzeros * h;
  w.dense =
      4.0 * static_cast<double>(config.iterations * config.batch_size) * hk + e * set_images * hk;
  return w;
}

}  // namespace

int main(int argc, char** argv) {
  const auto started = std::chrono::steady_clock::now();
  const auto since_start = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };

  Flags flags("09_making_it_fast",
              "Trains lesson 07's default run with every idea of lesson 09, after checking each "
              "against lesson 07's plain step, and times them.");
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
  // θ ← θ − lr·∇L descends; with the sign flipped, θ ← θ + lr·∇L climbs.
  const double step = ascent ? -run.lr : run.lr;
  const std::string dir = flags.text("data");

  return guarded_main([&] {
    double load_seconds = 0.0, sparse_seconds = 0.0;
    Mnist mnist;
    load_seconds = seconds_of([&] { mnist = load_mnist(dir); });
    const std::size_t n_train = mnist.train.labels.size(), n_test = mnist.test.labels.size();
    if (run.batch > n_train) {
      flags.fail("--batch " + std::to_string(run.batch) + " is larger than the " +
                 std::to_string(n_train) + " training images in " + dir);
    }
    const std::size_t D = mnist.train.image_rows * mnist.train.image_cols;

    TrainConfig config;
    config.batch_size = run.batch;
    config.learning_rate = step;
    config.iterations = run.iterations;
    const std::size_t per_epoch = std::max<std::size_t>(1, n_train / run.batch);
    config.iterations_per_epoch = per_epoch;
    const TwoLayerNet start(D, run.hidden, kClasses, kWeightInitStd, seed);
    const std::string shape =
        std::to_string(D) + "-" + std::to_string(run.hidden) + "-" + std::to_string(kClasses);
    const bool book_settings = !numerical && !ascent && run.hidden == kBook.hidden &&
                               run.batch == kBook.batch && run.iterations == kBook.iterations &&
                               run.lr == kBook.lr;

    std::cout << "program: 09_making_it_fast\n";
    std::cout << "data: " << dir << " (" << n_train << " training images, " << n_test
              << " test images)\n";
    std::cout << "network: " << shape << ", batch " << run.batch << ", lr " << repr(run.lr) << ", "
              << run.iterations << " iterations, accuracy every " << per_epoch
              << " and after the last" << (book_settings ? " (lesson 07's default run)" : "")
              << "\n";
    std::cout << "gradient: " << method
              << (numerical ? " (numerical_gradient_fast: only what each nudge changes)" : "")
              << "\n";
    std::cout << "update: "
              << (ascent ? "ascent  θ ← θ + lr·∇L (the sign flipped)" : "descent  θ ← θ − lr·∇L")
              << "\n";
    std::cout << "seed: " << seed << " (weights Rng(" << seed << "), batches Rng(" << seed + 1
              << "), as lesson 07)\n";
    std::cout << "threads: " << kThreads << " (no result depends on the number)\n";
    std::cout << std::flush;  // the header, before a stub not written yet can stop the program

    // The float path's sets, made once (the numerical gradient's path reads the Datasets).
    SparseSet train_set, test_set;
    if (!numerical) {
      sparse_seconds = seconds_of([&] {
        train_set = sparse_set(mnist.train, kClasses);
        test_set = sparse_set(mnist.test, kClasses);
      });
    }
    if (!numerical) {
      const double inked =
          static_cast<double>(train_set.x.nonzeros()) / static_cast<double>(train_set.x.rows * D);
      std::cout << "nonzero pixels: " << fixed(100.0 * inked, 1) << "% of the training set's "
                << train_set.x.rows * D << ", " << fixed(inked * static_cast<double>(D), 1)
                << " an image: the only ones x·W1 needs\n";
    }
    std::cout << "\n";

    // The slice: the run's first iterations, the same batches for every idea.
    const std::size_t slice =
        std::min(run.iterations, numerical ? kSliceIterationsNumerical : kSliceIterations);
    std::vector<std::vector<std::size_t>> batches;
    {
      Rng rng(seed + 1);
      for (std::size_t i = 0; i < std::max(slice, kFloatTimedIterations); ++i) {
        batches.push_back(choose_batch(rng, n_train, run.batch));
      }
    }
    const auto labels_of = [&](const std::vector<std::size_t>& indices) {
      std::vector<std::size_t> labels(indices.size());
      for (std::size_t k = 0; k < indices.size(); ++k) labels[k] = mnist.train.labels[indices[k]];
      return labels;
    };
    const std::size_t timed_images = std::min(kTimedImages, n_test);
    std::vector<std::size_t> first_test(timed_images);
    for (std::size_t k = 0; k < timed_images; ++k) first_test[k] = k;
    const Batch test_part = sample_batch(mnist.test, first_test, kClasses);
    const SparseRows test_part_pixels = sparse_rows(test_part.x);
    const std::vector<std::size_t> test_part_labels(
        mnist.test.labels.begin(),
        mnist.test.labels.begin() + static_cast<std::ptrdiff_t>(timed_images));

    // Lesson 07's step, plain: the four calls of train's loop body; lesson 06's accuracy.
    // With the numerical gradient as lesson 07's --gradient numerical, or the fast one.
    enum class Gradient { backprop, numerical, numerical_fast };
    const auto chapter7 = [&](Gradient gradient) {
      return [&, gradient](std::size_t iterations) {
        auto net = std::make_shared<TwoLayerNet>(start);
        Slice s;
        for (std::size_t i = 0; i < iterations; ++i) {
          const Batch batch = sample_batch(mnist.train, batches[i], kClasses);
          const TwoLayerParams grads =
              gradient == Gradient::backprop    ? net->gradient(batch.x, batch.t)
              : gradient == Gradient::numerical ? net->numerical_gradient(batch.x, batch.t)
                                                : numerical_gradient_fast(*net, batch.x, batch.t);
          sgd_step(net->params, grads, step);
          s.losses.push_back(net->loss(batch.x, batch.t));
        }
        s.params = net->params;
        s.accuracy = [&, net] { return net->accuracy(test_part.x, test_part.t); };
        return s;
      };
    };

    std::vector<Idea> ideas;
    ideas.emplace_back("plain: lesson 07's step",
                       chapter7(numerical ? Gradient::numerical : Gradient::backprop), slice);
    if (numerical) {
      ideas.emplace_back("6 only what a nudge changes", chapter7(Gradient::numerical_fast), slice);
    } else {
      // Lesson 07's batch made sparse, and sparse_step; the accuracy from sparse pixels.
      const auto exact = [&](SparseProducts products) {
        return [&, products](std::size_t iterations) {
          auto net = std::make_shared<TwoLayerNet>(start);
          Slice s;
          for (std::size_t i = 0; i < iterations; ++i) {
            const Batch batch = sample_batch(mnist.train, batches[i], kClasses);
            s.losses.push_back(sparse_step(*net, sparse_rows(batch.x), batch.t, step, products));
          }
          s.params = net->params;
          s.accuracy = [&, net] {
            return static_cast<double>(sparse_correct(*net, test_part_pixels, test_part_labels)) /
                   static_cast<double>(timed_images);
          };
          return s;
        };
      };
      // The float path. Without reuse, its batches are made as the plain code makes them:
      // each one copied out of the set (sample_batch), made sparse and rounded to float,
      // into new buffers. With reuse, the set is made sparse once, and every batch gathered
      // from it into a buffer made once.
      const auto fast = [&](FastOptions options) {
        return [&, options](std::size_t iterations) {
          auto net = std::make_shared<FastNet>(start.params, run.batch, options);
          Slice s;
          for (std::size_t i = 0; i < iterations; ++i) {
            if (options.reuse_buffers) {
              s.losses.push_back(net->step(train_set, batches[i], step));
            } else {
              const Batch batch = sample_batch(mnist.train, batches[i], kClasses);
              s.losses.push_back(
                  net->step(to_floats(sparse_rows(batch.x)), labels_of(batches[i]), step));
            }
          }
          s.params = net->params();
          s.accuracy = [&, net] { return net->accuracy(test_set, timed_images); };
          return s;
        };
      };
      ideas.emplace_back("1 zeros skipped", exact(SparseProducts::forward), slice);
      ideas.emplace_back("2 no transpose", exact(SparseProducts::forward_and_gradient), slice);
      ideas.emplace_back("3 16 floats at a time", fast({1, false}), kFloatTimedIterations);
      ideas.emplace_back("4 buffers made once", fast({1, true}), kFloatTimedIterations);
      ideas.emplace_back("5 two threads", fast({kThreads, true}), kFloatTimedIterations);
    }
    const double checks_started = since_start();
    // Ideas 1-4 run on one core, and so does the plain step while it is timed here, so
    // that each row measures its own idea (lesson 07's program shares the plain path's big
    // products between the cores, which idea 5 does for the fast one).
    const std::size_t threads_before = parallel_threads();
    set_parallel_threads(1);
    measure(ideas, slice);
    set_parallel_threads(threads_before);

    // The checks.
    std::cout << "checks: iterations 1-" << slice << " of this run, each idea against lesson 07's "
              << "plain step (your choose_batch, sample_batch, sgd_step; lesson 06's "
              << (numerical ? "numerical_gradient" : "gradient") << " and loss), from the same "
              << "weights on the same batches; then the accuracy on the first " << timed_images
              << " test images\n";
    bool ok = true;
    const Idea& plain = ideas[0];
    const std::string equal = std::to_string(slice) + " losses, 4 parameters and the accuracy (" +
                              fixed(plain.accuracy, 4) + ") equal, bit for bit";
    double numerical_slow_seconds = 0.0, numerical_fast_seconds = 0.0;
    if (numerical) {
      // The two gradients differ by rounding, so the steps do, by about as much.
      const Idea& fast = ideas[1];
      const double loss_diff = max_diff(fast.result.losses, plain.result.losses);
      const double param_diff = max_param_diff(fast.result.params, plain.result.params);
      ok &= check_line(fast.name, differences(fast.result, plain.result),
                       "within " + sci(kNumericalTol, 0) + " (kNumericalTol)",
                       loss_diff <= kNumericalTol && param_diff <= kNumericalTol);
    } else {
      for (std::size_t k = 1; k <= 2; ++k) {
        const bool same = identical(ideas[k], plain);
        ok &= check_line(ideas[k].name, same ? equal : differences(ideas[k].result, plain.result),
                         "bit for bit", same);
      }
      const Idea& floats = ideas[3];
      const double loss_diff = max_diff(floats.result.losses, plain.result.losses);
      const double param_diff = max_param_diff(floats.result.params, plain.result.params);
      const double accuracy_diff = std::fabs(floats.accuracy - plain.accuracy);
      ok &= check_line(
          floats.name,
          differences(floats.result, plain.result) + ", accuracy " + fixed(floats.accuracy, 4),
          "within " + sci(kFloatLossTol, 0) + ", " + sci(kFloatParamTol, 0) + ", ±" +
              repr(kFloatAccuracyTol) + " (kFloat*Tol)",
          loss_diff <= kFloatLossTol && param_diff <= kFloatParamTol &&
              accuracy_diff <= kFloatAccuracyTol);
      for (std::size_t k = 4; k <= 5; ++k) {
        const bool same = identical(ideas[k], ideas[k - 1]);
        ok &= check_line(ideas[k].name,
                         same ? "as idea " + std::to_string(k - 1) + ", bit for bit"
                              : differences(ideas[k].result, ideas[k - 1].result),
                         "bit for bit", same);
      }
      // Idea 6: one numerical gradient of a net of lesson 07's --gradient numerical size,
      // on the run's first images.
      TwoLayerNet small(D, kNumericalDefaults.hidden, kClasses, kWeightInitStd, seed);
      const Batch batch = sample_batch(
          mnist.train,
          std::vector<std::size_t>(batches[0].begin(), batches[0].begin() + kNumericalImages),
          kClasses);
      TwoLayerParams slow, quick;
      numerical_slow_seconds =
          seconds_of([&] { slow = small.numerical_gradient(batch.x, batch.t); });
      numerical_fast_seconds = median_seconds(
          kRounds, [&] { quick = numerical_gradient_fast(small, batch.x, batch.t); });
      const double error = std::max({relative_error(quick.W1, slow.W1).relative_error,
                                     relative_error(quick.b1, slow.b1).relative_error,
                                     relative_error(quick.W2, slow.W2).relative_error,
                                     relative_error(quick.b2, slow.b2).relative_error});
      ok &=
          check_line("6 only what a nudge changes",
                     "one numerical gradient (" + std::to_string(D) + "-" +
                         std::to_string(kNumericalDefaults.hidden) + "-" +
                         std::to_string(kClasses) + ", " + std::to_string(kNumericalImages) +
                         " images): relative error " + sci(error, 1) + " against lesson 06's",
                     "below " + sci(kNumericalTol, 0) + " (kNumericalTol)", error < kNumericalTol);
    }
    if (!ok) {
      throw std::runtime_error(
          "a check FAILED above: that idea does not compute what lesson 07's plain step does. "
          "HINT: run make check CH=09; the failing test names the kernel");
    }
    const double checks_seconds = since_start() - checks_started;

    // The run, every idea on.
    std::cout << "\ntraining: " << run.iterations << " iterations, every idea on"
              << (numerical ? "" : " (FastNet, " + std::to_string(kThreads) + " threads)") << "\n";
    TrainObserver observer;
    observer.on_iteration = [&](std::size_t i, double loss) {
      if (std::find(kShownIterations.begin(), kShownIterations.end(), i) !=
              kShownIterations.end() ||
          !std::isfinite(loss)) {
        std::cout << "iter " << i << "  loss " << fixed(loss, 4) << "\n";
      }
    };
    observer.on_evaluation = [&](const Evaluation& e) {
      std::cout << epoch_line(e.iteration, per_epoch, config.iterations, e.mean_loss,
                              e.train_accuracy, e.test_accuracy)
                << "\n";
    };
    TwoLayerNet net = start;
    Rng batch_rng(seed + 1);
    TrainLog log;
    const double train_seconds = seconds_of([&] {
      if (!numerical) {
        log = train_fast(net, train_set, test_set, config, batch_rng, observer, {kThreads, true});
        return;
      }
      // The numerical gradient: lesson 07's step with the fast gradient; exact accuracies.
      const auto numerical_step = [&] {
        const Batch batch =
            sample_batch(mnist.train, choose_batch(batch_rng, n_train, run.batch), kClasses);
        sgd_step(net.params, numerical_gradient_fast(net, batch.x, batch.t), step);
        return net.loss(batch.x, batch.t);
      };
      // The accuracy on a whole set, exactly lesson 07's, 1,000 images at a time.
      const auto exact_accuracy_of = [&](const Dataset& data) {
        std::size_t correct = 0;
        const std::size_t n = data.labels.size();
        for (std::size_t c0 = 0; c0 < n; c0 += 1000) {
          std::vector<std::size_t> rows;
          for (std::size_t i = c0; i < std::min(n, c0 + 1000); ++i) rows.push_back(i);
          const std::vector<std::size_t> labels(
              data.labels.begin() + static_cast<std::ptrdiff_t>(c0),
              data.labels.begin() + static_cast<std::ptrdiff_t>(c0 + rows.size()));
          correct += sparse_correct(net, sparse_rows(sample_batch(data, rows, kClasses).x), labels);
        }
        return static_cast<double>(correct) / static_cast<double>(n);
      };
      const auto exact_accuracies = [&] {
        return std::make_pair(exact_accuracy_of(mnist.train), exact_accuracy_of(mnist.test));
      };
      log = training_loop(config, n_train, observer, numerical_step, exact_accuracies);
    });
    if (log.diverged) {
      throw std::runtime_error(
          "training diverged at iteration " + std::to_string(log.losses.size()) + " (lr " +
          repr(run.lr) + "): the loss is not finite. HINT: lower --lr (the book's 0.1 works)");
    }
    const Evaluation& end = log.evaluations.back();
    const std::string note = book_settings ? "" : "  (for the book's defaults, not this run's)";
    std::cout << "final train_acc: " << fixed(end.train_accuracy, 4) << "   the write-up's run ≈ "
              << fixed(kPublishedTrainAccuracy, 3) << note << "\n";
    std::cout << "final test_acc: " << fixed(end.test_accuracy, 4) << "   the write-up's run ≈ "
              << fixed(kPublishedTestAccuracy, 3) << note << "\n\n";

    // The work, counted; then everything measured.
    const std::size_t H = run.hidden, evaluations = log.evaluations.size();
    Work work;
    if (!numerical) {
      work = count_work(train_set, test_set, config, seed + 1, H, kClasses, evaluations);
      std::cout << "work: " << sci(work.sparse + work.dense, 2)
                << " multiply-adds: " << sci(work.sparse, 2)
                << " in the sparse products (3 a step, 1 an image "
                << "evaluated), " << sci(work.dense, 2) << " in the output layer\n";
    }

    const double scale = static_cast<double>(n_train + n_test) / static_cast<double>(timed_images);
    const double evaluation_count = static_cast<double>(evaluations);
    Table table(
        numerical
            ? std::vector<std::string>{"idea", "one step", "speed-up", "the run (est.)", "speed-up"}
            : std::vector<std::string>{"idea", "one step", "speed-up", "one evaluation", "speed-up",
                                       "the run (est.)", "speed-up"});
    const auto estimate = [&](const Idea& idea) {
      return idea.step_seconds * static_cast<double>(run.iterations) +
             (numerical ? 0.0 : idea.evaluation_seconds * scale * evaluation_count);
    };
    for (std::size_t k = 0; k < ideas.size(); ++k) {
      const Idea& idea = ideas[k];
      std::vector<std::string> row = {idea.name, duration(idea.step_seconds),
                                      times(plain.step_seconds / idea.step_seconds)};
      if (!numerical) {
        row.push_back(duration(idea.evaluation_seconds * scale));
        row.push_back(times(plain.evaluation_seconds / idea.evaluation_seconds));
      }
      row.push_back(duration(estimate(idea)));
      row.push_back(times(estimate(plain) / estimate(idea)));
      table.add(row);
    }
    std::cout << "\n" << table.text("timing: ");
    std::cout << "timing: (one step: the median of " << kRounds << " rounds, over iterations 1-"
              << slice
              << (numerical ? ""
                            : " (1-" + std::to_string(kFloatTimedIterations) + " for ideas 3-5)")
              << (numerical ? ""
                            : "; one evaluation: " + std::to_string(timed_images) +
                                  " test images, scaled to both sets' " +
                                  std::to_string(n_train + n_test))
              << "; the run: " << run.iterations << " steps"
              << (numerical ? ""
                            : " and " + std::to_string(evaluations) +
                                  (evaluations == 1 ? " evaluation" : " evaluations"))
              << ")\n";
    if (!numerical) {
      std::cout << "timing: 6 only what a nudge changes: one numerical gradient of a " << D << "-"
                << kNumericalDefaults.hidden << "-" << kClasses << " net on " << kNumericalImages
                << " images, lesson 06's " << duration(numerical_slow_seconds) << ", fast "
                << duration(numerical_fast_seconds) << ": "
                << times(numerical_slow_seconds / numerical_fast_seconds) << "\n";
    }
    std::cout << "timing: this run: training " << duration(train_seconds) << " (estimated "
              << duration(estimate(ideas.back())) << "); the program until now "
              << duration(since_start()) << ": loading MNIST " << duration(load_seconds)
              << (numerical ? "" : ", the sparse sets " + duration(sparse_seconds))
              << ", the checks and timings " << duration(checks_seconds) << "\n";
    if (!numerical) {
      const double peak = peak_multiply_adds(kThreads);
      const double floor = (work.sparse + work.dense) / peak;
      std::cout << "timing: peak: " << fixed(peak / 1e9, 0) << " G multiply-adds/s (float, fused, "
                << kThreads << " threads, measured just now)\n";
      std::cout << "timing: floor: " << duration(floor) << " for the work above at that peak; "
                << "the training took " << times(train_seconds / floor) << " the floor\n";
    }
    return 0;
  });
}
