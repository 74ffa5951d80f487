// common/mnist.cpp: the IDX reader behind load_mnist, one_hot and the ASCII renderer.
//
// Every reader follows the same order, so each kind of broken file gets its own message:
// the path exists and is a file → it opens → it holds a whole header → the magic number
// is the expected one → each dimension is nonzero and plausible → the file's size is
// exactly header + body → only then is the body read. Nothing is allocated from the
// header's numbers until they agree with the size of the file on disk.
// parse_idx_* run the same checks from "whole header" on, on bytes already in memory
// (the fuzzer's way in: tests/fuzz/idx_fuzzer.cpp); read_idx_* add the file checks.
#include "common/mnist.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string_view>
#include <system_error>
#include <utility>

namespace fs = std::filesystem;

namespace {

// The magic number's bytes: 0, 0, 0x08 (unsigned bytes), number of dimensions.
constexpr std::uint32_t kImagesMagic = 0x00000803;  // 2051: count, rows, cols
constexpr std::uint32_t kLabelsMagic = 0x00000801;  // 2049: count
constexpr std::size_t kImagesHeaderBytes = 16;      // magic + 3 dimensions, 4 bytes each
constexpr std::size_t kLabelsHeaderBytes = 8;       // magic + 1 dimension
// No IDX image set has images thousands of pixels on a side; a larger number is a
// corrupt header, and bounding it keeps every later product far from overflowing.
constexpr std::uint64_t kMaxImageSide = 4096;
constexpr std::size_t kDigitClasses = 10;  // labels are the digits 0..9
constexpr double kMaxPixelByte = 255.0;    // pixel value = byte / 255
constexpr const char* kDataHint = "HINT: run make data";

// 47040016 → "47,040,016".
std::string with_commas(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    // A comma before every group of three digits counted from the right.
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// 2051 → "0x00000803".
std::string hex32(std::uint32_t n) {
  static const char kHexDigits[] = "0123456789ABCDEF";
  std::string out = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) out += kHexDigits[(n >> shift) & 0xF];
  return out;
}

// Throws "function: path: problem. HINT: run make data".
[[noreturn]] void fail(const char* function, const std::string& path, const std::string& problem) {
  throw data_error(std::string(function) + ": " + path + ": " + problem + ". " + kDataHint);
}

// a · b, or false when the product does not fit in 64 bits.
bool multiply(std::uint64_t a, std::uint64_t b, std::uint64_t* product) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) return false;
  *product = a * b;
  return true;
}

// Four bytes, most significant first (IDX is big-endian on every machine).
std::uint32_t big_endian_u32(std::string_view bytes, std::size_t offset) {
  std::uint32_t value = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    value = (value << 8) | static_cast<unsigned char>(bytes[offset + k]);
  }
  return value;
}

// What an IDX file of one kind looks like, for checks and messages.
struct IdxKind {
  const char* function;                  // "read_idx_images", for the message
  const char* noun;                      // "images file"
  std::uint32_t magic;                   // expected magic number
  std::uint32_t other_magic;             // the other kind's, to recognise a mix-up
  const char* other_noun;                // "a labels file", with its article
  std::size_t header_bytes;              // 4 + 4 · number of dimensions
  std::vector<const char*> dimensions;   // names of the dimensions, in header order
  std::vector<std::uint64_t> max_value;  // plausible upper bound of each dimension
};

const IdxKind& images_kind() {
  static const IdxKind kind{
      "read_idx_images",
      "images file",
      kImagesMagic,
      kLabelsMagic,
      "a labels file",
      kImagesHeaderBytes,
      {"image count", "rows per image", "columns per image"},
      {std::numeric_limits<std::uint32_t>::max(), kMaxImageSide, kMaxImageSide}};
  return kind;
}

const IdxKind& labels_kind() {
  static const IdxKind kind{"read_idx_labels", "labels file",
                            kLabelsMagic,      kImagesMagic,
                            "an images file",  kLabelsHeaderBytes,
                            {"label count"},   {std::numeric_limits<std::uint32_t>::max()}};
  return kind;
}

