// chapters/07_learning_mnist/fast_given.cpp: the fast training loop and the fast numerical
// gradient. Given: contracts in fast.h, the story in the lesson ("Making it fast").
//
// train_fast: each step does what train does (solutions/07_learning_mnist/train.cpp, with
// chapter 6's predict, loss, accuracy and gradient), with the kernels of common/fast.h on
// buffers made once. Its numbers agree with train's up to rounding: exp is exp_in_place's,
// and x·W1 is summed in two halves (below).
//
// The pixels are split in two parts, the top and the bottom half of the image, and
//   x·W1 = Σ_{p in part 0} x(:,p)·W1(p,:) + Σ_{p in part 1} x(:,p)·W1(p,:)
// Each part's rows of W1 belong to one thread: it computes their gradient, steps them and
// uses them in the forward sums, so they never leave its core's cache. A step is two
// rounds of work:
//   1. pixels, one part per thread: ∂L/∂W1 = xᵀ·∂L/∂a1 on the part's rows and their step
//      (and, by part 0's thread, the small gradients of b1, W2, b2 and their steps);
//      then, with the new weights, the part's share of x·W1 for this batch (its loss)
//      and for the next batch (its gradient), whose pixels the thread copies in first
//   2. rows of the batch, shared out: the rest of the forward pass for the loss of this
//      batch, and the forward and backward pass of the next batch down to ∂L/∂a1
// So each step works on two batches: the next batch is drawn a step ahead (from a copy of
// the Rng, so that the caller's Rng still moves exactly as train moves it).
// The number of parts is fixed, not the number of threads, and every number is computed
// by one thread in an order that does not depend on how many there are; so neither does
// any result.
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
#include <utility>
#include <vector>

#include "chapters/01_numerical_diff/numerical_diff.h"
#include "chapters/05_loss_gradient/loss.h"
#include "chapters/07_learning_mnist/fast.h"
#include "common/fast.h"

