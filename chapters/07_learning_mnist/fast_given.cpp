// chapters/07_learning_mnist/fast_given.cpp: the fast training loop and the fast numerical
// gradient. Given: contracts in fast.h, the story in the lesson ("Making it fast").
//
// train_fast: each step does what train does (solutions/07_learning_mnist/train.cpp, with
// chapter 6's predict, loss, accuracy and gradient), with the kernels of common/fast.h on
// buffers made once. The two big products add their terms in the plain order; exp is
// exp_in_place's and a few short sums are added in another order, so the numbers agree
// with train's up to rounding.
//
// A step is three rounds of work shared out between the threads, with almost nothing
// done by one thread alone in between:
//   1. rows of the batch: copy them out of the set, forward pass, ∂L/∂a2 and ∂L/∂a1
//   2. pixels: ∂L/∂W1 = xᵀ·∂L/∂a1 and the step of those rows of W1
//      (and, by the first thread, the small gradients of b1, W2, b2 and their steps)
//   3. rows of the batch: the forward pass with the new weights, for the loss
// Every number is computed by one thread, in an order that does not depend on how many
// threads there are, so neither does any result.
//
// numerical_gradient_fast: the forward pass once, then for each nudged parameter only the
// loss terms the nudge changes (see the second half of this file).
//
// N = images in a set, B = batch, D = 784 pixels, H = hidden units, K = classes.
//   x (B,D) · W1 (D,H) + b1 → a1 (B,H) → σ → z1 (B,H) · W2 (H,K) + b2 → a2 (B,K) → softmax → y
//   L = (1/B) Σ_i ℓ(i),   ℓ(i) = −Σ_k t(i,k) · log(y(i,k) + 1e-7)
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/01_numerical_diff/numerical_diff.h"
#include "chapters/05_loss_gradient/loss.h"
#include "chapters/07_learning_mnist/fast.h"
#include "common/fast.h"

