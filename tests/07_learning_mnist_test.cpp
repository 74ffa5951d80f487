// tests/07_learning_mnist_test.cpp: lesson 07, mini-batch SGD: choose_batch,
// sample_batch, sgd_step and train_step (on small made-up sets), the given train loop and
// accuracy_on around them, and one epoch on real MNIST.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "chapters/06_two_layer_net/two_layer_net.h"
#include "chapters/07_learning_mnist/train.h"
#include "common/mnist.h"
#include "common/random.h"
#include "tests/support/expect.h"

namespace {

// Sums, differences and products of small dyadic numbers (halves, quarters) are exact
// in double: the only allowed error is none.
constexpr double kExactTol = 0.0;

// ---------------------------------------------------------------------------------------
// choose_batch

// The k-th index is the k-th rng.below(n) of the same seed: reproducible, and the same
// batches on every compiler.
TEST(ChooseBatchTest, IndexKIsTheKthDrawOfTheRng) {
  Rng rng(7), reference(7);
  const std::vector<std::size_t> indices = choose_batch(rng, 1000, 50);
  ASSERT_EQ(indices.size(), 50u);
  for (std::size_t k = 0; k < indices.size(); ++k) {
    EXPECT_EQ(indices[k], reference.below(1000)) << "index " << k;
  }
}

// The caller's rng moves on: the second batch is not a copy of the first, and the same
// seed replays the same two batches.
TEST(ChooseBatchTest, SuccessiveBatchesDifferAndReplayForTheSameSeed) {
  Rng a(3), b(3);
  const auto first = choose_batch(a, 60000, 100);
  const auto second = choose_batch(a, 60000, 100);
  EXPECT_NE(first, second);
  EXPECT_EQ(choose_batch(b, 60000, 100), first);
  EXPECT_EQ(choose_batch(b, 60000, 100), second);
}

// With replacement: 10 draws from 3 items work (a shuffle could give only 3), each in
// range, so some index repeats.
TEST(ChooseBatchTest, DrawsWithReplacement) {
  Rng rng(1);
  const std::vector<std::size_t> indices = choose_batch(rng, 3, 10);
  ASSERT_EQ(indices.size(), 10u);
  for (std::size_t i : indices) EXPECT_LT(i, 3u);
}

// Drawing from nothing, or drawing nothing, is an error rather than a division by 0, and
// the message names the function.
TEST(ChooseBatchTest, ZeroSizesThrow) {
  Rng rng(1);
  EXPECT_TRUE(
      mentions(invalid_argument_message([&] { choose_batch(rng, 0, 10); }), "choose_batch"));
  EXPECT_TRUE(
      mentions(invalid_argument_message([&] { choose_batch(rng, 10, 0); }), "choose_batch"));
}

// ---------------------------------------------------------------------------------------
// sample_batch

// Five 2x2 "images" whose pixel bytes name their row: image i is (10i, 10i+1, 10i+2, 10i+3).
Dataset numbered_images() {
  Dataset data;
  for (std::uint8_t i = 0; i < 5; ++i) {
    for (std::uint8_t j = 0; j < 4; ++j)
      data.pixels.push_back(static_cast<std::uint8_t>(10 * i + j));
  }
  data.labels = {3, 1, 4, 1, 5};
  data.image_rows = 2;
  data.image_cols = 2;
  return data;
}

// Row k of x is image indices[k] (not image k), in the order given, repeats included, each
// pixel its byte / 255.
TEST(SampleBatchTest, RowsAreTheIndexedImagesInOrder) {
  const Dataset data = numbered_images();
  const std::vector<std::size_t> indices = {4, 0, 4, 2};
  const Batch batch = sample_batch(data, indices);
  ASSERT_EQ(batch.x.rows(), 4u);
  ASSERT_EQ(batch.x.cols(), 4u);
  for (std::size_t k = 0; k < indices.size(); ++k) {
    for (std::size_t j = 0; j < 4; ++j) {
      EXPECT_EQ(batch.x(k, j),
                (10.0 * static_cast<double>(indices[k]) + static_cast<double>(j)) / 255.0)
          << "row " << k << ", pixel " << j;
    }
  }
}

// Row k of t is the one-hot row of label[indices[k]]: a single 1, in that label's column.
TEST(SampleBatchTest, LabelsAreOneHotRowsOfTheSameImages) {
  const Dataset data = numbered_images();
  const Batch batch = sample_batch(data, {4, 0, 4, 2});
  ASSERT_EQ(batch.t.rows(), 4u);
  ASSERT_EQ(batch.t.cols(), 10u);
  const std::vector<std::size_t> expected_labels = {5, 3, 5, 4};
  for (std::size_t k = 0; k < 4; ++k) {
    for (std::size_t c = 0; c < 10; ++c) {
      EXPECT_EQ(batch.t(k, c), c == expected_labels[k] ? 1.0 : 0.0)
          << "row " << k << ", class " << c;
    }
  }
}

// The number of classes sets t's width.
TEST(SampleBatchTest, ClassesSetTheWidthOfT) {
  const Batch batch = sample_batch(numbered_images(), {1}, 6);
  ASSERT_EQ(batch.t.rows(), 1u);
  ASSERT_EQ(batch.t.cols(), 6u);
  EXPECT_EQ(batch.t(0, 1), 1.0);
}

// An index past the last image throws in every build (not only the checked one):
// Dataset::images refuses it and names it.
TEST(SampleBatchTest, IndexPastTheEndThrows) {
  const std::string message = error_message<std::out_of_range>([] {
    sample_batch(numbered_images(), {0, 5});
  });
  EXPECT_TRUE(mentions(message, "Dataset::images")) << message;
}

// A label the net has no class for is refused by one_hot, not written outside t.
TEST(SampleBatchTest, LabelOfNoClassThrows) {
  const std::string message =
      invalid_argument_message([] { sample_batch(numbered_images(), {4}, 5); });
  EXPECT_TRUE(mentions(message, "one_hot")) << message;
}

// Batches drawn with the same seed hold the same images: the whole pipeline replays.
TEST(SampleBatchTest, SameSeedGivesTheSameBatch) {
  const Dataset data = numbered_images();
  Rng a(11), b(11);
  const Batch one = sample_batch(data, choose_batch(a, 5, 8));
  const Batch two = sample_batch(data, choose_batch(b, 5, 8));
  EXPECT_EQ(one.x, two.x);
  EXPECT_EQ(one.t, two.t);
}

// ---------------------------------------------------------------------------------------
// sgd_step

// Parameters and gradients with different values in every field, so that a mix-up
// between fields, a += or a forgotten field shows.
TwoLayerParams small_params(double scale) {
  TwoLayerParams p;
  p.W1 = {{1, 2, 3}, {4, 5, 6}};  // (2,3)
  p.b1 = {{-1, 0.5, 2}};          // (1,3)
  p.W2 = {{7, 8}, {9, 10}, {11, 12}};
  p.b2 = {{-3, 4}};
  for (Matrix* m : {&p.W1, &p.b1, &p.W2, &p.b2}) *m *= scale;
  return p;
}

// θ ← θ − lr·∇L for each of W1, b1, W2 and b2, each with its own gradient.
TEST(SgdStepTest, EveryParameterMovesByMinusLrTimesItsGradient) {
  const TwoLayerParams before = small_params(1.0);
  const TwoLayerParams grads = small_params(0.25);
  TwoLayerParams params = before;
  const double lr = 0.5;
  sgd_step(params, grads, lr);
  EXPECT_MATRIX_NEAR(params.W1, before.W1 - lr * grads.W1, kExactTol);
  EXPECT_MATRIX_NEAR(params.b1, before.b1 - lr * grads.b1, kExactTol);
  EXPECT_MATRIX_NEAR(params.W2, before.W2 - lr * grads.W2, kExactTol);
  EXPECT_MATRIX_NEAR(params.b2, before.b2 - lr * grads.b2, kExactTol);
}

// The step is lr·grad, not grad: with lr = 0.125 a (1,1) entry of 1 with gradient 2 goes
// to 1 − 0.25 = 0.75.
TEST(SgdStepTest, StepIsScaledByTheLearningRate) {
  TwoLayerParams params{{{1}}, {{1}}, {{1}}, {{1}}};
  const TwoLayerParams grads{{{2}}, {{2}}, {{2}}, {{2}}};
  sgd_step(params, grads, 0.125);
  EXPECT_NEAR(params.W1(0, 0), 0.75, kExactTol);
  EXPECT_NEAR(params.b1(0, 0), 0.75, kExactTol);
  EXPECT_NEAR(params.W2(0, 0), 0.75, kExactTol);
  EXPECT_NEAR(params.b2(0, 0), 0.75, kExactTol);
}

// A negative lr (the ascent experiment) moves every parameter uphill, by +|lr|·grad.
TEST(SgdStepTest, NegativeLearningRateClimbs) {
  const TwoLayerParams before = small_params(1.0);
  const TwoLayerParams grads = small_params(0.5);
  TwoLayerParams params = before;
  const double lr = -0.25;
  sgd_step(params, grads, lr);
  EXPECT_MATRIX_NEAR(params.W1, before.W1 - lr * grads.W1, kExactTol);
  EXPECT_MATRIX_NEAR(params.b1, before.b1 - lr * grads.b1, kExactTol);
  EXPECT_MATRIX_NEAR(params.W2, before.W2 - lr * grads.W2, kExactTol);
  EXPECT_MATRIX_NEAR(params.b2, before.b2 - lr * grads.b2, kExactTol);
}

// A gradient of the wrong shape is refused, never broadcast or half applied silently.
TEST(SgdStepTest, ShapeMismatchThrows) {
  TwoLayerParams params = small_params(1.0);
  TwoLayerParams grads = small_params(1.0);
  grads.b2 = Matrix(1, 3);
  const std::string message = invalid_argument_message([&] { sgd_step(params, grads, 0.1); });
  EXPECT_TRUE(mentions(message, "operator-")) << message;
  EXPECT_TRUE(mentions(message, "(1x2)") && mentions(message, "(1x3)")) << message;
}

// ---------------------------------------------------------------------------------------
// A small made-up task: 4 "pixels", class 0 when the first two are bright, class 1 when the
// last two are; 40 training and 20 test images.
Dataset two_blobs(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  Dataset data;
  data.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t label = i % 2;
    for (std::size_t j = 0; j < 4; ++j) {
      const bool bright = (j < 2) == (label == 0);
      // Bright pixels 204–229 (0.8–0.9), dark ones 25–50 (0.1–0.2).
      data.pixels.push_back(static_cast<std::uint8_t>((bright ? 204 : 25) + rng.below(26)));
    }
    data.labels[i] = label;
  }
  data.image_rows = 2;
  data.image_cols = 2;
  return data;
}