// Checks an IDX header against the size of the whole file (header + body), in order:
// whole header → magic number → each dimension nonzero and plausible → size exactly
// header + body. Returns the dimensions. `header` holds the file's first bytes, at most
// kind.header_bytes; `fn` and `name` open every message.
std::vector<std::uint64_t> check_header(const char* fn, const std::string& name,
                                        const IdxKind& kind, std::string_view header,
                                        std::uint64_t file_size) {
  if (file_size < kind.header_bytes || header.size() < kind.header_bytes) {
    fail(fn, name,
         "file is " + with_commas(file_size) + " bytes, too short for the " +
             std::to_string(kind.header_bytes) + "-byte header of an IDX " + kind.noun);
  }

  const std::uint32_t magic = big_endian_u32(header, 0);
  if (magic != kind.magic) {
    std::string problem = "magic number is " + std::to_string(magic) + " (" + hex32(magic) +
                          "), expected " + std::to_string(kind.magic) + " (" + hex32(kind.magic) +
                          ") for an IDX " + kind.noun;
    if (magic == kind.other_magic) {
      problem += std::string(": this looks like ") + kind.other_noun;
    } else if ((magic >> 16) == 0x1F8B) {
      // 1f 8b opens every gzip stream: the .gz was saved without unpacking it.
      problem += ": this looks like a gzip file; unpack it with gunzip";
    }
    fail(fn, name, problem);
  }

  std::vector<std::uint64_t> dims;
  // The header's promise: header bytes + the product of all dimensions (one byte each).
  std::uint64_t promised = 1;
  for (std::size_t d = 0; d < kind.dimensions.size(); ++d) {
    const std::uint64_t value = big_endian_u32(header, 4 + 4 * d);
    if (value == 0) fail(fn, name, std::string(kind.dimensions[d]) + " is 0");
    if (value > kind.max_value[d]) {
      fail(fn, name,
           std::string(kind.dimensions[d]) + " is " + with_commas(value) +
               ", which no real data set has (at most " + with_commas(kind.max_value[d]) + ")");
    }
    if (!multiply(promised, value, &promised)) {
      fail(fn, name, "dimensions are absurd: their product does not fit in 64 bits");
    }
    dims.push_back(value);
  }
  if (promised > std::numeric_limits<std::uint64_t>::max() - kind.header_bytes) {
    fail(fn, name, "dimensions are absurd: header plus body does not fit in 64 bits");
  }
  promised += kind.header_bytes;

  if (file_size != promised) {
    fail(fn, name,
         "file is " + with_commas(file_size) + " bytes, header promises " + with_commas(promised));
  }
  return dims;
}

// A checked header's dimensions and its body (N · rows · cols bytes) as IdxImages.
IdxImages make_images(const std::vector<std::uint64_t>& dims, std::vector<std::uint8_t> body) {
  IdxImages images;
  images.count = dims[0];
  images.rows = dims[1];
  images.cols = dims[2];
  images.pixels = std::move(body);
  return images;
}

// A checked body (N bytes) → N labels, each checked to be a digit.
std::vector<std::size_t> decode_labels(const char* fn, const std::string& name,
                                       const std::uint8_t* body, std::size_t size) {
  std::vector<std::size_t> labels(size);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::size_t label = body[i];
    if (label >= kDigitClasses) {
      fail(fn, name,
           "label at index " + with_commas(i) + " is " + std::to_string(label) +
               ", outside the digits 0..9");
    }
    labels[i] = label;
  }
  return labels;
}

// A checked IDX file: its dimensions and its body, one byte per pixel or label.
struct IdxContents {
  std::vector<std::uint64_t> dims;
  std::vector<std::uint8_t> body;
};

// The file checks (exists, is a file, opens, has a size), then the header's checks against
// that size, and only then the body is read: nothing is allocated from the header's
// numbers until they agree with the file on disk.
IdxContents read_idx(const std::string& path, const IdxKind& kind) {
  const char* fn = kind.function;

  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) fail(fn, path, "no such file");
  if (ec) fail(fn, path, "cannot be examined (" + ec.message() + ")");
  if (fs::is_directory(status)) fail(fn, path, "is a directory, not a file");
  if (!fs::is_regular_file(status)) fail(fn, path, "is not a regular file");

  std::ifstream in(path, std::ios::binary);
  if (!in) fail(fn, path, std::string("cannot be opened (") + std::strerror(errno) + ")");

  const std::uintmax_t file_size = fs::file_size(path, ec);
  if (ec) fail(fn, path, "cannot tell its size (" + ec.message() + ")");

  // At most the header's bytes; a shorter file fails check_header's first check.
  std::string header(std::min<std::uintmax_t>(file_size, kind.header_bytes), '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header.size()))) {
    fail(fn, path, "cannot read its " + std::to_string(kind.header_bytes) + "-byte header");
  }

  IdxContents contents;
  contents.dims = check_header(fn, path, kind, header, file_size);

  // Safe to allocate now: the body size equals what the file really holds. One read, into
  // the vector the data set keeps: the bytes are not copied again.
  const std::size_t body_bytes = static_cast<std::size_t>(file_size - kind.header_bytes);
  contents.body.resize(body_bytes);
  if (!in.read(reinterpret_cast<char*>(contents.body.data()),
               static_cast<std::streamsize>(body_bytes))) {
    fail(fn, path,
         "read only " + with_commas(static_cast<std::uint64_t>(in.gcount())) + " of its " +
             with_commas(body_bytes) + " data bytes");
  }
  return contents;
}