namespace {

// ---------------------------------------------------------------------------------------
// The parameters, laid out for Lanes (fast.h).

// W2 is kept twice, in the layout each of its products walks: W2 (H,K) for z1·W2, one
// row of K scores per hidden unit, and its transpose W2t (K,H) for ∂L/∂a2·W2ᵀ, one row of
// H per class. Both take the same steps, so they always hold the same numbers.
struct FastParams {
  PaddedRows W1;           // (D,H)
  PaddedRows b1;           // (1,H)
  PaddedRows W2;           // (H,K)
  PaddedRows W2t;          // (K,H)
  PaddedRows b2;           // (1,K)
};

FastParams fast_params(const TwoLayerParams& p) {
  return {PaddedRows::from_matrix(p.W1), PaddedRows::from_matrix(p.b1),
          PaddedRows::from_matrix(p.W2), PaddedRows::from_matrix(transpose(p.W2)),
          PaddedRows::from_matrix(p.b2)};
}

void write_back(const FastParams& f, TwoLayerParams& p) {
  p.W1 = f.W1.matrix();
  p.b1 = f.b1.matrix();
  p.W2 = f.W2.matrix();
  p.b2 = f.b2.matrix();
}

// ---------------------------------------------------------------------------------------
// The forward pass.

// What a forward pass over n rows keeps: n = B for the batch, a chunk of a set.
struct Forward {
  PaddedRows z1;                    // (n,H)  x·W1 + b1, then σ in place
  PaddedRows a2;                    // (n,K)  z1·W2 + b2
  std::vector<std::size_t> cursor;  // n: sparse_times_rows's scratch
  Forward(std::size_t n, std::size_t h, std::size_t k) : z1(n, h), a2(n, k), cursor(n) {}
};

// Rows begin..end of the scores a2 = σ(x·W1 + b1)·W2 + b2, chapter 6's predict before the
// softmax.
void scores_rows(const FastParams& p, const SparseRows& x, Forward& f, std::size_t begin,
                 std::size_t end) {
  const std::size_t H = p.W1.cols(), h_lanes = p.W1.stride() / kLanes;
  const std::size_t k_lanes = p.W2.stride() / kLanes;
  // x (n,D) · W1 (D,H) → a1 (n,H), zero pixels skipped
  sparse_times_rows(x, p.W1, f.z1, begin, end, f.cursor);
  // σ(a1 + b1) = 1 / (1 + e^−(a1 + b1)): first −(a1 + b1), then e^ of all the rows at once
  const Lanes* b1 = p.b1.lanes(0);
  for (std::size_t i = begin; i < end; ++i) {
    Lanes* z = f.z1.lanes(i);
    for (std::size_t l = 0; l < h_lanes; ++l) z[l] = -(z[l] + b1[l]);
  }
  exp_in_place(f.z1.row(begin), (end - begin) * p.W1.stride());
  for (std::size_t i = begin; i < end; ++i) {
    Lanes* z = f.z1.lanes(i);
    for (std::size_t l = 0; l < h_lanes; ++l) z[l] = 1.0 / (1.0 + z[l]);
    // The padding came out σ(0) = 0.5; set it back to 0, as ∂L/∂W2 below expects.
    std::fill(f.z1.row(i) + H, f.z1.row(i) + p.W1.stride(), 0.0);
    // z1 (1,H) · W2 (H,K) + b2 → a2 (1,K): the scores of all classes side by side in Lanes,
    // b2 + Σ_j z1(i,j)·W2(j,:), j = 0, 1, 2, … (starting from b2: another rounding)
    Lanes* a = f.a2.lanes(i);
    for (std::size_t l = 0; l < k_lanes; ++l) a[l] = p.b2.lanes(0)[l];
    const double* z1 = f.z1.row(i);
    for (std::size_t j = 0; j < H; ++j) {
      const Lanes* w = p.W2.lanes(j);
      for (std::size_t l = 0; l < k_lanes; ++l) a[l] += z1[j] * w[l];
    }
  }
}

// Rows begin..end of y = softmax(a2) = exp(a2 − max) / Σ exp(a2 − max), as chapter 5
// computes it, written over a2's K scores. exp runs over the whole padded rows, which
// vectorizes; the padding is set to 0 first and comes out e^0 = 1, which nothing reads.
void softmax_rows(PaddedRows& a2, std::size_t begin, std::size_t end) {
  const std::size_t K = a2.cols(), stride = a2.stride();
  for (std::size_t i = begin; i < end; ++i) {
    double* a = a2.row(i);
    const double m = *std::max_element(a, a + K);
    for (std::size_t c = 0; c < K; ++c) a[c] -= m;
    std::fill(a + K, a + stride, 0.0);
  }
  exp_in_place(a2.row(begin), (end - begin) * stride);
  for (std::size_t i = begin; i < end; ++i) {
    double* a = a2.row(i);
    double total = 0.0;
    for (std::size_t c = 0; c < K; ++c) total += a[c];
    for (std::size_t c = 0; c < K; ++c) a[c] /= total;
  }
}

// ---------------------------------------------------------------------------------------
// Accuracy on a whole set.

// A whole set goes through the forward pass this many rows at a time, each chunk copied
// out of the set first: the chunk and its z1 rows (~60 KB each) stay in the cache while
// one block of W1 after the other is used on them.
constexpr std::size_t kRowsPerChunk = 128;

// What one thread needs to evaluate chunks: made once, used at every evaluation.
struct Chunk {
  SparseRows x;
  Forward f;
  Chunk(std::size_t h, std::size_t k) : f(kRowsPerChunk, h, k) {}
};

// The class with the largest score, the first on ties. Softmax keeps the order of the
// scores (e^a grows with a, and all are divided by the same total), so this is also the
// class of largest probability, row_argmax(predict(x)), without computing the softmax.
std::size_t best_class(const PaddedRows& a2, std::size_t i) {
  const double* a = a2.row(i);
  return static_cast<std::size_t>(std::max_element(a, a + a2.cols()) - a);
}

// accuracy(): the fraction of rows whose best class is the label. The rows are shared out
// between the threads; each counts its own correct rows, and a count is a whole number,
// so the total is the same whatever the order of adding.
double accuracy(const FastParams& p, const SparseRows& x, const std::vector<std::size_t>& labels,
                std::vector<Chunk>& chunks, Workers& workers) {
  std::vector<std::size_t> correct(workers.count(), 0);
  workers.for_parts(x.rows, [&](std::size_t part, std::size_t begin, std::size_t end) {
    Chunk& chunk = chunks[part];
    for (std::size_t c0 = begin; c0 < end; c0 += kRowsPerChunk) {
      const std::size_t rows = std::min(c0 + kRowsPerChunk, end) - c0;
      rows_into(x, c0, c0 + rows, chunk.x);
      scores_rows(p, chunk.x, chunk.f, 0, rows);
      for (std::size_t i = 0; i < rows; ++i) correct[part] += best_class(chunk.f.a2, i) == labels[c0 + i];
    }
  });
  std::size_t total = 0;
  for (const std::size_t c : correct) total += c;
  return static_cast<double>(total) / static_cast<double>(x.rows);
}

// ---------------------------------------------------------------------------------------
// A training step.

// Everything a step writes, made once.
struct Step {
  SparseRows x;                   // (B,D)  the batch
  std::vector<std::size_t> labels;  // B
  Forward f;                      // (B,H), (B,K): a2, then y = softmax(a2)
  PaddedRows d_a2;                // (B,K)  ∂L/∂a2
  PaddedRows d_a1;                // (B,H)  ∂L/∂a1
  PaddedRows g_W1, g_b1, g_W2t, g_b2;  // (D,H), (1,H), (K,H), (1,K)
  std::vector<double> loss_terms;     // B: log(y(b, label_b) + 1e-7)
  std::vector<std::vector<std::size_t>> cursors;  // one per thread: xᵀ·∂L/∂a1's scratch
  Step(std::size_t B, std::size_t D, std::size_t H, std::size_t K, std::size_t threads)
      : labels(B), f(B, H, K), d_a2(B, K), d_a1(B, H), g_W1(D, H), g_b1(1, H), g_W2t(K, H),
        g_b2(1, K), loss_terms(B), cursors(threads, std::vector<std::size_t>(B)) {}
};

// Rows begin..end of the backward pass, as TwoLayerNet::gradient computes them from the
// forward pass's y (in s.f.a2) and z1:
//   ∂L/∂a2 = r·(y − t) / B with r = y_t / (y_t + 1e-7)   (chapter 6)
//   ∂L/∂z1 = ∂L/∂a2 · W2ᵀ;  ∂L/∂a1 = ∂L/∂z1 ⊙ z1(1 − z1)
void backward_rows(const FastParams& p, Step& s, std::size_t begin, std::size_t end) {
  const std::size_t K = p.W2.cols(), h_lanes = p.W1.stride() / kLanes;
  const double batch = static_cast<double>(s.x.rows);
  for (std::size_t b = begin; b < end; ++b) {
    const double* y = s.f.a2.row(b);
    double* d_a2 = s.d_a2.row(b);
    const std::size_t t = s.labels[b];
    const double r = y[t] / (y[t] + kLogDelta);
    for (std::size_t c = 0; c < K; ++c) d_a2[c] = (y[c] * r - (c == t ? r : 0.0)) / batch;
    // ∂L/∂z1(b,:) = Σ_c ∂L/∂a2(b,c)·W2ᵀ(c,:), then ⊙ z1(1 − z1) (padding: 0·0 = 0)
    Lanes* d = s.d_a1.lanes(b);
    for (std::size_t l = 0; l < h_lanes; ++l) d[l] = Lanes{};
    for (std::size_t c = 0; c < K; ++c) {
      const Lanes* w = p.W2t.lanes(c);
      for (std::size_t l = 0; l < h_lanes; ++l) d[l] += d_a2[c] * w[l];
    }
    const Lanes* z = s.f.z1.lanes(b);
    for (std::size_t l = 0; l < h_lanes; ++l) d[l] *= z[l] * (1.0 - z[l]);
  }
}

// θ ← θ − lr·∇θ on rows begin..end of a padded table (the padding stays 0 − lr·0 = 0).
void step_rows(PaddedRows& theta, const PaddedRows& grad, double lr, std::size_t begin,
               std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) {
    Lanes* t = theta.lanes(i);
    const Lanes* g = grad.lanes(i);
    for (std::size_t l = 0; l < theta.stride() / kLanes; ++l) t[l] -= lr * g[l];
  }
}

