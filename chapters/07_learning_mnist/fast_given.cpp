// chapters/07_learning_mnist/fast_given.cpp: the fast training loop and the fast numerical
// gradient. Given: contracts in fast.h, the story in the lesson ("Making it fast").
//
// train_fast: each step mirrors a line of train (solutions/07_learning_mnist/train.cpp)
// and of chapter 6's predict, loss, accuracy and gradient, and computes the same numbers
// in the same order, into buffers made once.
//
// numerical_gradient_fast: the forward pass once, then for each nudged parameter only the
// loss terms the nudge changes (see the second half of this file).
//
// N = images in a set, B = batch, D = 784 pixels, H = hidden units, K = classes.
//   x (B,D) · W1 (D,H) + b1 → a1 (B,H) → σ → z1 (B,H) · W2 (H,K) + b2 → a2 (B,K) → softmax → y
//   L = (1/B) Σ_i ℓ(i),   ℓ(i) = −Σ_k t(i,k) · log(y(i,k) + 1e-7)
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "chapters/01_numerical_diff/numerical_diff.h"
#include "chapters/05_loss_gradient/loss.h"
#include "chapters/07_learning_mnist/fast.h"
#include "common/fast.h"

namespace {

// What one forward pass over n rows keeps (n = B for a batch, N for a whole set).
struct Forward {
  Matrix z1;  // (n,H)  x·W1 + b1, then σ in place
  Matrix y;   // (n,K)  z1·W2 + b2, then softmax in place
  Forward(std::size_t n, std::size_t h, std::size_t k) : z1(n, h), y(n, k) {}
};

// Rows begin..end of the forward pass y = softmax(σ(x·W1 + b1)·W2 + b2), exactly as
// TwoLayerNet::predict computes them (add_row_vector, sigmoid, matmul, softmax).
void forward_rows(const TwoLayerParams& p, const SparseRows& x, Forward& f, std::size_t begin,
                  std::size_t end) {
  const std::size_t h = p.W1.cols(), k = p.W2.cols();
  // x (n,D) · W1 (D,H) → (n,H), zero pixels skipped
  sparse_matmul_rows(x, p.W1, f.z1, begin, end);
  for (std::size_t i = begin; i < end; ++i) {
    double* z = f.z1.data() + i * h;
    // + b1, then σ(a) = 1 / (1 + exp(−a)), in place
    for (std::size_t j = 0; j < h; ++j) z[j] = 1.0 / (1.0 + std::exp(-(z[j] + p.b1.data()[j])));
    // z1 (1,H) · W2 (H,K) → (1,K), matmul's order: Σ over j, from 0
    double* a = f.y.data() + i * k;
    for (std::size_t c = 0; c < k; ++c) a[c] = 0.0;
    for (std::size_t j = 0; j < h; ++j) {
      const double* w = p.W2.data() + j * k;
      for (std::size_t c = 0; c < k; ++c) a[c] += z[j] * w[c];
    }
    // + b2, then softmax: exp(a − max) / Σ exp(a − max)
    for (std::size_t c = 0; c < k; ++c) a[c] += p.b2.data()[c];
    double m = a[0];
    for (std::size_t c = 1; c < k; ++c)
      if (a[c] > m) m = a[c];
    double total = 0.0;
    for (std::size_t c = 0; c < k; ++c) {
      a[c] = std::exp(a[c] - m);
      total += a[c];
    }
    for (std::size_t c = 0; c < k; ++c) a[c] /= total;
  }
}

void forward(const TwoLayerParams& p, const SparseRows& x, Forward& f, Workers& workers) {
  workers.for_rows(x.rows,
                   [&](std::size_t begin, std::size_t end) { forward_rows(p, x, f, begin, end); });
}

// The column of the largest y in row i, the first on ties (row_argmax).
std::size_t argmax_row(const Matrix& y, std::size_t i) {
  const double* row = y.data() + i * y.cols();
  std::size_t best = 0;
  for (std::size_t c = 1; c < y.cols(); ++c)
    if (row[c] > row[best]) best = c;
  return best;
}

// accuracy(): the fraction of rows whose largest y is the label.
double accuracy(const TwoLayerParams& p, const SparseRows& x,
                const std::vector<std::size_t>& labels, Forward& f, Workers& workers) {
  // A count is a whole number: adding the parts' counts in any order gives the same total.
  std::atomic<std::size_t> correct{0};
  workers.for_rows(x.rows, [&](std::size_t begin, std::size_t end) {
    forward_rows(p, x, f, begin, end);
    std::size_t c = 0;
    for (std::size_t i = begin; i < end; ++i) c += argmax_row(f.y, i) == labels[i];
    correct += c;
  });
  return static_cast<double>(correct.load()) / static_cast<double>(x.rows);
}

// cross_entropy_error(y, one_hot(labels)): −(1/B) Σ_b log(y(b, label_b) + 1e-7). The plain
// sum also adds 0·log(…) = ±0 for every other class, which changes nothing.
double batch_loss(const Matrix& y, const std::vector<std::size_t>& labels) {
  double s = 0.0;
  for (std::size_t b = 0; b < y.rows(); ++b) s += std::log(y(b, labels[b]) + kLogDelta);
  return -s / static_cast<double>(y.rows());
}

// column_sums(a) into out (1,m), rows summed in order.
void column_sums_into(const Matrix& a, Matrix& out) {
  out.fill(0.0);
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j) out.data()[j] += a.data()[i * a.cols() + j];
}

}  // namespace