TrainConfig small_config() {
  TrainConfig config;
  config.batch_size = 5;
  config.learning_rate = 1.0;
  config.iterations = 10;
  config.iterations_per_epoch = 4;
  return config;
}

// A 4-3-2 net: small enough that a numerical gradient is instant.
TwoLayerNet small_net() { return TwoLayerNet(4, 3, 2, 0.1, 5); }

// The whole training set as a batch, for the loss over all of it.
double set_loss(const TwoLayerNet& net, const Dataset& data) {
  return net.loss(data.images(0, data.size()), one_hot(data.labels, 2));
}

// ---------------------------------------------------------------------------------------
// train_step

// One step is the book's loop body, call for call: choose_batch from the rng, sample_batch,
// the backprop gradient, sgd_step with the config's lr, then the loss on the same batch
// after the step. Replaying those calls by hand gives the same loss and weights, bit for bit.
TEST(TrainStepTest, IsTheBooksLoopBodyExactly) {
  const Dataset data = two_blobs(40, 1);
  const TrainConfig config = small_config();
  TwoLayerNet net = small_net(), replay = small_net();
  Rng rng(3), replay_rng(3);
  for (int step = 1; step <= 3; ++step) {
    const double loss = train_step(net, data, config, rng);
    const Batch batch = sample_batch(data, choose_batch(replay_rng, 40, config.batch_size), 2);
    sgd_step(replay.params, replay.gradient(batch.x, batch.t), config.learning_rate);
    EXPECT_EQ(loss, replay.loss(batch.x, batch.t)) << "step " << step;
  }
  EXPECT_EQ(net.params.W1, replay.params.W1);
  EXPECT_EQ(net.params.b1, replay.params.b1);
  EXPECT_EQ(net.params.W2, replay.params.W2);
  EXPECT_EQ(net.params.b2, replay.params.b2);
}