// The small gradients, summed over the batch's rows b = 0, 1, 2, …, and their steps:
//   ∂L/∂W2 = z1ᵀ · ∂L/∂a2 (here transposed: ∂L/∂W2ᵀ(c,:) = Σ_b ∂L/∂a2(b,c)·z1(b,:)),
//   ∂L/∂b1 = Σ_b ∂L/∂a1(b,:),  ∂L/∂b2 = Σ_b ∂L/∂a2(b,:)
void small_gradients_and_steps(FastParams& p, Step& s, double lr) {
  const std::size_t B = s.x.rows, K = p.W2.cols(), h_lanes = p.W1.stride() / kLanes;
  const std::size_t k_lanes = p.W2.stride() / kLanes;
  for (std::size_t c = 0; c < K; ++c) {
    Lanes* g = s.g_W2t.lanes(c);
    for (std::size_t l = 0; l < h_lanes; ++l) g[l] = Lanes{};
    for (std::size_t b = 0; b < B; ++b) {
      const double d = s.d_a2.row(b)[c];
      const Lanes* z = s.f.z1.lanes(b);
      for (std::size_t l = 0; l < h_lanes; ++l) g[l] += d * z[l];
    }
  }
  Lanes* g_b1 = s.g_b1.lanes(0);
  Lanes* g_b2 = s.g_b2.lanes(0);
  for (std::size_t l = 0; l < h_lanes; ++l) g_b1[l] = Lanes{};
  for (std::size_t l = 0; l < k_lanes; ++l) g_b2[l] = Lanes{};
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t l = 0; l < h_lanes; ++l) g_b1[l] += s.d_a1.lanes(b)[l];
    for (std::size_t l = 0; l < k_lanes; ++l) g_b2[l] += s.d_a2.lanes(b)[l];
  }
  step_rows(p.b1, s.g_b1, lr, 0, 1);
  step_rows(p.b2, s.g_b2, lr, 0, 1);
  step_rows(p.W2t, s.g_W2t, lr, 0, K);
  // The same steps on W2's other copy: W2(j,c) and W2t(c,j) stay equal.
  for (std::size_t j = 0; j < p.W2.rows(); ++j)
    for (std::size_t c = 0; c < K; ++c) p.W2.row(j)[c] -= lr * s.g_W2t.row(c)[j];
}

}  // namespace