TrainLog train_fast(TwoLayerNet& net, const Dataset& train_set, const Dataset& test_set,
                    const TrainConfig& config, Rng& rng, const TrainObserver& observer,
                    std::size_t threads, bool background_evaluation) {
  const std::size_t n = train_set.images.rows();
  if (config.batch_size == 0 || config.batch_size > n) {
    throw std::invalid_argument("train_fast: batch_size " + std::to_string(config.batch_size) +
                                " must be between 1 and the " + std::to_string(n) +
                                " training images");
  }
  if (config.iterations == 0) {
    throw std::invalid_argument("train_fast: iterations must be at least 1");
  }
  if (!(config.learning_rate > 0.0)) {
    throw std::invalid_argument(
        "train_fast: learning_rate must be > 0 (set ascent to climb instead)");
  }
  const std::size_t per_epoch = config.iterations_per_epoch > 0
                                    ? config.iterations_per_epoch
                                    : std::max<std::size_t>(1, n / config.batch_size);
  const double lr = config.ascent ? -config.learning_rate : config.learning_rate;
  TwoLayerParams& p = net.params;
  const std::size_t B = config.batch_size, D = p.W1.rows(), H = p.W1.cols(), K = p.W2.cols();

  // Made once, before the loop: the sets without their zeros, and every buffer.
  Workers workers(threads);
  const SparseRows train_x = sparse_rows(train_set.images);
  const SparseRows test_x = sparse_rows(test_set.images);
  Forward train_all(train_x.rows, H, K), test_all(test_x.rows, H, K), f(B, H, K);
  SparseRows x, xT;  // the batch (B,D) and its transpose (D,B)
  std::vector<std::size_t> labels(B);
  Matrix d_a2(B, K), d_z1(B, H), d_a1(B, H);
  TwoLayerParams g{Matrix(D, H), Matrix(1, H), Matrix(H, K), Matrix(1, K)};
  const bool numerical = config.gradient == GradientMethod::numerical;
  Matrix dense_x, dense_t;  // the batch as chapter 6's numerical gradient takes it

  // The evaluation after an epoch runs on a thread of its own, on a copy of the weights,
  // while this thread trains on. Its line must still come out where the plain loop prints
  // it, so the iterations trained meanwhile hold their on_iteration calls back until the
  // evaluation is in (finish_evaluation). Nothing here changes a number.
  struct PendingEvaluation {
    Evaluation e;
    TwoLayerParams weights;
    std::thread thread;
    std::atomic<bool> done{false};
    // If an exception leaves train_fast (an observer's, say) while it runs: wait for it.
    ~PendingEvaluation() {
      if (thread.joinable()) thread.join();
    }
  };
  std::unique_ptr<PendingEvaluation> pending;
  std::vector<std::pair<std::size_t, double>> held;  // (iteration, loss) held back
  TrainLog log;
  const auto evaluate = [&](const TwoLayerParams& w, Evaluation& e, Workers& on) {
    e.train_accuracy = accuracy(w, train_x, train_set.labels, train_all, on);
    e.test_accuracy = accuracy(w, test_x, test_set.labels, test_all, on);
  };
  const auto finish_evaluation = [&](bool wait) {
    if (!pending || (!wait && !pending->done.load(std::memory_order_acquire))) return;
    pending->thread.join();
    log.evaluations.push_back(pending->e);
    if (observer.on_evaluation) observer.on_evaluation(pending->e);
    pending.reset();
    for (const auto& [at, loss] : held)
      if (observer.on_iteration) observer.on_iteration(at, loss);
    held.clear();
  };

  log.losses.reserve(config.iterations);
  double loss_sum = 0.0;
  std::size_t loss_count = 0;
  const double batch = static_cast<double>(B);
  for (std::size_t i = 1; i <= config.iterations; ++i) {
    // 1. The same draws as sample_batch(train_set, choose_batch(rng, n, B)).
    const std::vector<std::size_t> indices = choose_batch(rng, n, B);
    gather_rows_into(train_x, indices, x);
    for (std::size_t b = 0; b < B; ++b) {
      if (train_set.labels[indices[b]] >= K) throw std::invalid_argument("train_fast: bad label");
      labels[b] = train_set.labels[indices[b]];
    }
    // 2. The gradient. Numerical: numerical_gradient_fast on the dense batch (x and its
    //    one-hot t); its cost dwarfs everything else in the loop.
    if (numerical) {
      dense_x = dense(x);
      dense_t = Matrix(B, K);
      for (std::size_t b = 0; b < B; ++b) dense_t(b, labels[b]) = 1.0;
      g = numerical_gradient_fast(net, dense_x, dense_t);
    } else {
      // Backprop, as TwoLayerNet::gradient computes it.
      forward(p, x, f, workers);
      // ∂L/∂a2 = r·(y − t) / B with r = y_t / (y_t + 1e-7)
      for (std::size_t b = 0; b < B; ++b) {
        const double yt = f.y(b, labels[b]);
        const double r = yt / (yt + kLogDelta);
        for (std::size_t c = 0; c < K; ++c) {
          d_a2(b, c) = (f.y(b, c) * r - (c == labels[b] ? r : 0.0)) / batch;
        }
      }
      // ∂L/∂W2 = z1ᵀ · ∂L/∂a2,  ∂L/∂b2 = Σ_b ∂L/∂a2
      transposed_matmul_into(f.z1, d_a2, g.W2);
      column_sums_into(d_a2, g.b2);
      // ∂L/∂z1 = ∂L/∂a2 · W2ᵀ;  ∂L/∂a1 = ∂L/∂z1 ⊙ z1(1 − z1)
      matmul_transposed_into(d_a2, p.W2, d_z1);
      for (std::size_t k = 0; k < d_a1.size(); ++k) {
        const double s = f.z1.data()[k];
        d_a1.data()[k] = d_z1.data()[k] * (s * (1.0 - s));
      }
      // ∂L/∂W1 = xᵀ · ∂L/∂a1: xᵀ is sparse too, rows p shared out between the threads
      transpose_into(x, xT);
      workers.for_rows(D, [&](std::size_t begin, std::size_t end) {
        sparse_matmul_rows(xT, d_a1, g.W1, begin, end);
      });
      column_sums_into(d_a1, g.b1);
    }
    // 3. θ ← θ − lr·∇L, by your sgd_step
    sgd_step(p, g, lr);
    // 4. The loss on the same batch after the step.
    forward(p, x, f, workers);
    const double loss = batch_loss(f.y, labels);
    log.losses.push_back(loss);
    if (pending) {
      held.emplace_back(i, loss);
      finish_evaluation(false);  // in already? then print it and what was held back
    } else if (observer.on_iteration) {
      observer.on_iteration(i, loss);
    }
    if (!std::isfinite(loss)) {
      finish_evaluation(true);
      log.diverged = true;
      break;
    }
    loss_sum += loss;
    ++loss_count;
    if (i % per_epoch == 0 || i == config.iterations) {
      finish_evaluation(true);  // the previous epoch's, if still running: lines stay in order
      Evaluation e;
      e.iteration = i;
      e.mean_loss = loss_sum / static_cast<double>(loss_count);
      loss_sum = 0.0;
      loss_count = 0;
      if (background_evaluation && i != config.iterations) {
        pending = std::make_unique<PendingEvaluation>();
        pending->e = e;
        pending->weights = p;  // 40k doubles: a snapshot, so training can go on
        pending->thread = std::thread([&, job = pending.get()] {
          Workers alone(1);
          evaluate(job->weights, job->e, alone);
          job->done.store(true, std::memory_order_release);
        });
      } else {
        evaluate(p, e, workers);
        log.evaluations.push_back(e);
        if (observer.on_evaluation) observer.on_evaluation(e);
      }
    }
  }
  finish_evaluation(true);
  return log;
}

