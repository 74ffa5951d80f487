// tests/fuzz/idx_fuzzer.cpp: libFuzzer on the IDX reader in common/mnist.cpp (`make fuzz`).
//
// The reader's promise (common/mnist.h): any bytes, however broken, either parse into data
// that agree with their header or throw data_error. So for every input this fuzzer
//   1. parses the bytes with parse_idx_images and parse_idx_labels;
//   2. splits the bytes where an images header says its body ends and parses the first
//      part as images, the second as labels (each copied to a buffer of its own, so that
//      AddressSanitizer sees a read past either end).
// A finding is a crash, a sanitizer report, an exception other than data_error (it
// escapes and aborts), a result that disagrees with the header (trap below), or, through
// libFuzzer's -malloc_limit_mb, an allocation far larger than any input.
//
// Everything stays in memory: parse_idx_* run the very checks read_idx_* run once the
// file checks (exists, is a file, opens) have passed, which tests/common_mnist_test.cpp
// covers on real files.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/mnist.h"

namespace {

std::uint64_t big_endian_u32(const std::uint8_t* p) {
  return (std::uint64_t{p[0]} << 24) | (std::uint64_t{p[1]} << 16) | (std::uint64_t{p[2]} << 8) |
         std::uint64_t{p[3]};
}

// Stops the run with a message: the reader returned data that contradicts its input.
[[noreturn]] void lie(const char* what) {
  std::fprintf(stderr, "idx_fuzzer: the reader returned data that contradicts the file: %s\n",
               what);
  __builtin_trap();
}

// The images must match the header, and their pixels the body byte for byte.
void check_images(const IdxImages& images, const std::uint8_t* data, std::size_t size) {
  if (size < 16) lie("images from a file shorter than its header");
  if (images.count != big_endian_u32(data + 4)) lie("image count differs from the header");
  if (images.rows != big_endian_u32(data + 8) || images.cols != big_endian_u32(data + 12)) {
    lie("image size differs from the header");
  }
  if (images.pixels.size() != images.count * images.rows * images.cols) {
    lie("pixels.size() != count * rows * cols");
  }
  if (16 + images.pixels.size() != size) lie("pixel count differs from the file's body");
  for (std::size_t i = 0; i < images.pixels.size(); ++i) {
    if (images.pixels[i] != data[16 + i]) lie("a pixel is not its byte");
  }
}

// labels must match the header and the body, each a digit.
void check_labels(const std::vector<std::size_t>& labels, const std::uint8_t* data,
                  std::size_t size) {
  if (size < 8) lie("labels from a file shorter than its header");
  if (labels.size() != big_endian_u32(data + 4)) lie("label count differs from the header");
  if (8 + labels.size() != size) lie("label count differs from the file's body");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] > 9 || labels[i] != data[8 + i]) lie("a label is not its byte, or not a digit");
  }
}

// Parses data[0 … size) as images and as labels; either parse may throw data_error.
void parse_both(const std::uint8_t* data, std::size_t size, bool as_images, bool as_labels) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (as_images) {
    try {
      check_images(parse_idx_images(bytes, "fuzz-images"), data, size);
    } catch (const data_error&) {
    }
  }
  if (as_labels) {
    try {
      check_labels(parse_idx_labels(bytes, "fuzz-labels"), data, size);
    } catch (const data_error&) {
    }
  }
}

// A copy of data[0 … size) in a heap block of exactly size bytes.
std::unique_ptr<std::uint8_t[]> copy_of(const std::uint8_t* data, std::size_t size) {
  std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[size]);
  for (std::size_t i = 0; i < size; ++i) copy[i] = data[i];
  return copy;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // 1. The whole input, read as either kind.
  parse_both(data, size, true, true);

  // 2. An images file followed by a labels file: split where the images header says the
  // images end (16 + N·rows·cols bytes), or in the middle when that is past the end.
  std::size_t split = size / 2;
  if (size >= 16) {
    const std::uint64_t body =
        big_endian_u32(data + 4) * big_endian_u32(data + 8) * big_endian_u32(data + 12);
    if (body <= size - 16) split = 16 + static_cast<std::size_t>(body);
  }
  const auto images = copy_of(data, split);
  const auto labels = copy_of(data + split, size - split);
  parse_both(images.get(), split, true, false);
  parse_both(labels.get(), size - split, false, true);
  return 0;
}
