// chapters/09_making_it_fast/numerical_fast.h: lesson 06's numerical gradient, made usable
// by recomputing only what a nudged weight changes.
//
// Exercises (numerical_fast.cpp): hidden_change, w1_gradient.
// Given (numerical_fast_given.cpp): NudgeCache, exp_small, nudges, output_change and
// numerical_gradient_fast, which puts them together.
//
// Lesson 06 nudges each of the P parameters by ±h and computes the loss of the whole batch
// twice: 2·P forward passes. But
//   L(θ + h) − L(θ − h) = (1/B) Σ_i (ℓ₊(i) − ℓ₋(i)),   ℓ(i) = −log(y(i, t_i) + 1e-7)
// and a sample whose ℓ(i) the nudge does not change adds exactly 0. Nudging W1(q,j) moves
// a1(i,j) by ±h·x(i,q) and nothing else: only hidden unit j, only in the samples whose
// pixel q is not 0. So one forward pass, kept (NudgeCache), and then for each nudge a
// sigmoid and a softmax of the few samples it touches.
//
// Shapes: B = batch, D = inputs, H = hidden units, K = classes.
#pragma once

#include <cstddef>
#include <vector>

#include "chapters/06_two_layer_net/two_layer_net.h"
#include "chapters/09_making_it_fast/kernels.h"
#include "common/matrix.h"

// One forward pass of the batch, kept for every nudge to start from (given).
//   e1 = exp(−a1), so that z1 = σ(a1) = 1 / (1 + e1)                   (B,H)
//   E(i,c) = exp(a2(i,c) − max_c a2(i,c)), total(i) = Σ_c E(i,c),
//   so that y(i,c) = E(i,c) / total(i): softmax as lesson 05 computes it  (B,K)
struct NudgeCache {
  NudgeCache(const TwoLayerParams& params, const Matrix& x, const Matrix& t);

  const TwoLayerParams& params;
  Matrix e1, z1;                    // (B,H)
  Matrix E;                         // (B,K)
  std::vector<double> total;        // B
  std::vector<std::size_t> labels;  // B: the class of t's 1 in each row
};

// Given. e^u for the tiny u a nudge makes: 1 + u + u²/2 + u³/6 + u⁴/24 when |u| ≤ 1e-3
// (the first term left out, u⁵/120, is below 1e-17: under a tenth of a double's last
// place), std::exp(u) otherwise. Four multiply-adds instead of a call to exp.
double exp_small(double u);

// Given. The two nudges lesson 02 makes to a parameter w, as they come out after rounding:
// up = fl(w + h) − w and down = fl(w − h) − w with h = 1e-4 (not exactly ±h, and at the
// 1e-12 that the two gradients agree to, the difference shows).
struct Nudge {
  double up, down;
};
Nudge nudges(double w);

// ℓ₊(i) − ℓ₋(i): how sample i's loss term changes between hidden unit j's input
// a1(i,j) moved by da_up and moved by da_down, everything else as in the cache:
//   z± = 1 / (1 + e1(i,j)·exp_small(−da±))          σ(a1 + da) from the kept e^−a1
//   E±(c) = E(i,c)·exp_small((z± − z1(i,j))·W2(j,c)) a2(i,c) moves by Δz·W2(j,c)
//   y± = E±(t_i) / Σ_c E±(c)
//   ℓ₊ − ℓ₋ = −log1p((y₊ − y₋) / (y₋ + 1e-7))      one log of a number near 1, not two logs
//                                                   of nearly equal numbers subtracted
double hidden_change(const NudgeCache& c, std::size_t i, std::size_t j, double da_up,
                     double da_down);

// ∂L/∂W1(q,j) by the central difference, as lesson 06's numerical_gradient computes it
// up to rounding: with n = nudges(W1(q,j)),
//   ∂L/∂W1(q,j) ≈ Σ_i hidden_change(c, i, j, n.up·x(i,q), n.down·x(i,q)) / (2h·B)
// over the samples i whose x(i,q) is not 0, which row q of xt = xᵀ lists (column[k] = i,
// value[k] = x(i,q)); the others change nothing. h = 1e-4, B = the batch's rows.
double w1_gradient(const NudgeCache& c, const SparseRows& xt, std::size_t q, std::size_t j);

// Given. ℓ₊(i) − ℓ₋(i) when sample i's score a2(i,k) moves by da_up and by da_down and the
// other scores stay: the nudges of W2(·,k) (da = ±h·z1(i,j)) and of b2(k) (da = ±h).
double output_change(const NudgeCache& c, std::size_t i, std::size_t k, double da_up,
                     double da_down);

// Given. ∂L/∂W1, ∂L/∂b1, ∂L/∂W2, ∂L/∂b2 of L = net.loss(x, t), each entry by the central
// difference with h = 1e-4, as net.numerical_gradient(x, t) computes it, up to rounding
// (relative error below 1e-8; the lesson measures it), from one forward pass: W1 by your
// w1_gradient, b1 by your hidden_change over every sample, W2 and b2 by output_change.
// net is not changed. x (B,D), t (B,K) one-hot. Throws std::invalid_argument on a shape
// mismatch or a t row that is not one-hot.
TwoLayerParams numerical_gradient_fast(const TwoLayerNet& net, const Matrix& x, const Matrix& t);
