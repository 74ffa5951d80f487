// chapters/08_backpropagation/layers.h: backpropagation, one layer at a time.
//
// A layer is a small piece of a computation with two passes:
//   forward(in) → out     computes its output, and keeps (caches) what backward will need;
//   backward(dout) → din  turns dout = ∂L/∂out, the gradient arriving from the layers after
//                         it, into din = ∂L/∂in for the layers before it (the chain rule:
//                         ∂L/∂in = ∂L/∂out · ∂out/∂in, with ∂out/∂in this layer's own,
//                         local derivative). Affine also stores ∂L/∂W and ∂L/∂b.
// Call backward only after forward: it reads what forward cached.
//
// Exercises (layers.cpp): the forward and backward of MulLayer, AddLayer, Relu, Sigmoid,
// Affine and SoftmaxWithLoss.
//
// The book's names are kept (MulLayer, AddLayer, Relu, Sigmoid, Affine, SoftmaxWithLoss),
// and so are its cached fields (x, y, mask, out, dW, db, t), with one difference: our
// Relu::mask is 1 where the signal passes, the book's is True where it is blocked.
//
// Shapes: B = batch (one example per row), D = a layer's inputs, H = its outputs,
// K = classes.
#pragma once

#include "common/matrix.h"

// --- Layers on single numbers: the book's shopping example. -----------------------------

// The two gradients a two-input layer sends back: ∂L/∂x and ∂L/∂y (the book's
// `dx, dy = layer.backward(dout)`).
struct InputGradients {
  double dx = 0.0;
  double dy = 0.0;
};

// A multiplication node: out = x · y.
struct MulLayer {
  // out = x · y. Caches x and y: the derivative with respect to each input is the other.
  double forward(double x, double y);
  // ∂out/∂x = y and ∂out/∂y = x, so
  //   ∂L/∂x = dout · y,   ∂L/∂y = dout · x
  // The inputs swap places: the gradient reaching x is scaled by y, and the other way round.
  InputGradients backward(double dout) const;

  double x = 0.0;  // cached by forward
  double y = 0.0;  // cached by forward
};

// An addition node: out = x + y.
struct AddLayer {
  // out = x + y. Caches nothing: ∂out/∂x = ∂out/∂y = 1, whatever x and y are.
  double forward(double x, double y);
  // ∂L/∂x = dout · 1,   ∂L/∂y = dout · 1: the gradient goes on to both inputs unchanged.
  InputGradients backward(double dout) const;
};

// --- Layers on matrices: the network's. ---------------------------------------------------

// The rectified linear unit of every entry: out = max(0, x).
struct Relu {
  // out(i,j) = x(i,j) if x(i,j) > 0, else +0 (as the book's out[x <= 0] = 0 writes it; so
  // −inf gives +0 too). Caches mask: where the signal passed.
  Matrix forward(const Matrix& x);
  // ∂out/∂x is 1 where x > 0 and 0 where x ≤ 0 (at x = 0 we take 0, as the book does), so
  //   ∂L/∂x = dout ⊙ mask      (⊙: entry by entry)
  // The gradient flows back through exactly the entries that were let through forward.
  // A dout of another shape than the cached mask throws std::invalid_argument (hadamard
  // names both shapes).
  Matrix backward(const Matrix& dout) const;

  Matrix mask;  // (like x): 1 where x > 0, 0 where x ≤ 0. Cached by forward.
};

// The logistic sigmoid of every entry, lesson 06's sigmoid as a layer.
struct Sigmoid {
  // out = σ(x) = 1 / (1 + exp(−x)). Caches out: the derivative needs nothing else.
  Matrix forward(const Matrix& x);
  // σ'(x) = σ(x)·(1 − σ(x)) = out·(1 − out), from the cached output alone, so
  //   ∂L/∂x = dout ⊙ out ⊙ (1 − out)
  // A dout of another shape than the cached out throws std::invalid_argument (hadamard
  // names both shapes).
  Matrix backward(const Matrix& dout) const;

  Matrix out;  // (like x): σ(x). Cached by forward.
};

// The affine layer of a batch: out = x·W + b, the same W and b for every example.
struct Affine {
  // Binds the layer to its parameters W (D,H) and b (1,H). It keeps references to them,
  // not copies (the book's layer shares the net's arrays the same way): the net's params
  // stay the one place the weights live, so an update there is what forward uses next.
  // W and b must therefore outlive the layer, and temporaries are refused.
  Affine(const Matrix& W, const Matrix& b) : W(W), b(b) {}
  Affine(Matrix&&, const Matrix&) = delete;
  Affine(const Matrix&, Matrix&&) = delete;
  Affine(Matrix&&, Matrix&&) = delete;

  // out = x · W + b    x (B,D) · W (D,H) + b (1,H) → (B,H), b added to every row.
  // Caches x: ∂out/∂W needs it. An x without D columns throws std::invalid_argument from
  // the product (its message, "matmul: ...", names both shapes).
  Matrix forward(const Matrix& x);
  // With dout = ∂L/∂out (B,H):
  //   ∂L/∂x = dout · Wᵀ         (B,H)·(H,D) → (B,D)   returned
  //   ∂L/∂W = xᵀ · dout         (D,B)·(B,H) → (D,H)   stored in dW
  //   ∂L/∂b = Σ_i dout(i, :)    (1,H), a sum down the batch   stored in db
  // b is added to every one of the B rows, so each row's gradient reaches it: they add up.
  // A dout that is not (B,H) throws std::invalid_argument from a product (its message,
  // "matmul: ...", names both shapes).
  Matrix backward(const Matrix& dout);

  const Matrix& W;  // (D,H)
  const Matrix& b;  // (1,H)
  Matrix x;         // (B,D), cached by forward
  Matrix dW;        // (D,H), ∂L/∂W, set by backward
  Matrix db;        // (1,H), ∂L/∂b, set by backward
};

// Softmax followed by the cross-entropy loss: the network's last layer.
struct SoftmaxWithLoss {
  // Scores x (B,K) and one-hot labels t (B,K) → the mean loss over the batch:
  //   y = softmax(x),   L = cross_entropy_error(y, t)
  // (lesson 05's two functions; loss.h has their formulas). Caches y and t.
  // Throws what those throw: a t that is not (B,K), or B = 0, gives cross_entropy_error's
  // message.
  double forward(const Matrix& x, const Matrix& t);
  // The two derivatives together collapse to the prediction minus the truth, averaged over
  // the batch like the loss (the book's SoftmaxWithLoss.backward):
  //   ∂L/∂x = dout · (y − t) / B     (B,K)
  // dout = ∂(final output)/∂L is 1 when L is the final output, as it always is here.
  // (This is the derivative of the loss without the 1e-7 inside its log, as in the book;
  // the lesson's "going deeper" shows the factor the 1e-7 adds, and what it changes.)
  Matrix backward(double dout = 1.0) const;

  Matrix y;  // (B,K): softmax(x), cached by forward
  Matrix t;  // (B,K): the one-hot labels, cached by forward
};