TrainLog train_fast(TwoLayerNet& net, const Dataset& train_set, const Dataset& test_set,
                    const TrainConfig& config, Rng& rng, const TrainObserver& observer,
                    std::size_t threads) {
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
  if (threads == 0) throw std::invalid_argument("train_fast: threads must be at least 1");
  const std::size_t per_epoch = config.iterations_per_epoch > 0
                                    ? config.iterations_per_epoch
                                    : std::max<std::size_t>(1, n / config.batch_size);
  const double lr = config.ascent ? -config.learning_rate : config.learning_rate;
  const std::size_t B = config.batch_size, D = net.params.W1.rows(), H = net.params.W1.cols(),
                    K = net.params.W2.cols();

  // Made once, before the loop: the sets without their zeros, the weights in the fast
  // layout, and every buffer.
  Workers workers(threads);
  const SparseRows train_x = sparse_rows(train_set.images, workers);
  const SparseRows test_x = sparse_rows(test_set.images, workers);
  FastParams p = fast_params(net.params);
  Step s(B, D, H, K, workers.count());
  std::vector<Chunk> chunks(workers.count(), Chunk(H, K));
  const bool numerical = config.gradient == GradientMethod::numerical;

  // The net's own parameters get the trained values back however the loop ends (an
  // observer may throw).
  struct WriteBack {
    const FastParams& from;
    TwoLayerParams& to;
    ~WriteBack() { write_back(from, to); }
  } write_back_at_end{p, net.params};

  TrainLog log;
  log.losses.reserve(config.iterations);
  double loss_sum = 0.0;
  std::size_t loss_count = 0;
  for (std::size_t i = 1; i <= config.iterations; ++i) {
    // 1. The same draws as sample_batch(train_set, choose_batch(rng, n, B)).
    const std::vector<std::size_t> indices = choose_batch(rng, n, B);
    for (std::size_t b = 0; b < B; ++b) {
      if (train_set.labels[indices[b]] >= K) throw std::invalid_argument("train_fast: bad label");
      s.labels[b] = train_set.labels[indices[b]];
    }
    start_gather(train_x, indices, s.x);
    if (numerical) {
      // 2–3. numerical_gradient_fast on the dense batch (x and its one-hot t), then your
      //      sgd_step; the parameters go back and forth, a small cost beside the gradient's.
      gather_rows(train_x, indices, s.x, 0, B);
      Matrix t(B, K);
      for (std::size_t b = 0; b < B; ++b) t(b, s.labels[b]) = 1.0;
      write_back(p, net.params);
      sgd_step(net.params, numerical_gradient_fast(net, dense(s.x), t), lr);
      p = fast_params(net.params);
    } else {
      // 2. Backprop, as TwoLayerNet::gradient computes it. Round 1, rows of the batch:
      //    copy them in, forward pass, ∂L/∂a2 and ∂L/∂a1.
      workers.for_rows(B, [&](std::size_t begin, std::size_t end) {
        gather_rows(train_x, indices, s.x, begin, end);
        scores_rows(p, s.x, s.f, begin, end);
        softmax_rows(s.f.a2, begin, end);
        backward_rows(p, s, begin, end);
      });
      // 3. θ ← θ − lr·∇L. Round 2, pixels: ∂L/∂W1 = xᵀ·∂L/∂a1 for each thread's rows of
      //    W1, then their step; the first thread also does b1, W2 and b2.
      workers.for_parts(D, [&](std::size_t part, std::size_t begin, std::size_t end) {
        sparse_transposed_times_rows(s.x, s.d_a1, s.g_W1, begin, end, s.cursors[part]);
        step_rows(p.W1, s.g_W1, lr, begin, end);
        if (part == 0) small_gradients_and_steps(p, s, lr);
      });
    }
    // 4. The loss on the same batch after the step. Round 3, rows of the batch: the
    //    forward pass and each row's log(y_t + 1e-7); then their sum in order.
    workers.for_rows(B, [&](std::size_t begin, std::size_t end) {
      scores_rows(p, s.x, s.f, begin, end);
      softmax_rows(s.f.a2, begin, end);
      for (std::size_t b = begin; b < end; ++b) {
        s.loss_terms[b] = std::log(s.f.a2.row(b)[s.labels[b]] + kLogDelta);
      }
    });
    // cross_entropy_error: −(1/B) Σ_b log(y(b, label_b) + 1e-7). The plain sum also adds
    // 0·log(…) = ±0 for every other class, which changes nothing.
    double sum = 0.0;
    for (std::size_t b = 0; b < B; ++b) sum += s.loss_terms[b];
    const double loss = -sum / static_cast<double>(B);
    log.losses.push_back(loss);
    if (observer.on_iteration) observer.on_iteration(i, loss);
    if (!std::isfinite(loss)) {
      log.diverged = true;
      break;
    }
    loss_sum += loss;
    ++loss_count;
    // 5. Every epoch, and after the last iteration: accuracy on both whole sets.
    if (i % per_epoch == 0 || i == config.iterations) {
      Evaluation e;
      e.iteration = i;
      e.mean_loss = loss_sum / static_cast<double>(loss_count);
      loss_sum = 0.0;
      loss_count = 0;
      e.train_accuracy = accuracy(p, train_x, train_set.labels, chunks, workers);
      e.test_accuracy = accuracy(p, test_x, test_set.labels, chunks, workers);
      log.evaluations.push_back(e);
      if (observer.on_evaluation) observer.on_evaluation(e);
    }
  }
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