// The loss returned is measured after the step: on an easy batch and lr 1 it is below the
// loss of the same batch before the step.
TEST(TrainStepTest, ReturnsTheLossAfterTheStep) {
  const Dataset data = two_blobs(40, 1);
  TwoLayerNet net = small_net();
  Rng rng(3), peek(3);
  const Batch batch = sample_batch(data, choose_batch(peek, 40, 5), 2);
  const double before = net.loss(batch.x, batch.t);
  const double after = train_step(net, data, small_config(), rng);
  EXPECT_EQ(after, net.loss(batch.x, batch.t));
  EXPECT_LT(after, before);
}

// The batch comes from the rng it is given: exactly batch_size draws, so the next draw of
// that rng is the (batch_size + 1)-th of its seed.
TEST(TrainStepTest, DrawsTheBatchFromTheGivenRng) {
  const Dataset data = two_blobs(40, 1);
  TwoLayerNet net = small_net();
  Rng rng(3), reference(3);
  train_step(net, data, small_config(), rng);
  for (int k = 0; k < 5; ++k) reference.below(40);
  EXPECT_EQ(rng.below(1000000), reference.below(1000000));
}

// With GradientMethod::numerical the step uses net.numerical_gradient: the same replay with
// it matches bit for bit (backprop's step differs in the last digits).
TEST(TrainStepTest, NumericalGradientWhenAsked) {
  const Dataset data = two_blobs(40, 1);
  TrainConfig config = small_config();
  config.gradient = GradientMethod::numerical;
  TwoLayerNet net = small_net(), replay = small_net();
  Rng rng(3), replay_rng(3);
  const double loss = train_step(net, data, config, rng);
  const Batch batch = sample_batch(data, choose_batch(replay_rng, 40, config.batch_size), 2);
  sgd_step(replay.params, replay.numerical_gradient(batch.x, batch.t), config.learning_rate);
  EXPECT_EQ(loss, replay.loss(batch.x, batch.t));
  EXPECT_EQ(net.params.W1, replay.params.W1);
}

