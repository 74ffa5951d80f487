// common/mnist.h: the MNIST handwritten digits, read from the IDX files `make data` fetches.
//
//   Mnist mnist = load_mnist();              // data/mnist/: 60,000 training, 10,000 test images
//   mnist.train.images;                      // (60000, 784), each pixel in [0, 1]
//   mnist.train.labels[0];                   // 5: the digit the first image shows
//   Matrix t = one_hot(mnist.train.labels);  // (60000, 10), a 1 in each label's column
//   std::cout << ascii_digit(mnist.train.images, 0);  // the first image, drawn in text
//
// N = number of images, D = rows · cols = 784 pixels, K = 10 classes.
//
// The IDX format (big-endian): a 4-byte magic number (2051 for images, 2049 for labels),
// one 4-byte count per dimension, then one unsigned byte per pixel or label, row after
// row. Any file that breaks it makes the readers throw data_error, whose message names
// the path and the problem.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/matrix.h"

// Images and their labels, in the same order.
struct Dataset {
  Matrix images;                    // (N, D), pixel = byte / 255.0, so in [0, 1]
  std::vector<std::size_t> labels;  // N labels, each in 0..9
  std::size_t image_rows = 28;      // rows · cols == images.cols()
  std::size_t image_cols = 28;
};

// Thrown for any bad data file. what() reads
//   "read_idx_images: data/mnist/train-images-idx3-ubyte: file is 1,234 bytes, header
//    promises 47,040,016. HINT: run make data"
class data_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An IDX images file (magic 2051) → (N, rows · cols), each pixel byte / 255.0.
// If image_rows / image_cols are given, they receive the image size from the header.
Matrix read_idx_images(const std::string& path, std::size_t* image_rows = nullptr,
                       std::size_t* image_cols = nullptr);

// An IDX labels file (magic 2049) → N labels, each checked to be in 0..9.
std::vector<std::size_t> read_idx_labels(const std::string& path);

// The same two readers on bytes already in memory: the whole IDX file, header and body.
// `name` stands for the path in messages ("parse_idx_images: name: ..."). The checks are
// the readers' own (the file checks aside), in the same order with the same messages.
Matrix parse_idx_images(std::string_view bytes, const std::string& name,
                        std::size_t* image_rows = nullptr, std::size_t* image_cols = nullptr);
std::vector<std::size_t> parse_idx_labels(std::string_view bytes, const std::string& name);

// An images file and its labels file; their counts must agree.
Dataset load_mnist_pair(const std::string& images_path, const std::string& labels_path);

struct Mnist {
  Dataset train;  // 60,000 images
  Dataset test;   // 10,000 images
};

// The four files under dir: train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte.
Mnist load_mnist(const std::string& dir = "data/mnist");

// N labels → (N, classes): row n is all 0 except a 1 in column labels[n].
// Throws std::invalid_argument if a label is ≥ classes.
Matrix one_hot(const std::vector<std::size_t>& labels, std::size_t classes = 10);

// Image `row` of images (N, rows · cols) drawn as text, one line per pixel row, each pixel
// one character from " .:-=+*#%@": blank for 0 (no ink), denser for more ink, '@' for 1.
// Throws std::invalid_argument if row ≥ N or rows · cols != images.cols().
std::string ascii_digit(const Matrix& images, std::size_t row, std::size_t rows = 28,
                        std::size_t cols = 28);