namespace {

// ---------------------------------------------------------------------------------------
// The parameters, laid out for Lanes (fast.h), and the pixels in two parts.

// W2 is kept twice, in the layout each of its products walks: W2 (H,K) for z1·W2, one
// row of K scores per hidden unit, and its transpose W2t (K,H) for ∂L/∂a2·W2ᵀ, one row of
// H per class. Both take the same steps, so they always hold the same numbers.
struct FastParams {
  PaddedRows W1;   // (D,H)
  PaddedRows b1;   // (1,H)
  PaddedRows W2;   // (H,K)
  PaddedRows W2t;  // (K,H)
  PaddedRows b2;   // (1,K)
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

// Part t of the pixels is first_pixel(D, t) … first_pixel(D, t + 1) − 1: for MNIST, rows
// 0–13 of the image and rows 14–27, each with about half of the ink.
constexpr std::size_t kParts = 2;
std::size_t first_pixel(std::size_t D, std::size_t t) { return D * t / kParts; }

// A set's images without their zeros, one SparseRows per part of the pixels.
struct SplitSet {
  SparseRows part[kParts];
};

SplitSet split_set(const Matrix& images, Workers& workers) {
  SplitSet s;
  const std::size_t D = images.cols();
  for (std::size_t t = 0; t < kParts; ++t) {
    s.part[t] = sparse_columns(images, first_pixel(D, t), first_pixel(D, t + 1), workers);
  }
  return s;
}

// ---------------------------------------------------------------------------------------
// The forward pass.

// What a forward pass over n rows keeps: n = B for a batch, a chunk of a set.
struct Forward {
  SparseRows x[kParts];                     // (n,D)  the rows' pixels, part by part
  PaddedRows a1[kParts];                    // (n,H)  x·W1 over each part's pixels
  PaddedRows z1;                            // (n,H)  σ(a1[0] + a1[1] + b1)
  PaddedRows a2;                            // (n,K)  z1·W2 + b2, then y = softmax(a2) in place
  std::vector<std::size_t> cursor[kParts];  // the kernels' scratch, one per part
  Forward(std::size_t n, std::size_t h, std::size_t k) : z1(n, h), a2(n, k) {
    for (std::size_t t = 0; t < kParts; ++t) {
      a1[t] = PaddedRows(n, h);
      cursor[t].resize(n);
    }
  }
};

// Part t's share of x·W1, for all the rows: x[t] (n,D) · W1 (D,H) → a1[t] (n,H).
void part_sums(const FastParams& p, Forward& f, std::size_t t) {
  sparse_times_rows(f.x[t], p.W1, f.a1[t], 0, f.x[t].rows, f.cursor[t]);
}

// Rows begin..end of the scores a2 = σ(x·W1 + b1)·W2 + b2, chapter 6's predict before the
// softmax, from the parts' sums a1[t].
void scores_rows(const FastParams& p, Forward& f, std::size_t begin, std::size_t end) {
  const std::size_t H = p.W1.cols(), h_lanes = p.W1.stride() / kLanes;
  const std::size_t k_lanes = p.W2.stride() / kLanes;
  // σ(a1 + b1) = 1 / (1 + e^−(a1 + b1)): first −(a1 + b1), then e^ of all the rows at once
  static_assert(kParts == 2, "a1 = (top + bottom) + b1 below adds two parts");
  const Lanes* b1 = p.b1.lanes(0);
  for (std::size_t i = begin; i < end; ++i) {
    const Lanes* top = f.a1[0].lanes(i);
    const Lanes* bottom = f.a1[1].lanes(i);
    Lanes* z = f.z1.lanes(i);
    for (std::size_t l = 0; l < h_lanes; ++l) z[l] = -((top[l] + bottom[l]) + b1[l]);
  }
  exp_in_place(f.z1.row(begin), (end - begin) * p.W1.stride());
  for (std::size_t i = begin; i < end; ++i) {
    Lanes* z = f.z1.lanes(i);
    for (std::size_t l = 0; l < h_lanes; ++l) z[l] = 1.0 / (1.0 + z[l]);
    // The padding came out σ(0) = 0.5; set it back to 0, as ∂L/∂W2 below expects.
    std::fill(f.z1.row(i) + H, f.z1.row(i) + p.W1.stride(), 0.0);
  }
  // z1 (n,H) · W2 (H,K) + b2 → a2 (n,K)
  dense_times_rows(f.z1, p.W2, f.a2, begin, end);
  const Lanes* b2 = p.b2.lanes(0);
  for (std::size_t i = begin; i < end; ++i) {
    Lanes* a = f.a2.lanes(i);
    for (std::size_t l = 0; l < k_lanes; ++l) a[l] += b2[l];
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
// out of the set first: the chunk and its sums (~60 KB each) stay in the cache while one
// block of W1 after the other is used on them.
constexpr std::size_t kRowsPerChunk = 128;

// The class with the largest score, the first on ties. Softmax keeps the order of the
// scores (e^a grows with a, and all are divided by the same total), so this is also the
// class of largest probability, row_argmax(predict(x)), without computing the softmax.
std::size_t best_class(const PaddedRows& a2, std::size_t i) {
  const double* a = a2.row(i);
  return static_cast<std::size_t>(std::max_element(a, a + a2.cols()) - a);
}

// accuracy(): the fraction of rows whose best class is the label. The rows are shared out
// between the threads, each with a Forward of its own (`chunks`); each counts its own
// correct rows, and a count is a whole number, so the total is the same whatever the
// order of adding.
double accuracy(const FastParams& p, const SplitSet& set, const std::vector<std::size_t>& labels,
                std::vector<Forward>& chunks, Workers& workers) {
  const std::size_t n = set.part[0].rows;
  std::vector<std::size_t> correct(workers.count(), 0);
  workers.for_parts(n, [&](std::size_t part, std::size_t begin, std::size_t end) {
    Forward& f = chunks[part];
    for (std::size_t c0 = begin; c0 < end; c0 += kRowsPerChunk) {
      const std::size_t rows = std::min(c0 + kRowsPerChunk, end) - c0;
      for (std::size_t t = 0; t < kParts; ++t) {
        rows_into(set.part[t], c0, c0 + rows, f.x[t]);
        part_sums(p, f, t);
      }
      scores_rows(p, f, 0, rows);
      for (std::size_t i = 0; i < rows; ++i) correct[part] += best_class(f.a2, i) == labels[c0 + i];
    }
  });
  std::size_t total = 0;
  for (const std::size_t c : correct) total += c;
  return static_cast<double>(total) / static_cast<double>(n);
}

// ---------------------------------------------------------------------------------------
// The log, as train keeps it.

// Records each iteration's loss and each evaluation, calls the observer, and says when to
// evaluate and when to stop, exactly as train does.
class Recorder {
 public:
  Recorder(const TrainConfig& config, std::size_t per_epoch, const TrainObserver& observer)
      : config_(config), per_epoch_(per_epoch), observer_(observer) {
    log_.losses.reserve(config.iterations);
  }
  // Iteration i's loss. False if it is not finite: the run has diverged and stops.
  bool iteration(std::size_t i, double loss) {
    log_.losses.push_back(loss);
    if (observer_.on_iteration) observer_.on_iteration(i, loss);
    if (!std::isfinite(loss)) {
      log_.diverged = true;
      return false;
    }
    loss_sum_ += loss;
    ++loss_count_;
    return true;
  }
  // Every epoch, and after the last iteration: accuracy on both whole sets.
  bool evaluates_after(std::size_t i) const {
    return i % per_epoch_ == 0 || i == config_.iterations;
  }
  void evaluation(std::size_t i, double train_accuracy, double test_accuracy) {
    Evaluation e;
    e.iteration = i;
    e.mean_loss = loss_sum_ / static_cast<double>(loss_count_);
    e.train_accuracy = train_accuracy;
    e.test_accuracy = test_accuracy;
    loss_sum_ = 0.0;
    loss_count_ = 0;
    log_.evaluations.push_back(e);
    if (observer_.on_evaluation) observer_.on_evaluation(e);
  }
  TrainLog log() && { return std::move(log_); }

 private:
  const TrainConfig& config_;
  std::size_t per_epoch_;
  const TrainObserver& observer_;
  TrainLog log_;
  double loss_sum_ = 0.0;  // batch losses since the last evaluation
  std::size_t loss_count_ = 0;
};

// What the loops share: the sets split and the evaluation buffers.
struct Sets {
  SplitSet train_x, test_x;
  const std::vector<std::size_t>& train_labels;
  const std::vector<std::size_t>& test_labels;
  std::vector<Forward> chunks;  // one per thread
};

void evaluate(const FastParams& p, std::size_t i, Sets& sets, Workers& workers, Recorder& rec) {
  rec.evaluation(i, accuracy(p, sets.train_x, sets.train_labels, sets.chunks, workers),
                 accuracy(p, sets.test_x, sets.test_labels, sets.chunks, workers));
}

// ---------------------------------------------------------------------------------------
// Backprop steps.

// A batch and what the steps compute on it.
struct BatchWork {
  std::vector<std::size_t> indices;  // B: rows of the training set
  std::vector<std::size_t> labels;   // B
  Forward f;                         // (B,·): the forward pass, y in f.a2
  PaddedRows d_a2;                   // (B,K)  ∂L/∂a2
  PaddedRows d_a1;                   // (B,H)  ∂L/∂a1
  std::vector<double> loss_terms;    // B: log(y(b, label_b) + 1e-7)
  BatchWork(std::size_t B, std::size_t H, std::size_t K)
      : labels(B), f(B, H, K), d_a2(B, K), d_a1(B, H), loss_terms(B) {}
};

// The gradients, made once. W1's rows of part t are written by part t's thread only.
struct Gradients {
  PaddedRows W1, b1, W2t, b2;  // (D,H), (1,H), (K,H), (1,K)
  Gradients(std::size_t D, std::size_t H, std::size_t K)
      : W1(D, H), b1(1, H), W2t(K, H), b2(1, K) {}
};

// Rows begin..end of the backward pass, as TwoLayerNet::gradient computes them from the
// forward pass's y (in s.f.a2) and z1:
//   ∂L/∂a2 = r·(y − t) / B with r = y_t / (y_t + 1e-7)   (chapter 6)
//   ∂L/∂z1 = ∂L/∂a2 · W2ᵀ;  ∂L/∂a1 = ∂L/∂z1 ⊙ z1(1 − z1)
void backward_rows(const FastParams& p, BatchWork& s, std::size_t begin, std::size_t end) {
  const std::size_t K = p.W2.cols(), h_lanes = p.W1.stride() / kLanes;
  const double batch = static_cast<double>(s.labels.size());
  for (std::size_t b = begin; b < end; ++b) {
    const double* y = s.f.a2.row(b);
    double* d_a2 = s.d_a2.row(b);
    const std::size_t t = s.labels[b];
    const double r = y[t] / (y[t] + kLogDelta);
    for (std::size_t c = 0; c < K; ++c) d_a2[c] = (y[c] * r - (c == t ? r : 0.0)) / batch;
  }
  // ∂L/∂z1 = ∂L/∂a2 (n,K) · W2ᵀ (K,H), then ⊙ z1(1 − z1) (padding: 0·0 = 0)
  dense_times_rows(s.d_a2, p.W2t, s.d_a1, begin, end);
  for (std::size_t b = begin; b < end; ++b) {
    Lanes* d = s.d_a1.lanes(b);
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
void small_gradients_and_steps(FastParams& p, const BatchWork& s, Gradients& g, double lr) {
  const std::size_t B = s.labels.size(), K = p.W2.cols(), h_lanes = p.W1.stride() / kLanes;
  const std::size_t k_lanes = p.W2.stride() / kLanes;
  for (std::size_t c = 0; c < K; ++c) {
    Lanes* g_c = g.W2t.lanes(c);
    for (std::size_t l = 0; l < h_lanes; ++l) g_c[l] = Lanes{};
    for (std::size_t b = 0; b < B; ++b) {
      const double d = s.d_a2.row(b)[c];
      const Lanes* z = s.f.z1.lanes(b);
      for (std::size_t l = 0; l < h_lanes; ++l) g_c[l] += d * z[l];
    }
  }
  Lanes* g_b1 = g.b1.lanes(0);
  Lanes* g_b2 = g.b2.lanes(0);
  for (std::size_t l = 0; l < h_lanes; ++l) g_b1[l] = Lanes{};
  for (std::size_t l = 0; l < k_lanes; ++l) g_b2[l] = Lanes{};
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t l = 0; l < h_lanes; ++l) g_b1[l] += s.d_a1.lanes(b)[l];
    for (std::size_t l = 0; l < k_lanes; ++l) g_b2[l] += s.d_a2.lanes(b)[l];
  }
  step_rows(p.b1, g.b1, lr, 0, 1);
  step_rows(p.b2, g.b2, lr, 0, 1);
  step_rows(p.W2t, g.W2t, lr, 0, K);
  // The same steps on W2's other copy: W2(j,c) and W2t(c,j) stay equal.
  for (std::size_t j = 0; j < p.W2.rows(); ++j)
    for (std::size_t c = 0; c < K; ++c) p.W2.row(j)[c] -= lr * g.W2t.row(c)[j];
}

// Backprop, config.iterations steps (or until the loss is not finite).
void train_by_backprop(FastParams& p, Sets& sets, const TrainConfig& config, double lr, Rng& rng,
                       Workers& workers, Recorder& rec) {
  const std::size_t n = sets.train_x.part[0].rows, B = config.batch_size, D = p.W1.rows(),
                    H = p.W1.cols(), K = p.W2.cols();
  // The batches are drawn a step ahead of their step, from a copy of the Rng; the caller's
  // Rng draws each batch again in its step, so that it moves exactly as in train.
  Rng ahead = rng;
  BatchWork batches[2] = {BatchWork(B, H, K), BatchWork(B, H, K)};
  Gradients g(D, H, K);
  const auto draw = [&](BatchWork& next) {
    next.indices = choose_batch(ahead, n, B);
    if (next.indices.size() != B) {
      throw std::invalid_argument("train_fast: choose_batch gave " +
                                  std::to_string(next.indices.size()) + " indices, not " +
                                  std::to_string(B));
    }
    for (std::size_t b = 0; b < B; ++b) {
      if (next.indices[b] >= n) {
        throw std::out_of_range("train_fast: choose_batch gave index " +
                                std::to_string(next.indices[b]) + " for a set of " +
                                std::to_string(n) + " images");
      }
      next.labels[b] = sets.train_labels[next.indices[b]];
    }
  };
  // Part t of the next batch's pixels, copied in, and its share of x·W1.
  const auto next_sums = [&](BatchWork& next, std::size_t t) {
    gather_rows_into(sets.train_x.part[t], next.indices, next.f.x[t]);
    part_sums(p, next.f, t);
  };
  // Rows begin..end of the next batch: the rest of the forward pass and ∂L/∂a2, ∂L/∂a1.
  const auto next_rows = [&](BatchWork& next, std::size_t begin, std::size_t end) {
    scores_rows(p, next.f, begin, end);
    softmax_rows(next.f.a2, begin, end);
    backward_rows(p, next, begin, end);
  };

  // Before the first step: batch 1, its forward pass and ∂L/∂a1 with the initial weights.
  draw(batches[1]);
  workers.for_parts(kParts, [&](std::size_t, std::size_t t0, std::size_t t1) {
    for (std::size_t t = t0; t < t1; ++t) next_sums(batches[1], t);
  });
  workers.for_rows(B,
                   [&](std::size_t begin, std::size_t end) { next_rows(batches[1], begin, end); });

  for (std::size_t i = 1; i <= config.iterations; ++i) {
    BatchWork& batch = batches[i % 2];
    BatchWork& next = batches[(i + 1) % 2];
    const bool more = i < config.iterations;
    choose_batch(rng, n, B);  // the caller's Rng: the draws of train's step i
    if (more) draw(next);
    // Round 1, pixels. θ ← θ − lr·∇L: ∂L/∂W1 = xᵀ·∂L/∂a1 for the part's rows of W1 and
    // their step (part 0 also does b1, W2 and b2); then the part's share of x·W1 with the
    // new weights, for this batch and the next.
    workers.for_parts(kParts, [&](std::size_t, std::size_t t0, std::size_t t1) {
      for (std::size_t t = t0; t < t1; ++t) {
        const std::size_t begin = first_pixel(D, t), end = first_pixel(D, t + 1);
        // (the part's scratch cursor is free until part_sums below)
        sparse_transposed_times_rows(batch.f.x[t], batch.d_a1, g.W1, begin, end, batch.f.cursor[t]);
        step_rows(p.W1, g.W1, lr, begin, end);
        if (t == 0) small_gradients_and_steps(p, batch, g, lr);
        part_sums(p, batch.f, t);
        if (more) next_sums(next, t);
      }
    });
    // Round 2, rows: this batch's loss terms log(y_t + 1e-7) after the step; the next
    // batch's forward pass and ∂L/∂a1.
    workers.for_rows(B, [&](std::size_t begin, std::size_t end) {
      scores_rows(p, batch.f, begin, end);
      softmax_rows(batch.f.a2, begin, end);
      for (std::size_t b = begin; b < end; ++b) {
        batch.loss_terms[b] = std::log(batch.f.a2.row(b)[batch.labels[b]] + kLogDelta);
      }
      if (more) next_rows(next, begin, end);
    });
    // cross_entropy_error: −(1/B) Σ_b log(y(b, label_b) + 1e-7). The plain sum also adds
    // 0·log(…) = ±0 for every other class, which changes nothing.
    double sum = 0.0;
    for (std::size_t b = 0; b < B; ++b) sum += batch.loss_terms[b];
    if (!rec.iteration(i, -sum / static_cast<double>(B))) return;
    if (rec.evaluates_after(i)) evaluate(p, i, sets, workers, rec);
  }
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
  const std::size_t D = net.params.W1.rows(), H = net.params.W1.cols(), K = net.params.W2.cols();
  // train would fail at the first product (shapes) or make the one-hot targets (labels)
  // before any step; the same checks, made here before any thread starts.
  for (const Dataset* set : {&train_set, &test_set}) {
    if (set->images.cols() != D) {
      throw std::invalid_argument("train_fast: images " + set->images.shape() +
                                  " for a net whose W1 is " + net.params.W1.shape() +
                                  ": one row of W1 per pixel");
    }
    if (set->labels.size() != set->images.rows()) {
      throw std::invalid_argument("train_fast: " + set->images.shape() + " images but " +
                                  std::to_string(set->labels.size()) + " labels");
    }
    for (const std::size_t label : set->labels) {
      if (label >= K) {
        throw std::invalid_argument("train_fast: label " + std::to_string(label) +
                                    " of a net with " + std::to_string(K) + " classes");
      }
    }
  }
  const std::size_t per_epoch = config.iterations_per_epoch > 0
                                    ? config.iterations_per_epoch
                                    : std::max<std::size_t>(1, n / config.batch_size);
  const double lr = config.ascent ? -config.learning_rate : config.learning_rate;

  // Made once, before the loop: the sets without their zeros, the evaluation buffers.
  Workers workers(threads);
  Sets sets{split_set(train_set.images, workers), split_set(test_set.images, workers),
            train_set.labels, test_set.labels,
            std::vector<Forward>(workers.count(), Forward(kRowsPerChunk, H, K))};
  Recorder rec(config, per_epoch, observer);
  if (config.gradient == GradientMethod::numerical) {
    // numerical_gradient_fast on your batch (sample_batch), your sgd_step and chapter 6's
    // loss, as train does them; the fast accuracy at each evaluation.
    for (std::size_t i = 1; i <= config.iterations; ++i) {
      const Batch batch = sample_batch(train_set, choose_batch(rng, n, config.batch_size), K);
      sgd_step(net.params, numerical_gradient_fast(net, batch.x, batch.t), lr);
      if (!rec.iteration(i, net.loss(batch.x, batch.t))) break;
      if (rec.evaluates_after(i)) evaluate(fast_params(net.params), i, sets, workers, rec);
    }
    return std::move(rec).log();
  }
  // The weights in the fast layout; the net's own parameters get the trained values back
  // however the loop ends (an observer may throw).
  FastParams p = fast_params(net.params);
  struct WriteBack {
    const FastParams& from;
    TwoLayerParams& to;
    ~WriteBack() { write_back(from, to); }
  } write_back_at_end{p, net.params};
  train_by_backprop(p, sets, config, lr, rng, workers, rec);
  return std::move(rec).log();
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