// ---------------------------------------------------------------------------------------
// train: your train_step in the given loop

// Descent learns the easy task: the loss on the whole training set falls from about
// ln 2 (small weights: each class 1/2) to almost 0, and every test image is right.
TEST(TrainTest, DescentLowersTheLossAndLearnsTheTask) {
  const Dataset train_set = two_blobs(40, 1), test_set = two_blobs(20, 2);
  TwoLayerNet net = small_net();
  Rng rng(3);
  TrainConfig config = small_config();
  config.iterations = 200;
  const TrainLog log = train(net, train_set, test_set, config, rng);
  ASSERT_EQ(log.losses.size(), 200u);
  ASSERT_FALSE(log.evaluations.empty());
  // ln 2 ≈ 0.69 at the start; the classes are far apart, so 200 steps get far lower.
  constexpr double kLearntLoss = 0.05;
  EXPECT_LT(set_loss(net, train_set), kLearntLoss);
  EXPECT_EQ(log.evaluations.back().test_accuracy, 1.0);
}

// A negative lr flips the step's sign: the same start climbs instead, far above ln 2.
TEST(TrainTest, NegativeLearningRateRaisesTheLoss) {
  const Dataset train_set = two_blobs(40, 1), test_set = two_blobs(20, 2);
  TwoLayerNet net = small_net();
  Rng rng(3);
  TrainConfig config = small_config();
  config.iterations = 20;
  config.learning_rate = -1.0;
  const TrainLog log = train(net, train_set, test_set, config, rng);
  ASSERT_EQ(log.losses.size(), 20u);
  // From ln 2 ≈ 0.69, climbing drives the net to certainty in one class, where the other
  // half of the images cost −ln(1e-7) ≈ 16 each; a descending run would end below 0.69.
  constexpr double kClimbedLoss = 2.0;
  EXPECT_GT(set_loss(net, train_set), kClimbedLoss);
}

