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
  // TODO: from the cache only (no forward pass): the two new z1(i,j), the factor each puts
  // on every E(i,k) through W2(j,k), the two probabilities of the true class
  // c.labels[i], then −log1p((y₊ − y₋) / (y₋ + kLogDelta)). Use exp_small, not std::exp.
  (void)c, (void)i, (void)j, (void)da_up, (void)da_down;
  throw not_implemented("hidden_change");
}

// One entry of W1's numerical gradient, from only the samples the nudge reaches.
double w1_gradient(const NudgeCache& c, const SparseRows& xt, std::size_t q, std::size_t j) {
  // TODO: n = nudges(c.params.W1(q, j)); add hidden_change(c, i, j, n.up·v, n.down·v) for
  // each entry (i, v) of row q of xt, and divide by 2·kDiffStep·B (B = c.E.rows()).
  (void)c, (void)xt, (void)q, (void)j;
  throw not_implemented("w1_gradient");
}
