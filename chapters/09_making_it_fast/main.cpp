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
#include "chapters/07_learning_mnist/program.h"
#include "chapters/07_learning_mnist/train.h"
#include "chapters/09_making_it_fast/fast_train.h"
#include "chapters/09_making_it_fast/kernels.h"
#include "chapters/09_making_it_fast/measure.h"
#include "chapters/09_making_it_fast/numerical_fast.h"
#include "common/cli.h"
#include "common/format.h"
#include "common/mnist.h"
#include "common/parallel.h"
#include "common/random.h"

namespace {

constexpr std::size_t kThreads = 2;  // this machine's cores; no result depends on it

// Each idea trains this many iterations of the run for its check: enough for the numbers
// to move, few enough that lesson 07's plain step, the slowest, takes a small part of the
// program's time.
constexpr std::size_t kSliceIterations = 10;
constexpr std::size_t kSliceIterationsNumerical = 2;
// The float path is timed on a longer slice: its step takes ~0.1 ms, ten of them too few
// to be sure of a median on a shared machine.
constexpr std::size_t kFloatTimedIterations = 20;
// Each evaluation is timed on this many test images and scaled up to the whole sets.
constexpr std::size_t kTimedImages = 1000;
// Every idea is timed once a round, this many rounds, and its time is a median: a slower
// moment of the shared machine slows every idea of its round alike, and moves no median.
// Each step is timed by itself, and an idea's step time is the median of all of them, so
// that neither a slow moment nor making a FastNet (its thread included) counts.
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

// What a slice of training leaves: its losses, the seconds each step took, the parameters
// after it, and a way to measure the trained net's accuracy on the timed test images.
struct Slice {
  std::vector<double> losses;
  std::vector<double> step_seconds;
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
// once a round for kRounds rounds, its steps (over its timed_iterations) and an
// evaluation: the median of the idea's steps, and of its evaluations.
void measure(std::vector<Idea>& ideas, std::size_t slice) {
  for (Idea& idea : ideas) {
    idea.result = idea.train(slice);
    idea.accuracy = idea.result.accuracy();
  }
  std::vector<std::vector<double>> steps(ideas.size()), evaluations(ideas.size());
  for (std::size_t round = 0; round < kRounds; ++round) {
    for (std::size_t k = 0; k < ideas.size(); ++k) {
      const Slice s = ideas[k].train(ideas[k].timed_iterations);
      steps[k].insert(steps[k].end(), s.step_seconds.begin(), s.step_seconds.end());
      evaluations[k].push_back(seconds_of([&] { s.accuracy(); }));
    }
  }
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  for (std::size_t k = 0; k < ideas.size(); ++k) {
    ideas[k].step_seconds = median(steps[k]);
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

// The bytes the program holds at most, about, for the sizes asked, MNIST's 70,000 images
// of D = 784 pixels assumed (the data's own size is known only once it is read):
//  - the data: pixel bytes and labels; with the float path, the two sparse sets, which
//    reserve room for every pixel (6 bytes: a float and a column), nonzero or not;
//  - the net in double, 16 times: the start, the trained net, the nets and parameters the
//    checks keep for each idea, one slice more while timing, a gradient and the step's
//    temporaries;
//  - a plain step on the batch: its pixels (B,D) in double, made sparse and dense again
//    by the exact path, and lesson 06's activations, 8 matrices (B,H);
//  - 4 FastNets (the float path: ideas 3-5 keep one each, and the timing or train_fast
//    one more): W1, W2 twice and the biases in float, rows padded to a tile of 64 floats;
//    a step's buffers for B rows (twice, for the moment a step without reuse makes new
//    ones); for each thread, the buffers of an evaluation chunk of 128 images;
//  - evaluations in double, 1,000 images a chunk, one chunk a thread and the checks' 1,000
//    test images; the slices' first 100 batches; one loss per iteration.
double memory_needed(const Settings& s, bool numerical) {
  constexpr double D = 784, K = kClasses, kImages = 70000, kTile = 64, kChunk = 128;
  const double H = static_cast<double>(s.hidden), B = static_cast<double>(s.batch);
  const double T = kThreads, Hp = std::ceil(H / kTile) * kTile;  // H floats, padded
  const double params = D * H + H + H * K + K;
  const double data = kImages * (D + 8);
  const double nets = 16 * 8 * params;
  const double step = 8 * B * (D + K) + 26 * B * D + 8 * 8 * B * H;
  const double evaluations = (T + 1) * 1000 * 8 * (D + 4 * H) + 1000 * D * 10;
  const double batches = 100 * B * 8, losses = 8 * static_cast<double>(s.iterations);
  double bytes = data + nets + step + evaluations + batches + losses;
  if (!numerical) {
    const double sparse_sets = kImages * (6 * D + 8);
    const double weights = 4 * (D * Hp + H * kTile + K * Hp + Hp + kTile);
    const double step_buffers = 2 * (4 * B * (4 * Hp + 2 * kTile) + 8 * B) + 6 * B * D;
    const double chunks = T * (4 * kChunk * (3 * Hp + kTile) + 6 * kChunk * D);
    bytes += sparse_sets + 4 * (weights + step_buffers + chunks);
  }
  return bytes;
}

// The run's data: MNIST, and the float path's sets, made once (empty with the numerical
// gradient, whose path reads the Datasets).
struct Data {
  Mnist mnist;
  SparseSet train_set, test_set;
};

void print_header(const Run& run, const Mnist& mnist, const TrainConfig& config) {
  const Settings& s = run.settings;
  const std::string shape = std::to_string(mnist.train.pixels_per_image()) + "-" +
                            std::to_string(s.hidden) + "-" + std::to_string(kClasses);
  std::cout << header(
      {{"program", "09_making_it_fast"},
       {"data", data_text(run.dir, mnist)},
       {"network", shape + ", batch " + std::to_string(s.batch) + ", lr " + repr(s.lr) + ", " +
                       std::to_string(s.iterations) + " iterations, accuracy every " +
                       std::to_string(config.iterations_per_epoch) + " and after the last" +
                       (is_book_run(run) ? " (lesson 07's default run)" : "")},
       {"gradient", run.numerical
                        ? "numerical (numerical_gradient_fast: only what each nudge changes)"
                        : "backprop"},
       {"update", update_text(run.ascent)},
       {"seed", seed_text(run.seed, ", as lesson 07")},
       {"threads", std::to_string(kThreads) + " (no result depends on the number)"}});
  std::cout << std::flush;  // the header, before a stub not written yet can stop the program
}

// The float path's sets, made once, and the share of the pixels they keep; returns the
// seconds they took.
double make_sparse_sets(Data& data) {
  const double seconds = seconds_of([&] {
    data.train_set = sparse_set(data.mnist.train, kClasses);
    data.test_set = sparse_set(data.mnist.test, kClasses);
  });
  const SparseFloats& x = data.train_set.x;
  const double D = static_cast<double>(x.cols);
  const double inked = static_cast<double>(x.nonzeros()) / (static_cast<double>(x.rows) * D);
  std::cout << "nonzero pixels: " << fixed(100.0 * inked, 1) << "% of the training set's "
            << x.rows * x.cols << ", " << fixed(inked * D, 1)
            << " an image: the only ones x·W1 needs\n";
  return seconds;
}

// What every idea's slice starts from: the same weights, the same batches, the same test
// images, and the step's signed learning rate.
struct SliceInputs {
  const Data& data;
  const TwoLayerNet& start;
  double step;
  std::size_t batch, slice, timed_images;
  std::vector<std::vector<std::size_t>> batches{};  // the run's first batches
  Batch test_part{};                                // the first timed_images test images
  SparseRows test_part_pixels{};
  std::vector<std::size_t> test_part_labels{};
};

SliceInputs slice_inputs(const Data& data, const TwoLayerNet& start, const Run& run,
                         const TrainConfig& config) {
  const Dataset& test = data.mnist.test;
  const std::size_t slice = std::min(run.settings.iterations,
                                     run.numerical ? kSliceIterationsNumerical : kSliceIterations);
  SliceInputs in{.data = data,
                 .start = start,
                 .step = config.learning_rate,
                 .batch = run.settings.batch,
                 .slice = slice,
                 .timed_images = std::min(kTimedImages, test.size())};
  Rng rng(run.seed + 1);
  for (std::size_t i = 0; i < std::max(slice, kFloatTimedIterations); ++i) {
    in.batches.push_back(choose_batch(rng, data.mnist.train.size(), in.batch));
  }
  std::vector<std::size_t> first_test(in.timed_images);
  for (std::size_t k = 0; k < in.timed_images; ++k) first_test[k] = k;
  in.test_part = sample_batch(test, first_test, kClasses);
  in.test_part_pixels = sparse_rows(in.test_part.x);
  in.test_part_labels.assign(test.labels.begin(),
                             test.labels.begin() + static_cast<std::ptrdiff_t>(in.timed_images));
  return in;
}

// A slice of lesson 07's loop on a copy of the start net: each iteration's batch by
// sample_batch from the slice's batches, then `step` (which returns the loss after it);
// `accuracy` measures the trained net.
Slice train_slice(const SliceInputs& in, std::size_t iterations,
                  const std::function<double(TwoLayerNet&, const Batch&)>& step,
                  const std::function<double(const TwoLayerNet&)>& accuracy) {
  auto net = std::make_shared<TwoLayerNet>(in.start);
  Slice s;
  for (std::size_t i = 0; i < iterations; ++i) {
    double loss = 0.0;
    s.step_seconds.push_back(seconds_of([&] {
      const Batch batch = sample_batch(in.data.mnist.train, in.batches[i], kClasses);
      loss = step(*net, batch);
    }));
    s.losses.push_back(loss);
  }
  s.params = net->params;
  s.accuracy = [net, accuracy] { return accuracy(*net); };
  return s;
}

// Lesson 07's step, plain: the four calls of train's loop body; lesson 06's accuracy.
// With the numerical gradient as lesson 07's --gradient numerical, or the fast one.
enum class Gradient { backprop, numerical, numerical_fast };
TwoLayerParams gradient_of(Gradient gradient, TwoLayerNet& net, const Batch& batch) {
  if (gradient == Gradient::backprop) return net.gradient(batch.x, batch.t);
  if (gradient == Gradient::numerical) return net.numerical_gradient(batch.x, batch.t);
  return numerical_gradient_fast(net, batch.x, batch.t);
}

std::function<Slice(std::size_t)> plain_idea(const SliceInputs& in, Gradient gradient) {
  const auto step = [&in, gradient](TwoLayerNet& net, const Batch& batch) {
    sgd_step(net.params, gradient_of(gradient, net, batch), in.step);
    return net.loss(batch.x, batch.t);
  };
  const auto accuracy = [&in](const TwoLayerNet& net) {
    return net.accuracy(in.test_part.x, in.test_part.t);
  };
  return [&in, step, accuracy](std::size_t n) { return train_slice(in, n, step, accuracy); };
}

// Lesson 07's batch made sparse, and sparse_step; the accuracy from sparse pixels.
std::function<Slice(std::size_t)> exact_idea(const SliceInputs& in, SparseProducts products) {
  const auto step = [&in, products](TwoLayerNet& net, const Batch& batch) {
    return sparse_step(net, sparse_rows(batch.x), batch.t, in.step, products);
  };
  const auto accuracy = [&in](const TwoLayerNet& net) {
    return static_cast<double>(sparse_correct(net, in.test_part_pixels, in.test_part_labels)) /
           static_cast<double>(in.timed_images);
  };
  return [&in, step, accuracy](std::size_t n) { return train_slice(in, n, step, accuracy); };
}

// The float path. Without reuse, its batches are made as the plain code makes them: each
// one copied out of the set (sample_batch), made sparse and rounded to float, into new
// buffers. With reuse, the set is made sparse once, and every batch gathered from it into
// a buffer made once.
std::function<Slice(std::size_t)> fast_idea(const SliceInputs& in, FastOptions options) {
  return [&in, options](std::size_t iterations) {
    const Dataset& train = in.data.mnist.train;
    auto net = std::make_shared<FastNet>(in.start.params, in.batch, options);
    Slice s;
    for (std::size_t i = 0; i < iterations; ++i) {
      const std::vector<std::size_t>& rows = in.batches[i];
      double loss = 0.0;
      s.step_seconds.push_back(seconds_of([&] {
        if (options.reuse_buffers) {
          loss = net->step(in.data.train_set, rows, in.step);
          return;
        }
        std::vector<std::size_t> labels(rows.size());
        for (std::size_t k = 0; k < rows.size(); ++k) labels[k] = train.labels[rows[k]];
        const Batch batch = sample_batch(train, rows, kClasses);
        loss = net->step(to_floats(sparse_rows(batch.x)), labels, in.step);
      }));
      s.losses.push_back(loss);
    }
    s.params = net->params();
    s.accuracy = [&in, net] { return net->accuracy(in.data.test_set, in.timed_images); };
    return s;
  };
}

std::vector<Idea> the_ideas(const SliceInputs& in, bool numerical) {
  std::vector<Idea> ideas;
  ideas.emplace_back("plain: lesson 07's step",
                     plain_idea(in, numerical ? Gradient::numerical : Gradient::backprop),
                     in.slice);
  if (numerical) {
    ideas.emplace_back("6 only what a nudge changes", plain_idea(in, Gradient::numerical_fast),
                       in.slice);
    return ideas;
  }
  ideas.emplace_back("1 zeros skipped", exact_idea(in, SparseProducts::forward), in.slice);
  ideas.emplace_back("2 no transpose", exact_idea(in, SparseProducts::forward_and_gradient),
                     in.slice);
  ideas.emplace_back("3 16 floats at a time", fast_idea(in, {1, false}), kFloatTimedIterations);
  ideas.emplace_back("4 buffers made once", fast_idea(in, {1, true}), kFloatTimedIterations);
  ideas.emplace_back("5 two threads", fast_idea(in, {kThreads, true}), kFloatTimedIterations);
  return ideas;
}

// Ideas 1-4 run on one core, and so does the plain step while it is timed here, so that
// each row measures its own idea (lesson 07's program shares the plain path's big products
// between the cores, which idea 5 does for the fast one).
void measure_on_one_core(std::vector<Idea>& ideas, std::size_t slice) {
  const std::size_t threads_before = parallel_threads();
  set_parallel_threads(1);
  measure(ideas, slice);
  set_parallel_threads(threads_before);
}

// The check of the float path (idea 3) against the plain step, within the tolerances.
bool check_floats(const Idea& floats, const Idea& plain) {
  const double loss_diff = max_diff(floats.result.losses, plain.result.losses);
  const double param_diff = max_param_diff(floats.result.params, plain.result.params);
  const double accuracy_diff = std::fabs(floats.accuracy - plain.accuracy);
  return check_line(
      floats.name,
      differences(floats.result, plain.result) + ", accuracy " + fixed(floats.accuracy, 4),
      "within " + sci(kFloatLossTol, 0) + ", " + sci(kFloatParamTol, 0) + ", ±" +
          repr(kFloatAccuracyTol) + " (kFloat*Tol)",
      loss_diff <= kFloatLossTol && param_diff <= kFloatParamTol &&
          accuracy_diff <= kFloatAccuracyTol);
}

// Ideas 1-5 against the plain step (ideas[0]): 1 and 2 bit for bit, 3 within the float
// tolerances, 4 and 5 bit for bit against the idea before them.
bool check_backprop_ideas(const std::vector<Idea>& ideas, std::size_t slice) {
  bool ok = true;
  const Idea& plain = ideas[0];
  const std::string equal = std::to_string(slice) + " losses, 4 parameters and the accuracy (" +
                            fixed(plain.accuracy, 4) + ") equal, bit for bit";
  for (std::size_t k = 1; k <= 2; ++k) {
    const bool same = identical(ideas[k], plain);
    ok &= check_line(ideas[k].name, same ? equal : differences(ideas[k].result, plain.result),
                     "bit for bit", same);
  }
  ok &= check_floats(ideas[3], plain);
  for (std::size_t k = 4; k <= 5; ++k) {
    const bool same = identical(ideas[k], ideas[k - 1]);
    ok &= check_line(ideas[k].name,
                     same ? "as idea " + std::to_string(k - 1) + ", bit for bit"
                          : differences(ideas[k].result, ideas[k - 1].result),
                     "bit for bit", same);
  }
  return ok;
}

// With --gradient numerical: the fast gradient's slice (ideas[1]) against lesson 06's. The
// two gradients differ by rounding, so the steps do, by about as much.
bool check_numerical_idea(const std::vector<Idea>& ideas) {
  const Idea &plain = ideas[0], &fast = ideas[1];
  const double loss_diff = max_diff(fast.result.losses, plain.result.losses);
  const double param_diff = max_param_diff(fast.result.params, plain.result.params);
  return check_line(fast.name, differences(fast.result, plain.result),
                    "within " + sci(kNumericalTol, 0) + " (kNumericalTol)",
                    loss_diff <= kNumericalTol && param_diff <= kNumericalTol);
}

// How long one numerical gradient took, lesson 06's and the fast one (idea 6).
struct NudgeTimes {
  double slow = 0.0, fast = 0.0;
};

// Idea 6: one numerical gradient of a net of lesson 07's --gradient numerical size, on the
// run's first images, the fast one against lesson 06's.
bool check_nudges(const SliceInputs& in, std::uint64_t seed, NudgeTimes& times) {
  const Dataset& train = in.data.mnist.train;
  const std::size_t D = train.pixels_per_image();
  TwoLayerNet small(D, kNumericalDefaults.hidden, kClasses, kWeightInitStd, seed);
  const std::vector<std::size_t>& first = in.batches[0];
  const Batch batch = sample_batch(
      train, std::vector<std::size_t>(first.begin(), first.begin() + kNumericalImages), kClasses);
  TwoLayerParams slow, quick;
  times.slow = seconds_of([&] { slow = small.numerical_gradient(batch.x, batch.t); });
  times.fast =
      median_seconds(kRounds, [&] { quick = numerical_gradient_fast(small, batch.x, batch.t); });
  const double error = max_param_diff(quick, slow);
  return check_line("6 only what a nudge changes",
                    "one numerical gradient (" + std::to_string(D) + "-" +
                        std::to_string(kNumericalDefaults.hidden) + "-" + std::to_string(kClasses) +
                        ", " + std::to_string(kNumericalImages) + " images): relative error " +
                        sci(error, 1) + " against lesson 06's",
                    "below " + sci(kNumericalTol, 0) + " (kNumericalTol)", error < kNumericalTol);
}

// The checks' lines; stops the program if one fails.
void run_checks(const std::vector<Idea>& ideas, const SliceInputs& in, const Run& run,
                NudgeTimes& nudge_times) {
  std::cout << "checks: iterations 1-" << in.slice << " of this run, each idea against lesson "
            << "07's plain step (your choose_batch, sample_batch, sgd_step; lesson 06's "
            << (run.numerical ? "numerical_gradient" : "gradient") << " and loss), from the same "
            << "weights on the same batches; then the accuracy on the first " << in.timed_images
            << " test images\n";
  bool ok = true;
  if (run.numerical) {
    ok = check_numerical_idea(ideas);
  } else {
    ok = check_backprop_ideas(ideas, in.slice);
    ok &= check_nudges(in, run.seed, nudge_times);  // printed, whether or not those held
  }
  if (!ok) {
    throw std::runtime_error(
        "a check FAILED above: that idea does not compute what lesson 07's plain step does. "
        "HINT: run make check CH=09; the failing test names the kernel");
  }
}

// With the numerical gradient: lesson 07's step with the fast gradient, and lesson 07's
// accuracies (accuracy_on), in lesson 07's loop.
TrainLog train_numerical(TwoLayerNet& net, const Data& data, const TrainConfig& config,
                         Rng& batch_rng, const TrainObserver& observer) {
  const Dataset &train = data.mnist.train, &test = data.mnist.test;
  const auto step = [&] {
    const Batch batch =
        sample_batch(train, choose_batch(batch_rng, train.size(), config.batch_size), kClasses);
    sgd_step(net.params, numerical_gradient_fast(net, batch.x, batch.t), config.learning_rate);
    return net.loss(batch.x, batch.t);
  };
  const auto accuracies = [&] {
    return std::make_pair(accuracy_on(net, train), accuracy_on(net, test));
  };
  return training_loop(config, train.size(), observer, step, accuracies);
}

// The run, every idea on, from the start net; stops the program if it diverges.
TrainLog train_every_idea(const Data& data, const TwoLayerNet& start, const Run& run,
                          const TrainConfig& config, double& seconds) {
  std::cout << "\ntraining: " << config.iterations << " iterations, every idea on"
            << (run.numerical ? "" : " (FastNet, " + std::to_string(kThreads) + " threads)")
            << "\n";
  ProgressLine progress(config.iterations);
  const TrainObserver observer = printing_observer(progress, config.iterations_per_epoch,
                                                   config.iterations, Printed::shown_and_epochs);
  TwoLayerNet net = start;
  Rng batch_rng(run.seed + 1);
  TrainLog log;
  seconds = seconds_of([&] {
    log = run.numerical ? train_numerical(net, data, config, batch_rng, observer)
                        : train_fast(net, data.train_set, data.test_set, config, batch_rng,
                                     observer, {kThreads, true});
  });
  progress.clear();
  if (log.diverged) {
    throw std::runtime_error("training diverged at iteration " + std::to_string(log.losses.size()) +
                             " (lr " + repr(run.settings.lr) +
                             "): the loss is not finite. HINT: lower --lr (the book's 0.1 works)");
  }
  return log;
}

// What the program measured, beside the ideas' own times.
struct Times {
  std::chrono::steady_clock::time_point started;  // the program's start
  double load = 0.0, sparse = 0.0, checks = 0.0, train = 0.0;
  NudgeTimes nudges;
  double since_start() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
};

// The work, counted from the run's own batches (backprop only).
Work print_work(const Data& data, const TrainConfig& config, const Run& run,
                std::size_t evaluations) {
  const Work work = count_work(data.train_set, data.test_set, config, run.seed + 1,
                               run.settings.hidden, kClasses, evaluations);
  std::cout << "work: " << sci(work.sparse + work.dense, 2)
            << " multiply-adds: " << sci(work.sparse, 2)
            << " in the sparse products (3 a step, 1 an image "
            << "evaluated), " << sci(work.dense, 2) << " in the output layer\n";
  return work;
}

// Each idea's time for the whole run, estimated from its step and evaluation times.
struct Estimate {
  double iterations, evaluations, scale;  // scale: images evaluated / timed_images
  bool numerical;
  double of(const Idea& idea) const {
    return idea.step_seconds * iterations +
           (numerical ? 0.0 : idea.evaluation_seconds * scale * evaluations);
  }
};

// The table of the ideas' times, and the line that says how they were measured.
void print_timing_table(const std::vector<Idea>& ideas, const Estimate& estimate,
                        const SliceInputs& in, std::size_t images, std::size_t evaluations) {
  const bool numerical = estimate.numerical;
  Table table(numerical ? std::vector<std::string>{"idea", "one step", "speed-up", "the run (est.)",
                                                   "speed-up"}
                        : std::vector<std::string>{"idea", "one step", "speed-up", "one evaluation",
                                                   "speed-up", "the run (est.)", "speed-up"});
  const Idea& plain = ideas[0];
  for (const Idea& idea : ideas) {
    std::vector<std::string> row = {idea.name, duration(idea.step_seconds),
                                    times(plain.step_seconds / idea.step_seconds)};
    if (!numerical) {
      row.push_back(duration(idea.evaluation_seconds * estimate.scale));
      row.push_back(times(plain.evaluation_seconds / idea.evaluation_seconds));
    }
    row.push_back(duration(estimate.of(idea)));
    row.push_back(times(estimate.of(plain) / estimate.of(idea)));
    table.add(row);
  }
  std::cout << "\n" << table.text("timing: ");
  std::cout << "timing: (one step: the median of every step of " << kRounds
            << " rounds, each over iterations 1-" << in.slice
            << (numerical ? "" : " (1-" + std::to_string(kFloatTimedIterations) + " for ideas 3-5)")
            << (numerical ? ""
                          : "; one evaluation: " + std::to_string(in.timed_images) +
                                " test images, scaled to both sets' " + std::to_string(images))
            << "; the run: " << static_cast<std::size_t>(estimate.iterations) << " steps"
            << (numerical ? ""
                          : " and " + std::to_string(evaluations) +
                                (evaluations == 1 ? " evaluation" : " evaluations"))
            << ")\n";
}

// The timing lines after the table: idea 6, where the program's time went, and (backprop)
// the machine's peak and the floor it sets for the work counted.
void print_timing_notes(const Times& t, const Estimate& estimate, const Idea& last, std::size_t D,
                        const Work& work) {
  const bool numerical = estimate.numerical;
  if (!numerical) {
    std::cout << "timing: 6 only what a nudge changes: one numerical gradient of a " << D << "-"
              << kNumericalDefaults.hidden << "-" << kClasses << " net on " << kNumericalImages
              << " images, lesson 06's " << duration(t.nudges.slow) << ", fast "
              << duration(t.nudges.fast) << ": " << times(t.nudges.slow / t.nudges.fast) << "\n";
  }
  std::cout << "timing: this run: training " << duration(t.train) << " (estimated "
            << duration(estimate.of(last)) << "); the program until now "
            << duration(t.since_start()) << ": loading MNIST " << duration(t.load)
            << (numerical ? "" : ", the sparse sets " + duration(t.sparse))
            << ", the checks and timings " << duration(t.checks) << "\n";
  if (numerical) return;
  const double peak = peak_multiply_adds(kThreads);
  const double floor = (work.sparse + work.dense) / peak;
  std::cout << "timing: peak: " << fixed(peak / 1e9, 0) << " G multiply-adds/s (float, fused, "
            << kThreads << " threads, measured just now)\n";
  std::cout << "timing: floor: " << duration(floor) << " for the work above at that peak; "
            << "the training took " << times(t.train / floor) << " the floor\n";
}

// After the run: the work counted (backprop), then everything measured.
void print_work_and_times(const std::vector<Idea>& ideas, const SliceInputs& in, const Data& data,
                          const Run& run, const TrainConfig& config, const TrainLog& log,
                          const Times& t) {
  const std::size_t evaluations = log.evaluations.size();
  const std::size_t images = data.mnist.train.size() + data.mnist.test.size();
  const Work work = run.numerical ? Work{} : print_work(data, config, run, evaluations);
  const Estimate estimate{
      static_cast<double>(run.settings.iterations), static_cast<double>(evaluations),
      static_cast<double>(images) / static_cast<double>(in.timed_images), run.numerical};
  print_timing_table(ideas, estimate, in, images, evaluations);
  print_timing_notes(t, estimate, ideas.back(), data.mnist.train.pixels_per_image(), work);
}

}  // namespace

int main(int argc, char** argv) {
  Times t;
  t.started = std::chrono::steady_clock::now();
  Flags flags("09_making_it_fast",
              "Trains lesson 07's default run with every idea of lesson 09, after checking each "
              "against lesson 07's plain step, and times them.");
  const Run run = parse_run_flags(argc, argv, flags);
  check_memory(flags, run, [&](const Settings& s) { return memory_needed(s, run.numerical); });
  return guarded_main(flags, [&] {
    Data data;
    t.load = seconds_of([&] { data.mnist = load_mnist(run.dir); });
    check_batch(flags, run, data.mnist);
    const TrainConfig config = config_of(run, data.mnist.train.size());
    const TwoLayerNet start(data.mnist.train.pixels_per_image(), run.settings.hidden, kClasses,
                            kWeightInitStd, run.seed);
    print_header(run, data.mnist, config);
    if (!run.numerical) t.sparse = make_sparse_sets(data);
    std::cout << "\n";

    const SliceInputs in = slice_inputs(data, start, run, config);
    std::vector<Idea> ideas = the_ideas(in, run.numerical);
    const double checks_started = t.since_start();
    measure_on_one_core(ideas, in.slice);
    run_checks(ideas, in, run, t.nudges);
    t.checks = t.since_start() - checks_started;

    const TrainLog log = train_every_idea(data, start, run, config, t.train);
    print_final_accuracy(log, write_up_note(run));
    std::cout << "\n";
    print_work_and_times(ideas, in, data, run, config, log, t);
    return 0;
  });
}
