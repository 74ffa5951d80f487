// chapters/09_making_it_fast/numerical_fast_given.cpp: the forward pass the nudges start
// from, and the loops over the parameters. Contracts are in numerical_fast.h.
//
// Lesson 06 computes the two whole sums L(θ ± h) and subtracts them; adding up only the
// terms a nudge changes (numerical_fast.h says why that suffices) differs by rounding only,
// and is, if anything, the more accurate: it never subtracts two nearly equal totals of B
// terms.
#include <cmath>
#include <stdexcept>
#include <string>

#include "chapters/01_numerical_diff/numerical_diff.h"
#include "chapters/05_loss_gradient/loss.h"
#include "chapters/09_making_it_fast/numerical_fast.h"

NudgeCache::NudgeCache(const TwoLayerParams& p, const Matrix& x, const Matrix& t)
    : params(p), total(x.rows(), 0.0), labels(x.rows(), 0) {
  const std::size_t B = x.rows(), K = p.W2.cols();
  if (x.cols() != p.W1.rows() || t.rows() != B || t.cols() != K) {
    throw std::invalid_argument("NudgeCache: x " + x.shape() + " and t " + t.shape() +
                                " do not fit a " + std::to_string(p.W1.rows()) + "-" +
                                std::to_string(p.W1.cols()) + "-" + std::to_string(K) + " net");
  }
  for (std::size_t i = 0; i < B; ++i) {
    std::size_t ones = 0;
    for (std::size_t k = 0; k < K; ++k) {
      if (t(i, k) == 1.0) {
        labels[i] = k;
        ++ones;
      } else if (t(i, k) != 0.0) {
        ones = 2;
      }
    }
    if (ones != 1) {
      throw std::invalid_argument("NudgeCache: row " + std::to_string(i) +
                                  " of t is not one-hot (a single 1, the rest 0)");
    }
  }
  // x (B,D) · W1 (D,H) + b1 (1,H) → a1 (B,H), kept as e1 and z1
  const Matrix a1 = add_row_vector(x * p.W1, p.b1);
  e1 = apply(a1, [](double v) { return std::exp(-v); });
  z1 = apply(e1, [](double e) { return 1.0 / (1.0 + e); });
  // z1 (B,H) · W2 (H,K) + b2 (1,K) → a2 (B,K), kept as E and total, as softmax makes them
  const Matrix a2 = add_row_vector(z1 * p.W2, p.b2);
  E = Matrix(B, K);
  for (std::size_t i = 0; i < B; ++i) {
    double m = a2(i, 0);
    for (std::size_t c = 1; c < K; ++c) m = a2(i, c) > m ? a2(i, c) : m;
    for (std::size_t c = 0; c < K; ++c) total[i] += E(i, c) = std::exp(a2(i, c) - m);
  }
}

double exp_small(double u) {
  if (u > 1e-3 || u < -1e-3) return std::exp(u);
  // By Horner's rule: each term built from the one before, no powers.
  return 1.0 + u * (1.0 + u / 2.0 * (1.0 + u / 3.0 * (1.0 + u / 4.0)));
}

Nudge nudges(double w) { return {(w + kDiffStep) - w, (w - kDiffStep) - w}; }

double output_change(const NudgeCache& c, std::size_t i, std::size_t k, double da_up,
                     double da_down) {
  // Only score k moves: its exponential is multiplied by e^da, the others stay.
  const double e_up = c.E(i, k) * exp_small(da_up), e_down = c.E(i, k) * exp_small(da_down);
  const double total_up = c.total[i] - c.E(i, k) + e_up;
  const double total_down = c.total[i] - c.E(i, k) + e_down;
  const std::size_t t = c.labels[i];
  const double y_up = (t == k ? e_up : c.E(i, t)) / total_up;
  const double y_down = (t == k ? e_down : c.E(i, t)) / total_down;
  return -std::log1p((y_up - y_down) / (y_down + kLogDelta));
}

TwoLayerParams numerical_gradient_fast(const TwoLayerNet& net, const Matrix& x, const Matrix& t) {
  const TwoLayerParams& p = net.params;
  const NudgeCache cache(p, x, t);
  const std::size_t B = x.rows(), D = p.W1.rows(), H = p.W1.cols(), K = p.W2.cols();
  // Every parameter's sum of changes is divided by the same 2h·B.
  const double two_h_B = 2.0 * kDiffStep * static_cast<double>(B);
  TwoLayerParams g{Matrix(D, H), Matrix(1, H), Matrix(H, K), Matrix(1, K)};
  // W1(q,j): the samples whose pixel q is inked, row q of xᵀ.
  const SparseRows xt = transpose_rows(sparse_rows(x));
  for (std::size_t q = 0; q < D; ++q)
    for (std::size_t j = 0; j < H; ++j) g.W1(q, j) = w1_gradient(cache, xt, q, j);
  // b1(j): hidden unit j of every sample, moved by the nudge itself.
  for (std::size_t j = 0; j < H; ++j) {
    const Nudge n = nudges(p.b1(0, j));
    double diff = 0.0;
    for (std::size_t i = 0; i < B; ++i) diff += hidden_change(cache, i, j, n.up, n.down);
    g.b1(0, j) = diff / two_h_B;
  }
  // W2(j,k): score k of every sample moves by nudge·z1(i,j); the hidden layer stays.
  for (std::size_t j = 0; j < H; ++j) {
    for (std::size_t k = 0; k < K; ++k) {
      const Nudge n = nudges(p.W2(j, k));
      double diff = 0.0;
      for (std::size_t i = 0; i < B; ++i) {
        diff += output_change(cache, i, k, n.up * cache.z1(i, j), n.down * cache.z1(i, j));
      }
      g.W2(j, k) = diff / two_h_B;
    }
  }
  // b2(k): score k moves by the nudge itself.
  for (std::size_t k = 0; k < K; ++k) {
    const Nudge n = nudges(p.b2(0, k));
    double diff = 0.0;
    for (std::size_t i = 0; i < B; ++i) diff += output_change(cache, i, k, n.up, n.down);
    g.b2(0, k) = diff / two_h_B;
  }
  return g;
}