// ---------------------------------------------------------------------------------------
// numerical_gradient_fast
//
// Why only the changed terms are needed: L(θ + h) − L(θ − h) = (1/B) Σ_i (ℓ₊(i) − ℓ₋(i)),
// and every sample whose ℓ(i) the nudge leaves alone contributes exactly 0. Chapter 6
// computes the two whole sums and subtracts them; the difference between the two methods
// is rounding only (ours is, if anything, the more accurate: it never subtracts two
// nearly equal totals of B terms).

namespace {

// exp(u) for the tiny u a nudge makes (|u| ≤ 1e-4 or so): 1 + u + u²/2 + u³/6 + u⁴/24,
// whose first left-out term u⁵/120 < 1e-21 is far below a double's rounding (1.1e-16).
// So it is exp(u) up to rounding, at the cost of four multiply-adds instead of a call to
// exp. Larger u (a huge weight) goes to std::exp.
double exp_small(double u) {
  if (u > 1e-3 || u < -1e-3) return std::exp(u);
  return 1.0 + u * (1.0 + u / 2.0 * (1.0 + u / 3.0 * (1.0 + u / 4.0)));
}

// The two nudges chapter 2 makes to a parameter w, as they come out after rounding:
// fl(w + h) − w and fl(w − h) − w (not exactly ±h, and the difference matters at 1e-12).
struct Nudge {
  double up, down;
};
Nudge nudges(double w) { return {(w + kDiffStep) - w, (w - kDiffStep) - w}; }

}  // namespace