// The header: the first kind.header_bytes of bytes, or all of them if fewer.
std::string_view header_of(std::string_view bytes, const IdxKind& kind) {
  return bytes.substr(0, std::min(bytes.size(), kind.header_bytes));
}

}  // namespace

IdxImages read_idx_images(const std::string& path) {
  IdxContents idx = read_idx(path, images_kind());
  return make_images(idx.dims, std::move(idx.body));
}

std::vector<std::size_t> read_idx_labels(const std::string& path) {
  const IdxContents idx = read_idx(path, labels_kind());
  return decode_labels(labels_kind().function, path, idx.body.data(), idx.body.size());
}

IdxImages parse_idx_images(std::string_view bytes, const std::string& name) {
  const IdxKind& kind = images_kind();
  const std::vector<std::uint64_t> dims =
      check_header("parse_idx_images", name, kind, header_of(bytes, kind), bytes.size());
  const auto* body = reinterpret_cast<const std::uint8_t*>(bytes.data()) + kind.header_bytes;
  return make_images(dims, std::vector<std::uint8_t>(body, body + (bytes.size() - kind.header_bytes)));
}

std::vector<std::size_t> parse_idx_labels(std::string_view bytes, const std::string& name) {
  const IdxKind& kind = labels_kind();
  check_header("parse_idx_labels", name, kind, header_of(bytes, kind), bytes.size());
  return decode_labels("parse_idx_labels", name,
                       reinterpret_cast<const std::uint8_t*>(bytes.data()) + kind.header_bytes,
                       bytes.size() - kind.header_bytes);
}

Dataset load_mnist_pair(const std::string& images_path, const std::string& labels_path) {
  IdxImages images = read_idx_images(images_path);
  Dataset data;
  data.labels = read_idx_labels(labels_path);
  if (images.count != data.labels.size()) {
    throw data_error("load_mnist_pair: " + images_path + " has " + with_commas(images.count) +
                     " images but " + labels_path + " has " + with_commas(data.labels.size()) +
                     " labels; they must come from the same set. " + kDataHint);
  }
  data.pixels = std::move(images.pixels);
  data.image_rows = images.rows;
  data.image_cols = images.cols;
  return data;
}

Mnist load_mnist(const std::string& dir) {
  const fs::path root(dir);
  const std::string train_images = (root / "train-images-idx3-ubyte").string();
  const std::string test_images = (root / "t10k-images-idx3-ubyte").string();
  Mnist mnist;
  mnist.train = load_mnist_pair(train_images, (root / "train-labels-idx1-ubyte").string());
  mnist.test = load_mnist_pair(test_images, (root / "t10k-labels-idx1-ubyte").string());
  if (mnist.test.image_rows != mnist.train.image_rows ||
      mnist.test.image_cols != mnist.train.image_cols) {
    throw data_error("load_mnist: " + test_images + " holds images of " +
                     std::to_string(mnist.test.image_rows) + "x" +
                     std::to_string(mnist.test.image_cols) + " pixels, but " + train_images +
                     " holds " + std::to_string(mnist.train.image_rows) + "x" +
                     std::to_string(mnist.train.image_cols) +
                     ": a net trained on one size cannot read the other. " + kDataHint);
  }
  return mnist;
}

namespace {

// Throws std::invalid_argument unless the set holds N·D pixel bytes for its N labels.
void require_whole(const Dataset& data, const char* function) {
  const std::size_t d = data.pixels_per_image();
  if (data.pixels.size() != data.labels.size() * d) {
    throw std::invalid_argument(
        std::string(function) + ": the data set holds " + std::to_string(data.pixels.size()) +
        " pixel bytes for " + std::to_string(data.labels.size()) + " labels of " +
        std::to_string(data.image_rows) + "x" + std::to_string(data.image_cols) +
        " images; it needs labels.size() · image_rows · image_cols = " +
        std::to_string(data.labels.size() * d));
  }
}

// Row k of x ← image `image`'s pixels, byte / 255.
// Appends image `image` to pixels, as doubles: x = byte / 255, which maps 0..255 onto
// [0, 1], exactly at both ends. The bytes are appended first, each becoming the double of
// its value, and turned into x where they lie: the image's 784 doubles are then still in
// the core's first cache, and written out to memory once. (Writing them into a matrix
// made of zeros first would write every batch twice.)
// x without a division, which takes a CPU ten times as long as a multiplication (the
// conversion was a fifth of lesson 07's run): q = b·(1/255) is the double nearest b/255
// for most bytes, one unit in the last place off for 24 of them; one correction by the
// remainder b − 255·q, which a fused multiply-add computes without rounding, makes it
// the nearest for every byte: b / 255 itself, bit for bit (a test checks all 256).
// How many images ahead images() asks the memory for.
constexpr std::size_t kAhead = 2;

// Tells the CPU that the bytes of image `image` will be read soon (a hint; it changes no
// result): one request per 64-byte cache line.
void prefetch_image(const Dataset& data, std::size_t image) {
  const std::size_t d = data.pixels_per_image();
  const std::uint8_t* from = data.pixels.data() + image * d;
  for (std::size_t b = 0; b < d; b += 64) __builtin_prefetch(from + b);
}

void append_image(const Dataset& data, std::size_t image, std::vector<double>& pixels) {
  constexpr double kReciprocal = 1.0 / kMaxPixelByte;
  const std::size_t d = data.pixels_per_image();
  const std::uint8_t* from = data.pixels.data() + image * d;
  const std::size_t first = pixels.size();
  pixels.insert(pixels.end(), from, from + d);
  for (std::size_t p = first; p < pixels.size(); ++p) {
    const double b = pixels[p], q = b * kReciprocal;
    pixels[p] = std::fma(std::fma(-q, kMaxPixelByte, b), kReciprocal, q);
  }
}

}  // namespace

