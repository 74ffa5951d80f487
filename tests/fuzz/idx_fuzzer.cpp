// tests/fuzz/idx_fuzzer.cpp: libFuzzer on the IDX reader in common/mnist.cpp (`make fuzz`).
//
// The reader's promise (common/mnist.h): any file, however broken, either reads into data
// that agrees with its header or throws data_error. So for every input this fuzzer
//   1. writes the bytes to a file and reads it with read_idx_images and read_idx_labels;
//   2. splits the bytes where an images header says its body ends, writes an images file
//      and a labels file, and reads the pair with load_mnist_pair.
// A finding is a crash, a sanitizer report, an exception other than data_error (it
// escapes and aborts), a result that disagrees with the header (trap below), or, through
// libFuzzer's -malloc_limit_mb, an allocation far larger than any input.
//
// The readers take paths, so the bytes go through a temporary file. An in-memory parse
// function in common/mnist would make this faster; until then, files it is.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/mnist.h"

namespace {

namespace fs = std::filesystem;

// A folder of our own for the temporary files, removed at exit. In memory (/dev/shm)
// when there is one: on ext4, rewriting a truncated file forces it to disk, 2 ms a time.
const fs::path& scratch() {
  static const fs::path dir = [] {
    std::error_code ec;
    const fs::path base = fs::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK) == 0
                              ? fs::path("/dev/shm")
                              : fs::temp_directory_path();
    fs::path d = base / ("idx_fuzzer." + std::to_string(getpid()));
    fs::create_directories(d);
    std::atexit([] { std::error_code ec; fs::remove_all(scratch(), ec); });
    return d;
  }();
  return dir;
}

std::string write_file(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const std::string path = (scratch() / name).string();
  // A new file each time rather than a truncated one (see scratch()).
  std::remove(path.c_str());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) {
    std::fprintf(stderr, "idx_fuzzer: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

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

// images (N, rows·cols) must match the header, byte for byte, pixel = byte / 255.
void check_images(const Matrix& images, std::size_t rows, std::size_t cols,
                  const std::uint8_t* data, std::size_t size) {
  if (size < 16) lie("images from a file shorter than its header");
  if (images.rows() != big_endian_u32(data + 4)) lie("image count differs from the header");
  if (rows != big_endian_u32(data + 8) || cols != big_endian_u32(data + 12)) {
    lie("image size differs from the header");
  }
  if (images.cols() != rows * cols) lie("images.cols() != rows * cols");
  if (16 + images.size() != size) lie("pixel count differs from the file's body");
  for (std::size_t i = 0; i < images.size(); ++i) {
    if (images.data()[i] != data[16 + i] / 255.0) lie("a pixel is not its byte / 255");
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // 1. The whole input as one file, read as either kind.
  const std::string whole = write_file("whole", data, size);
  try {
    std::size_t rows = 0, cols = 0;
    const Matrix images = read_idx_images(whole, &rows, &cols);
    check_images(images, rows, cols, data, size);
  } catch (const data_error&) {
  }
  try {
    check_labels(read_idx_labels(whole), data, size);
  } catch (const data_error&) {
  }

  // 2. An images file followed by a labels file: split where the images header says the
  // images end (16 + N·rows·cols bytes), or in the middle when that is past the end.
  std::size_t split = size / 2;
  if (size >= 16) {
    const std::uint64_t body =
        big_endian_u32(data + 4) * big_endian_u32(data + 8) * big_endian_u32(data + 12);
    if (body <= size - 16) split = 16 + static_cast<std::size_t>(body);
  }
  const std::string images_path = write_file("images", data, split);
  const std::string labels_path = write_file("labels", data + split, size - split);
  try {
    const Dataset set = load_mnist_pair(images_path, labels_path);
    check_images(set.images, set.image_rows, set.image_cols, data, split);
    check_labels(set.labels, data + split, size - split);
    if (set.images.rows() != set.labels.size()) lie("a pair with unequal counts");
  } catch (const data_error&) {
  }
  return 0;
}