TwoLayerParams numerical_gradient_fast(const TwoLayerNet& net, const Matrix& x, const Matrix& t) {
  const TwoLayerParams& p = net.params;
  const std::size_t B = x.rows(), D = p.W1.rows(), H = p.W1.cols(), K = p.W2.cols();
  if (x.cols() != D || t.rows() != B || t.cols() != K) {
    throw std::invalid_argument("numerical_gradient_fast: x " + x.shape() + " and t " + t.shape() +
                                " do not fit a " + std::to_string(D) + "-" + std::to_string(H) +
                                "-" + std::to_string(K) + " net");
  }
  // The forward pass, once, keeping what every nudge starts from:
  //   e1 = exp(−a1), so z1 = σ(a1) = 1 / (1 + e1)                       (B,H)
  //   E(i,c) = exp(a2(i,c) − max_c a2(i,c)), total(i) = Σ_c E(i,c),
  //   so y(i,c) = E(i,c) / total(i), softmax as chapter 5 computes it   (B,K)
  const Matrix a1 = add_row_vector(x * p.W1, p.b1);
  const Matrix e1 = apply(a1, [](double v) { return std::exp(-v); });
  const Matrix z1 = apply(e1, [](double e) { return 1.0 / (1.0 + e); });
  const Matrix a2 = add_row_vector(z1 * p.W2, p.b2);
  Matrix E(B, K);
  std::vector<double> total(B, 0.0);
  for (std::size_t i = 0; i < B; ++i) {
    double m = a2(i, 0);
    for (std::size_t c = 1; c < K; ++c) m = a2(i, c) > m ? a2(i, c) : m;
    for (std::size_t c = 0; c < K; ++c) total[i] += E(i, c) = std::exp(a2(i, c) - m);
  }

  // ℓ₊(i) − ℓ₋(i) when sample i's scores a2(i,c) move by up[c] and by down[c]. A move u
  // multiplies E(i,c) by exp(u); then
  //   ℓ₊ − ℓ₋ = −Σ_c t(i,c) · (log(y₊ + 1e-7) − log(y₋ + 1e-7))
  //           = −Σ_c t(i,c) · log1p((y₊ − y₋) / (y₋ + 1e-7))
  // one log of a number near 1 instead of two logs of nearly equal numbers.
  std::vector<double> up(K), down(K), f_up(K), f_down(K);
  const auto loss_change = [&](std::size_t i) {
    double t_up = 0.0, t_down = 0.0;
    for (std::size_t c = 0; c < K; ++c) {
      f_up[c] = E(i, c) * exp_small(up[c]);
      f_down[c] = E(i, c) * exp_small(down[c]);
      t_up += f_up[c];
      t_down += f_down[c];
    }
    double change = 0.0;
    for (std::size_t c = 0; c < K; ++c) {
      if (t(i, c) == 0.0) continue;  // a one-hot row: only the true class
      const double y_up = f_up[c] / t_up, y_down = f_down[c] / t_down;
      change -= t(i, c) * std::log1p((y_up - y_down) / (y_down + kLogDelta));
    }
    return change;
  };
  // Hidden unit j of sample i moved by da_up and by da_down: a2(i,c) moves by dz·W2(j,c),
  // where σ(a1 + da) = 1 / (1 + e1·exp(−da)).
  const auto hidden_change = [&](std::size_t i, std::size_t j, double da_up, double da_down) {
    const double dz_up = 1.0 / (1.0 + e1(i, j) * exp_small(-da_up)) - z1(i, j);
    const double dz_down = 1.0 / (1.0 + e1(i, j) * exp_small(-da_down)) - z1(i, j);
    for (std::size_t c = 0; c < K; ++c) {
      up[c] = dz_up * p.W2(j, c);
      down[c] = dz_down * p.W2(j, c);
    }
    return loss_change(i);
  };
  // Output c of sample i moved by da_up and by da_down; the other outputs stay.
  const auto output_change = [&](std::size_t i, std::size_t c, double da_up, double da_down) {
    for (std::size_t k = 0; k < K; ++k) up[k] = down[k] = 0.0;
    up[c] = da_up;
    down[c] = da_down;
    return loss_change(i);
  };

  // ∂L/∂θ ≈ (L₊ − L₋) / 2h = Σ_i (ℓ₊(i) − ℓ₋(i)) / (2h·B), over the samples θ touches.
  const double two_h_B = 2.0 * kDiffStep * static_cast<double>(B);
  TwoLayerParams g{Matrix(D, H), Matrix(1, H), Matrix(H, K), Matrix(1, K)};
  // W1(q,j): a1(i,j) moves by nudge·x(i,q), only for the samples with x(i,q) ≠ 0, which
  // row q of xᵀ lists.
  SparseRows xT;
  transpose_into(sparse_rows(x), xT);
  for (std::size_t q = 0; q < D; ++q) {
    for (std::size_t j = 0; j < H; ++j) {
      const Nudge n = nudges(p.W1(q, j));
      double diff = 0.0;
      for (std::size_t k = xT.row_start[q]; k < xT.row_start[q + 1]; ++k) {
        const double xi = xT.value[k];
        diff += hidden_change(xT.column[k], j, n.up * xi, n.down * xi);
      }
      g.W1(q, j) = diff / two_h_B;
    }
  }
  // b1(j): hidden unit j of every sample.
  for (std::size_t j = 0; j < H; ++j) {
    const Nudge n = nudges(p.b1(0, j));
    double diff = 0.0;
    for (std::size_t i = 0; i < B; ++i) diff += hidden_change(i, j, n.up, n.down);
    g.b1(0, j) = diff / two_h_B;
  }
  // W2(j,c): a2(i,c) moves by nudge·z1(i,j) for every sample; the hidden layer stays.
  for (std::size_t j = 0; j < H; ++j) {
    for (std::size_t c = 0; c < K; ++c) {
      const Nudge n = nudges(p.W2(j, c));
      double diff = 0.0;
      for (std::size_t i = 0; i < B; ++i)
        diff += output_change(i, c, n.up * z1(i, j), n.down * z1(i, j));
      g.W2(j, c) = diff / two_h_B;
    }
  }
  // b2(c): a2(i,c) moves by the nudge itself.
  for (std::size_t c = 0; c < K; ++c) {
    const Nudge n = nudges(p.b2(0, c));
    double diff = 0.0;
    for (std::size_t i = 0; i < B; ++i) diff += output_change(i, c, n.up, n.down);
    g.b2(0, c) = diff / two_h_B;
  }
  return g;
}
