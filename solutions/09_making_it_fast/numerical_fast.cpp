// 09_making_it_fast/numerical_fast.cpp: the numerical gradient from the terms a nudge
// changes. Contracts are in numerical_fast.h. B = batch, H = hidden units, K = classes.
#include "chapters/09_making_it_fast/numerical_fast.h"

#include <cmath>
#include <cstddef>

#include "chapters/01_numerical_diff/numerical_diff.h"
#include "chapters/05_loss_gradient/loss.h"
#include "common/not_implemented.h"

// How one sample's loss term changes when one hidden unit's input is nudged both ways.
double hidden_change(const NudgeCache& c, std::size_t i, std::size_t j, double da_up,
                     double da_down) {
  // e^−(a1 + da) = e^−a1 · e^−da: the kept e^−a1 times a tiny exponential, no full exp.
  const double dz_up = 1.0 / (1.0 + c.e1(i, j) * exp_small(-da_up)) - c.z1(i, j);
  const double dz_down = 1.0 / (1.0 + c.e1(i, j) * exp_small(-da_down)) - c.z1(i, j);
  // Each score a2(i,k) = Σ_j z1(i,j)·W2(j,k) + b2(k) moves by Δz·W2(j,k), so its
  // exponential is multiplied by e^(Δz·W2(j,k)); the softmax's total follows.
  const std::size_t t = c.labels[i];
  double total_up = 0.0, total_down = 0.0, mine_up = 0.0, mine_down = 0.0;
  for (std::size_t k = 0; k < c.E.cols(); ++k) {
    const double w = c.params.W2(j, k);
    const double e_up = c.E(i, k) * exp_small(dz_up * w);
    const double e_down = c.E(i, k) * exp_small(dz_down * w);
    total_up += e_up;
    total_down += e_down;
    if (k == t) {
      mine_up = e_up;
      mine_down = e_down;
    }
  }
  const double y_up = mine_up / total_up, y_down = mine_down / total_down;
  // ℓ₊ − ℓ₋ = −(log(y₊ + δ) − log(y₋ + δ)) = −log((y₊ + δ) / (y₋ + δ))
  //         = −log1p((y₊ − y₋) / (y₋ + δ)): the small difference y₊ − y₋ is kept to every
  // digit instead of being what is left of two nearly equal logarithms.
  return -std::log1p((y_up - y_down) / (y_down + kLogDelta));
}

// One entry of W1's numerical gradient, from only the samples the nudge reaches.
double w1_gradient(const NudgeCache& c, const SparseRows& xt, std::size_t q, std::size_t j) {
  // a1(i,j) = Σ_p x(i,p)·W1(p,j) + b1(j): W1(q,j) moved by δ moves it by δ·x(i,q), so only
  // the samples with x(i,q) ≠ 0, row q of xᵀ, see the nudge. For MNIST a pixel is inked
  // in ~19% of the images, and some never: their gradient is exactly 0.
  const Nudge n = nudges(c.params.W1(q, j));
  double diff = 0.0;
  for (std::size_t k = xt.row_start[q]; k < xt.row_start[q + 1]; ++k) {
    const double xiq = xt.value[k];
    diff += hidden_change(c, xt.column[k], j, n.up * xiq, n.down * xiq);
  }
  // The central difference's 2h and the mean loss's 1/B, in one division.
  return diff / (2.0 * kDiffStep * static_cast<double>(c.E.rows()));
}
