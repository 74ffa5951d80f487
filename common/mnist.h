// common/mnist.h: the MNIST handwritten digits, read from the IDX files `make data` fetches.
//
//   Mnist mnist = load_mnist();                 // data/mnist/: 60,000 training, 10,000 test images
//   mnist.train.size();                         // 60000
//   mnist.train.labels[0];                      // 5: the digit the first image shows
//   Matrix x = mnist.train.images({0, 7, 7});   // (3, 784): images 0, 7, 7, pixels in [0, 1]
//   Matrix t = one_hot(mnist.train.labels);     // (60000, 10), a 1 in each label's column
//   std::cout << ascii_digit(x, 0);             // the first of them, drawn in text
//
// N = number of images, D = rows · cols = 784 pixels, K = 10 classes.
//
// A data set keeps its pixels as the file stores them, one byte each (0 … 255): 47 MB for
// the training set, where 60,000 × 784 doubles would be 376 MB, which only filling takes a
// second. images() turns the rows a computation asks for into doubles, byte / 255, the
// book's normalize=True: a batch, or a chunk of a set to evaluate.
//
// The IDX format (big-endian): a 4-byte magic number (2051 for images, 2049 for labels),
// one 4-byte count per dimension, then one unsigned byte per pixel or label, row after
// row. Any file that breaks it makes the readers throw data_error, whose message names
// the path and the problem.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/matrix.h"

// Images and their labels, in the same order.
struct Dataset {
  std::vector<std::uint8_t> pixels;  // N·D bytes: image n is pixels[n·D … (n+1)·D), row after row
  std::vector<std::size_t> labels;   // N labels, each in 0..9
  std::size_t image_rows = 28;       // D = image_rows · image_cols
  std::size_t image_cols = 28;

  // N, the number of images.
  std::size_t size() const { return labels.size(); }
  // D, the pixels of one image.
  std::size_t pixels_per_image() const { return image_rows * image_cols; }

  // The images `rows`, in that order (repeats repeated), as a (rows.size(), D) matrix with
  // x(k, p) = pixels of image rows[k], pixel p, / 255: the book's x_train[batch_mask].
  // Throws std::out_of_range naming the first index ≥ N, and std::invalid_argument if
  // pixels does not hold N·D bytes.
  Matrix images(const std::vector<std::size_t>& rows) const;
  // The images begin … end−1, the book's x_train[begin:end]. Throws std::out_of_range
  // unless begin ≤ end ≤ N.
  Matrix images(std::size_t begin, std::size_t end) const;
};

// Thrown for any bad data file. what() reads
//   "read_idx_images: data/mnist/train-images-idx3-ubyte: file is 1,234 bytes, header
//    promises 47,040,016. HINT: run make data"
class data_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An IDX images file's contents, as stored: count images of rows x cols pixels, one
// byte each, image after image.
struct IdxImages {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count · rows · cols bytes
};

// An IDX images file (magic 2051). The header is checked against the file's size before
// anything is allocated; then the body is read once, straight into pixels.
IdxImages read_idx_images(const std::string& path);

// An IDX labels file (magic 2049) → N labels, each checked to be in 0..9.
std::vector<std::size_t> read_idx_labels(const std::string& path);

// The same two readers on bytes already in memory: the whole IDX file, header and body.
// `name` stands for the path in messages ("parse_idx_images: name: ..."). The checks are
// the readers' own (the file checks aside), in the same order with the same messages.
IdxImages parse_idx_images(std::string_view bytes, const std::string& name);
std::vector<std::size_t> parse_idx_labels(std::string_view bytes, const std::string& name);

// An images file and its labels file; their counts must agree.
Dataset load_mnist_pair(const std::string& images_path, const std::string& labels_path);

struct Mnist {
  Dataset train;  // 60,000 images
  Dataset test;   // 10,000 images
};

// The four files under dir: train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte. The test images must have the training
// images' size (a net trained on 28x28 images cannot read others): data_error otherwise,
// naming both files.
Mnist load_mnist(const std::string& dir = "data/mnist");

// N labels → (N, classes): row n is all 0 except a 1 in column labels[n].
// Throws std::invalid_argument if a label is ≥ classes.
Matrix one_hot(const std::vector<std::size_t>& labels, std::size_t classes = 10);

// Image `row` of images (N, rows · cols) drawn as text, one line per pixel row, each pixel
// one character from " .:-=+*#%@": blank for 0 (no ink), denser for more ink, '@' for 1.
// Throws std::invalid_argument if row ≥ N or rows · cols != images.cols().
std::string ascii_digit(const Matrix& images, std::size_t row, std::size_t rows = 28,
                        std::size_t cols = 28);
