// chapters/07_learning_mnist/fast.h: chapter 7's training loop and numerical gradient, made
// fast. Given (fast_given.cpp): nothing to write here. The lesson's "Making it fast" tells
// how each trick works and what it saves; `make mnist` uses both, `--plain` neither.
//
// train_fast gives train()'s TrainLog up to rounding, with the kernels of common/fast.h
// (zero pixels skipped, 8 numbers per instruction, cache-sized blocks, buffers made once,
// each half of the image's pixels on its own thread). numerical_gradient_fast gives
// chapter 6's numerical_gradient up to rounding.
//
// Shapes: N = images in a set, B = batch, D = 784 pixels, H = hidden units, K = classes.
#pragma once

#include <cstddef>

#include "chapters/06_two_layer_net/two_layer_net.h"
#include "chapters/07_learning_mnist/train.h"
#include "common/matrix.h"
#include "common/mnist.h"
#include "common/random.h"

// train(net, train_set, test_set, config, rng, observer) (train.h: steps 1–6, the same
// checks and exceptions, the same observer calls in the same order), computed fast:
//   * the batches come from your choose_batch, so the same seed draws the same batches;
//     each is drawn a step early from a copy of rng (the next batch's forward pass shares
//     a round of work with this step's), and rng itself draws each batch again in its own
//     step, so it advances exactly as in train, also when the run stops early;
//   * with config.gradient == backprop, the gradient is TwoLayerNet::gradient's and the
//     step sgd_step's, computed in place with the kernels of common/fast.h (your sgd_step
//     is not called); with numerical, the batch is your sample_batch's, the gradient
//     numerical_gradient_fast's (below), the step your sgd_step's and the loss chapter 6's;
//   * every number agrees with train's up to rounding (exp_in_place instead of std::exp;
//     x·W1 added up in two halves, the top and the bottom of the image, then the halves
//     added): on the default MNIST run the batch losses stay within 9e-16 of train's and
//     every printed digit is the same;
//   * the work is shared out between `threads` threads (≥ 1; 2 are used, a third has
//     nothing to do in half of each step) and no number depends on how many: the same
//     seed gives the same log, bit for bit;
//   * images whose width is not W1's rows, or a label ≥ the net's classes, throw
//     std::invalid_argument before any step.
TrainLog train_fast(TwoLayerNet& net, const Dataset& train_set, const Dataset& test_set,
                    const TrainConfig& config, Rng& rng, const TrainObserver& observer = {},
                    std::size_t threads = 2);

// ∂L/∂W1, ∂L/∂b1, ∂L/∂W2, ∂L/∂b2 of L = net.loss(x, t), each entry by the central
// difference (L(θ + h) − L(θ − h)) / 2h with h = 1e-4, as net.numerical_gradient(x, t)
// computes it, up to rounding (see the lesson). The forward pass is done once and cached;
// nudging one parameter then recomputes only the loss terms it changes:
//   W1(p,j): only hidden unit j of the samples i whose pixel x(i,p) is not 0 (a1(i,j)
//            moves by ±h·x(i,p)); every other sample's loss term is unchanged
//   b1(j):   hidden unit j of every sample
//   W2(j,k), b2(k): the output a2(i,k) of every sample; the hidden layer is unchanged
// net is not changed. Throws std::invalid_argument on a shape mismatch.
TwoLayerParams numerical_gradient_fast(const TwoLayerNet& net, const Matrix& x, const Matrix& t);