// The numerical gradient trains too, along the same path as backprop: both estimate
// the same gradient, so the losses agree to many digits.
TEST(TrainTest, NumericalGradientFollowsBackprop) {
  const Dataset train_set = two_blobs(40, 1), test_set = two_blobs(20, 2);
  TrainConfig config = small_config();
  TwoLayerNet by_backprop = small_net(), by_numerical = small_net();
  Rng rng_a(3), rng_b(3);
  const TrainLog a = train(by_backprop, train_set, test_set, config, rng_a);
  config.gradient = GradientMethod::numerical;
  const TrainLog b = train(by_numerical, train_set, test_set, config, rng_b);
  ASSERT_EQ(a.losses.size(), b.losses.size());
  // Central differences with h = 1e-4 are off by O(h²) ≈ 1e-8 relative, and backprop
  // leaves out the loss's 1e-7; ten steps of lr 1 keep the paths within 1e-6.
  constexpr double kPathTol = 1e-6;
  for (std::size_t i = 0; i < a.losses.size(); ++i) {
    EXPECT_NEAR(a.losses[i], b.losses[i], kPathTol) << "iteration " << i + 1;
  }
}

// ---------------------------------------------------------------------------------------
// train's plumbing (given): the schedule, the log, the checks

// One loss per iteration; with 4 iterations an epoch, measured after updates 1, 5 and 9
// (the book's i % 4 == 0, i from 0) and 10 (the end); the observer sees each as it happens.
TEST(TrainProvidedTest, MeasuresOnTheBooksScheduleAndAtTheEnd) {
  const Dataset train_set = two_blobs(40, 1), test_set = two_blobs(20, 2);
  TwoLayerNet net = small_net();
  Rng rng(3);
  std::vector<std::size_t> seen_iterations, seen_evaluations;
  TrainObserver observer;
  observer.on_iteration = [&](std::size_t i, double) { seen_iterations.push_back(i); };
  observer.on_evaluation = [&](const Evaluation& e) { seen_evaluations.push_back(e.iteration); };
  const TrainLog log = train(net, train_set, test_set, small_config(), rng, observer);

  EXPECT_FALSE(log.diverged);
  ASSERT_EQ(log.losses.size(), 10u);
  EXPECT_EQ(seen_iterations, (std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  ASSERT_EQ(log.evaluations.size(), 4u);
  EXPECT_EQ(seen_evaluations, (std::vector<std::size_t>{1, 5, 9, 10}));
  for (const Evaluation& e : log.evaluations) {
    EXPECT_GE(e.train_accuracy, 0.0);
    EXPECT_LE(e.train_accuracy, 1.0);
    EXPECT_GE(e.test_accuracy, 0.0);
    EXPECT_LE(e.test_accuracy, 1.0);
  }
}

// Each evaluation's mean_loss averages the batch losses since the previous one:
// iteration 1, then 2–5, 6–9 and 10.
TEST(TrainProvidedTest, MeanLossAveragesTheLossesSinceTheLastEvaluation) {
  const Dataset train_set = two_blobs(40, 1), test_set = two_blobs(20, 2);
  TwoLayerNet net = small_net();
  Rng rng(3);
  const TrainLog log = train(net, train_set, test_set, small_config(), rng);
  ASSERT_EQ(log.losses.size(), 10u);
  ASSERT_EQ(log.evaluations.size(), 4u);
  const auto& l = log.losses;
  constexpr double kMeanTol = 1e-12;  // four sums and a division at most: rounding only
  EXPECT_NEAR(log.evaluations[0].mean_loss, l[0], kMeanTol);
  EXPECT_NEAR(log.evaluations[1].mean_loss, (l[1] + l[2] + l[3] + l[4]) / 4, kMeanTol);
  EXPECT_NEAR(log.evaluations[2].mean_loss, (l[5] + l[6] + l[7] + l[8]) / 4, kMeanTol);
  EXPECT_NEAR(log.evaluations[3].mean_loss, l[9], kMeanTol);
}

// The losses are train_step's, one after the other from the same rng.
TEST(TrainProvidedTest, LossesAreTrainStepsInOrder) {
  const Dataset train_set = two_blobs(40, 1), test_set = two_blobs(20, 2);
  TwoLayerNet net = small_net(), replay = small_net();
  Rng rng(3), replay_rng(3);
  const TrainLog log = train(net, train_set, test_set, small_config(), rng);
  ASSERT_EQ(log.losses.size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(log.losses[i], train_step(replay, train_set, small_config(), replay_rng))
        << "iteration " << i + 1;
  }
}

// A NaN loss stops training at that very iteration, marked as diverged, with no
// evaluation after it (NaN weights make the first loss NaN).
TEST(TrainProvidedTest, StopsAtTheFirstNonFiniteLoss) {
  const Dataset train_set = two_blobs(40, 1), test_set = two_blobs(20, 2);
  TwoLayerNet net = small_net();
  net.params.W2.fill(std::numeric_limits<double>::quiet_NaN());
  Rng rng(3);
  std::size_t calls = 0;
  TrainObserver observer;
  observer.on_iteration = [&](std::size_t, double) { ++calls; };
  const TrainLog log = train(net, train_set, test_set, small_config(), rng, observer);
  EXPECT_TRUE(log.diverged);
  ASSERT_EQ(log.losses.size(), 1u);
  EXPECT_TRUE(std::isnan(log.losses[0]));
  EXPECT_EQ(calls, 1u);
  EXPECT_TRUE(log.evaluations.empty());
}

// A batch larger than the training set, zero iterations, an lr of 0, or images of another
// size than the net's inputs are refused before any step, leaving the net as it was.
TEST(TrainProvidedTest, BadConfigurationThrowsBeforeAnyStep) {
  const Dataset train_set = two_blobs(40, 1), test_set = two_blobs(20, 2);
  TwoLayerNet net = small_net();
  const TwoLayerParams before = net.params;
  Rng rng(3);
  TrainConfig config = small_config();
  config.batch_size = 41;
  EXPECT_THROW(train(net, train_set, test_set, config, rng), std::invalid_argument);
  config = small_config();
  config.batch_size = 0;
  EXPECT_THROW(train(net, train_set, test_set, config, rng), std::invalid_argument);
  config = small_config();
  config.iterations = 0;
  EXPECT_THROW(train(net, train_set, test_set, config, rng), std::invalid_argument);
  config = small_config();
  config.learning_rate = 0.0;
  EXPECT_THROW(train(net, train_set, test_set, config, rng), std::invalid_argument);
  // A net of 9 inputs on 4-pixel images; then 3x3 test images for the 4-input net.
  TwoLayerNet wider(9, 3, 2, 0.1, 5);
  EXPECT_THROW(train(wider, train_set, test_set, small_config(), rng), std::invalid_argument);
  Dataset big_test;
  big_test.pixels.assign(9, 0);
  big_test.labels = {1};
  big_test.image_rows = big_test.image_cols = 3;
  EXPECT_THROW(train(net, train_set, big_test, small_config(), rng), std::invalid_argument);
  EXPECT_EQ(net.params.W1, before.W1);
  EXPECT_EQ(net.params.b2, before.b2);
}

// ---------------------------------------------------------------------------------------
// accuracy_on (given)

// In chunks or all at once, the same count: on 2,500 images, across chunk boundaries, it
// equals accuracy() over the whole set as one batch.
TEST(AccuracyOnProvidedTest, EqualsAccuracyOfTheWholeSet) {
  const Dataset data = two_blobs(2550, 4);  // not a whole number of accuracy_on's chunks
  const TwoLayerNet net(4, 3, 2, 1.0, 8);  // large random weights: about half right
  const double whole = net.accuracy(data.images(0, data.size()), one_hot(data.labels, 2));
  EXPECT_EQ(accuracy_on(net, data), whole);
  EXPECT_GT(whole, 0.0);
  EXPECT_LT(whole, 1.0);
}

// An empty set has no accuracy.
TEST(AccuracyOnProvidedTest, EmptySetThrows) {
  const Dataset empty;
  EXPECT_THROW(accuracy_on(small_net(), empty), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// train on real MNIST: the book's net and settings, 600 iterations (one of the book's
// epochs). To keep `make check CH=07` within a few seconds it reads only the 10,000-image
// test file, trains on its first 8,000 images and measures on the other 2,000, which it
// never trains on.
Dataset images_of(const Dataset& all, std::size_t begin, std::size_t end) {
  Dataset part;
  const std::size_t d = all.pixels_per_image();
  part.pixels.assign(all.pixels.begin() + static_cast<std::ptrdiff_t>(begin * d),
                     all.pixels.begin() + static_cast<std::ptrdiff_t>(end * d));
  part.labels.assign(all.labels.begin() + static_cast<std::ptrdiff_t>(begin),
                     all.labels.begin() + static_cast<std::ptrdiff_t>(end));
  part.image_rows = all.image_rows;
  part.image_cols = all.image_cols;
  return part;
}

TEST(TrainMnistTest, OneEpochReachesTheBooksEarlyAccuracy) {
  if (!std::filesystem::exists("data/mnist/t10k-images-idx3-ubyte")) {
    GTEST_SKIP() << "run make data (data/mnist not found; tests run from the repository root)";
  }
  const Dataset all =
      load_mnist_pair("data/mnist/t10k-images-idx3-ubyte", "data/mnist/t10k-labels-idx1-ubyte");
  const Dataset train_part = images_of(all, 0, 8000);
  const Dataset test_part = images_of(all, 8000, 10000);
  TwoLayerNet net(784, 50, 10, 0.01, 42);
  Rng rng(43);
  TrainConfig config;  // batch 100, lr 0.1: the book's
  config.iterations = 600;
  config.iterations_per_epoch = 600;  // measured after iteration 1 and at the end
  const TrainLog log = train(net, train_part, test_part, config, rng);
  ASSERT_FALSE(log.diverged);
  ASSERT_EQ(log.losses.size(), 600u);
  ASSERT_EQ(log.evaluations.size(), 2u);
  // The book's accuracy plot (4.5.3) reads ≈ 0.78 after one epoch of 600 iterations.
  // 0.70 leaves room for another seed's batches, while a net that did not learn (a wrong
  // sign, a forgotten update, the same batch every time) stays far below: chance is 0.10.
  constexpr double kMinTestAccuracy = 0.70;
  EXPECT_GE(log.evaluations.back().test_accuracy, kMinTestAccuracy);
  // The batch loss starts at ln 10 ≈ 2.30; by now the mean over the last 100 batches is
  // about 1 (the book's loss curve is near 1 after ~600 iterations).
  constexpr double kMaxLateLoss = 1.2;
  double late = 0.0;
  for (std::size_t i = 500; i < 600; ++i) late += log.losses[i];
  EXPECT_LT(late / 100.0, kMaxLateLoss);
}

}  // namespace