Matrix Dataset::images(const std::vector<std::size_t>& rows) const {
  require_whole(*this, "Dataset::images");
  for (std::size_t k = 0; k < rows.size(); ++k) {
    if (rows[k] >= size()) {
      throw std::out_of_range("Dataset::images: index " + std::to_string(rows[k]) +
                              " (position " + std::to_string(k) + ") is outside a set of " +
                              std::to_string(size()) + " images");
    }
  }
  std::vector<double> x;
  x.reserve(rows.size() * pixels_per_image());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    // The images of a batch lie anywhere in 47 MB, mostly not in any cache: the memory is
    // asked for the image after next while this one is converted, so that its bytes are
    // on their way instead of each image waiting its turn.
    if (k + kAhead < rows.size()) prefetch_image(*this, rows[k + kAhead]);
    append_image(*this, rows[k], x);
  }
  return Matrix(rows.size(), pixels_per_image(), std::move(x));
}

Matrix Dataset::images(std::size_t begin, std::size_t end) const {
  require_whole(*this, "Dataset::images");
  if (begin > end || end > size()) {
    throw std::out_of_range("Dataset::images: images " + std::to_string(begin) + ".." +
                            std::to_string(end) + " (end excluded) are not within a set of " +
                            std::to_string(size()) + " images");
  }
  std::vector<double> x;
  x.reserve((end - begin) * pixels_per_image());
  for (std::size_t i = begin; i < end; ++i) append_image(*this, i, x);
  return Matrix(end - begin, pixels_per_image(), std::move(x));
}

Matrix one_hot(const std::vector<std::size_t>& labels, std::size_t classes) {
  // t (N, K): t(n, k) = 1 if labels[n] == k, else 0.
  Matrix t(labels.size(), classes);
  for (std::size_t n = 0; n < labels.size(); ++n) {
    if (labels[n] >= classes) {
      throw std::invalid_argument(
          "one_hot: label at index " + std::to_string(n) + " is " + std::to_string(labels[n]) +
          ", but classes is " + std::to_string(classes) +
          ". HINT: labels count from 0, so classes must be larger than the largest label");
    }
    t(n, labels[n]) = 1.0;
  }
  return t;
}

std::string ascii_digit(const Matrix& images, std::size_t row, std::size_t rows, std::size_t cols) {
  std::uint64_t pixels = 0;
  if (!multiply(rows, cols, &pixels) || pixels != images.cols()) {
    throw std::invalid_argument("ascii_digit: images are " + images.shape() +
                                ", but rows x cols = " + std::to_string(rows) + " x " +
                                std::to_string(cols) + " does not equal " +
                                std::to_string(images.cols()) +
                                " pixels. HINT: pass the data set's image_rows and image_cols");
  }
  if (row >= images.rows()) {
    throw std::invalid_argument("ascii_digit: row " + std::to_string(row) +
                                " is out of range for images " + images.shape() +
                                ". HINT: rows count from 0 to images.rows() - 1");
  }
  // From blank (0, no ink) to '@' (1, full ink), each character denser than the last.
  static const std::string kRamp = " .:-=+*#%@";
  const double steps = static_cast<double>(kRamp.size() - 1);
  std::string out;
  out.reserve(rows * (cols + 1));
  const double* pixel = images.data() + row * images.cols();
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      const double raw = pixel[r * cols + c];
      // Clamp first: a normalised or noisy image may stray outside [0, 1] (NaN draws blank).
      const double v = raw > 0.0 ? (raw < 1.0 ? raw : 1.0) : 0.0;
      // Nearest of the 10 levels: v · 9 rounded.
      out += kRamp[static_cast<std::size_t>(v * steps + 0.5)];
    }
    out += '\n';
  }
  return out;
}
