// tests/common_mnist_test.cpp: the IDX reader (common/mnist.h) on small files the tests
// write themselves, valid and broken, and on the real MNIST files when `make data` has run.
//
// Every broken file must throw data_error whose message names the path, says what is
// wrong, and ends with the hint to run make data.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "common/mnist.h"
#include "tests/support/expect.h"

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kImagesMagic = 2051;  // IDX: unsigned bytes, 3 dimensions
constexpr std::uint32_t kLabelsMagic = 2049;  // IDX: unsigned bytes, 1 dimension
constexpr const char* kHint = "HINT: run make data";

// The four bytes of v, most significant first, as an IDX header stores them.
void append_u32(std::string& bytes, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    bytes += static_cast<char>((v >> shift) & 0xFF);
  }
}

void append_bytes(std::string& bytes, const std::vector<unsigned char>& values) {
  for (unsigned char b : values) bytes += static_cast<char>(b);
}

// An IDX images file: magic, count, rows, cols, then the pixel bytes as given.
std::string images_file(std::uint32_t count, std::uint32_t rows, std::uint32_t cols,
                        const std::vector<unsigned char>& pixels,
                        std::uint32_t magic = kImagesMagic) {
  std::string bytes;
  append_u32(bytes, magic);
  append_u32(bytes, count);
  append_u32(bytes, rows);
  append_u32(bytes, cols);
  append_bytes(bytes, pixels);
  return bytes;
}

// An IDX labels file: magic, count = labels.size(), then the labels.
std::string labels_file(const std::vector<unsigned char>& labels) {
  std::string bytes;
  append_u32(bytes, kLabelsMagic);
  append_u32(bytes, static_cast<std::uint32_t>(labels.size()));
  append_bytes(bytes, labels);
  return bytes;
}

testing::AssertionResult EndsWithHint(const std::string& text) {
  const std::string hint = kHint;
  if (text.size() >= hint.size() &&
      text.compare(text.size() - hint.size(), hint.size(), hint) == 0) {
    return testing::AssertionSuccess();
  }
  return testing::AssertionFailure()
         << "the message\n  " << text << "\ndoes not end with\n  " << hint;
}

// A fresh, empty directory per test, removed afterwards.
class TempDirTest : public testing::Test {
 protected:
  void SetUp() override {
    const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("workbook_mnist_" + std::to_string(::getpid()) + "_" +
                                        info->test_suite_name() + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes bytes to dir/name and returns the path.
  std::string write(const std::string& name, const std::string& bytes) const {
    const fs::path path = dir_ / name;
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path.string();
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

class ReadIdxImagesTest : public TempDirTest {};
class ReadIdxLabelsTest : public TempDirTest {};
class LoadMnistPairTest : public TempDirTest {};
class LoadMnistTest : public TempDirTest {};

// ---- read_idx_images: broken files ----

// A path that does not exist is named, with the reason.
TEST_F(ReadIdxImagesTest, MissingFileIsNamed) {
  const std::string file = path("no-such-file");
  const std::string message = error_message<data_error>([&] { read_idx_images(file); });
  EXPECT_TRUE(mentions(message, "read_idx_images: " + file + ": no such file")) << message;
  EXPECT_TRUE(EndsWithHint(message));
}

// A directory is not mistaken for a file.
TEST_F(ReadIdxImagesTest, DirectoryIsRejected) {
  const std::string message = error_message<data_error>([&] { read_idx_images(dir_.string()); });
  EXPECT_TRUE(mentions(message, dir_.string() + ": is a directory")) << message;
  EXPECT_TRUE(EndsWithHint(message));
}

// A file without read permission is reported as unopenable.
TEST_F(ReadIdxImagesTest, UnreadableFileIsRejected) {
  const std::string file = write("locked", images_file(1, 1, 1, {0}));
  fs::permissions(file, fs::perms::none);
  if (std::ifstream(file).is_open()) {
    GTEST_SKIP() << "this user (root?) can read a file without read permission";
  }
  const std::string message = error_message<data_error>([&] { read_idx_images(file); });
  EXPECT_TRUE(mentions(message, file + ": cannot be opened")) << message;
  EXPECT_TRUE(EndsWithHint(message));
}

// An empty file is too short for the 16-byte header.
TEST_F(ReadIdxImagesTest, EmptyFileIsTooShortForTheHeader) {
  const std::string file = write("empty", "");
  const std::string message = error_message<data_error>([&] { read_idx_images(file); });
  EXPECT_TRUE(mentions(message, file + ": file is 0 bytes, too short for the 16-byte header"))
      << message;
  EXPECT_TRUE(EndsWithHint(message));
}

// A file cut inside the header says how long it is.
TEST_F(ReadIdxImagesTest, TruncatedHeaderIsTooShort) {
  const std::string file = write("short", images_file(1, 1, 1, {}).substr(0, 10));
  const std::string message = error_message<data_error>([&] { read_idx_images(file); });
  EXPECT_TRUE(mentions(message, file + ": file is 10 bytes, too short for the 16-byte header"))
      << message;
}

// A file cut inside the pixels gives both sizes, with thousands separators.
TEST_F(ReadIdxImagesTest, TruncatedBodyGivesBothSizes) {
  // 1,000 images of 28x28 promise 16 + 784,000 bytes; 1,218 pixel bytes make 1,234.
  const std::string file =
      write("cut", images_file(1000, 28, 28, std::vector<unsigned char>(1218)));
  const std::string message = error_message<data_error>([&] { read_idx_images(file); });
  EXPECT_TRUE(mentions(message, "read_idx_images: " + file +
                                    ": file is 1,234 bytes, header promises 784,016. " + kHint))
      << message;
}

// Bytes after the promised body are an error too, not silently ignored.
TEST_F(ReadIdxImagesTest, ExtraBytesAreRejected) {
  // 2 images of 2x2 promise 16 + 8 = 24 bytes; one more makes 25.
  const std::string file = write("long", images_file(2, 2, 2, std::vector<unsigned char>(9)));
  const std::string message = error_message<data_error>([&] { read_idx_images(file); });
  EXPECT_TRUE(mentions(message, file + ": file is 25 bytes, header promises 24")) << message;
}

// A foreign magic number is shown beside the expected one.
TEST_F(ReadIdxImagesTest, WrongMagicShowsFoundAndExpected) {
  const std::string file = write("odd", images_file(1, 1, 1, {0}, 0x12345678));
  const std::string message = error_message<data_error>([&] { read_idx_images(file); });
  EXPECT_TRUE(mentions(message, file + ": magic number is 305419896 (0x12345678), expected 2051"))
      << message;
}

// A labels file passed by mistake is recognised as one.
TEST_F(ReadIdxImagesTest, LabelsFileIsRecognised) {
  const std::string file = write("labels", labels_file({1, 2, 3, 4, 5, 6, 7, 8, 9}));
  const std::string message = error_message<data_error>([&] { read_idx_images(file); });
  EXPECT_TRUE(mentions(message, "magic number is 2049")) << message;
  EXPECT_TRUE(mentions(message, "this looks like a labels file")) << message;
}

// A .gz saved without unpacking it is recognised by gzip's first two bytes, 1f 8b.
TEST_F(ReadIdxImagesTest, GzipFileIsRecognised) {
  std::string gzip_start = {'\x1f', '\x8b', '\x08', '\x08'};
  gzip_start += std::string(12, '\0');
  const std::string file = write("images.gz", gzip_start);
  const std::string message = error_message<data_error>([&] { read_idx_images(file); });
  EXPECT_TRUE(mentions(message, "this looks like a gzip file")) << message;
}

// Zero images is a broken header, not an empty data set.
TEST_F(ReadIdxImagesTest, ZeroCountIsRejected) {
  const std::string file = write("zero-count", images_file(0, 28, 28, {}));
  const std::string message = error_message<data_error>([&] { read_idx_images(file); });
  EXPECT_TRUE(mentions(message, file + ": image count is 0")) << message;
}

// Images with zero rows are a broken header.
TEST_F(ReadIdxImagesTest, ZeroRowsIsRejected) {
  const std::string file = write("zero-rows", images_file(1, 0, 28, {}));
  const std::string message = error_message<data_error>([&] { read_idx_images(file); });
  EXPECT_TRUE(mentions(message, file + ": rows per image is 0")) << message;
}

// A count of 2³² − 1 is caught by the size check before anything that large is allocated.
TEST_F(ReadIdxImagesTest, AbsurdCountFailsBeforeAllocating) {
  // 16 + 4,294,967,295 · 784 = 3,367,254,359,296 bytes promised: 25 TB of doubles if believed.
  const std::string file = write("huge", images_file(0xFFFFFFFF, 28, 28, {1, 2, 3}));
  const std::string message = error_message<data_error>([&] { read_idx_images(file); });
  EXPECT_TRUE(mentions(message, file + ": file is 19 bytes, header promises 3,367,254,359,296"))
      << message;
}

// An image side of 2³² − 1 pixels is rejected as absurd, by name.
TEST_F(ReadIdxImagesTest, AbsurdSideIsRejected) {
  const std::string file = write("wide", images_file(0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, {}));
  const std::string message = error_message<data_error>([&] { read_idx_images(file); });
  EXPECT_TRUE(mentions(message, file + ": rows per image is 4,294,967,295")) << message;
}

// ---- read_idx_images: valid files ----

// A file of N images of r x c pixels reads back as N, r, c and N·r·c pixel bytes.
TEST_F(ReadIdxImagesTest, ReadsCountAndImageSize) {
  const std::string file = write("ok", images_file(3, 2, 4, std::vector<unsigned char>(24)));
  const IdxImages images = read_idx_images(file);
  EXPECT_EQ(images.count, 3u);
  EXPECT_EQ(images.rows, 2u);
  EXPECT_EQ(images.cols, 4u);
  EXPECT_EQ(images.pixels.size(), 24u);
}

// The pixels are the file's bytes, in file order: image n's, row after row, then n + 1's.
TEST_F(ReadIdxImagesTest, KeepsTheBytesInFileOrder) {
  const std::string file = write("ok", images_file(2, 2, 2, {0, 10, 20, 30, 40, 50, 60, 255}));
  const IdxImages images = read_idx_images(file);
  EXPECT_EQ(images.pixels, (std::vector<std::uint8_t>{0, 10, 20, 30, 40, 50, 60, 255}));
}

// ---- read_idx_labels ----

// Labels come back as written, in order.
TEST_F(ReadIdxLabelsTest, ReadsLabelsBack) {
  const std::string file = write("labels", labels_file({5, 0, 4, 1, 9}));
  EXPECT_EQ(read_idx_labels(file), (std::vector<std::size_t>{5, 0, 4, 1, 9}));
}

// A label outside 0..9 is named by its index and value.
TEST_F(ReadIdxLabelsTest, LabelTenIsRejected) {
  const std::string file = write("labels", labels_file({1, 2, 10}));
  const std::string message = error_message<data_error>([&] { read_idx_labels(file); });
  EXPECT_TRUE(mentions(message, "read_idx_labels: " + file + ": label at index 2 is 10"))
      << message;
  EXPECT_TRUE(EndsWithHint(message));
}

// An images file passed by mistake is recognised as one.
TEST_F(ReadIdxLabelsTest, ImagesFileIsRecognised) {
  const std::string file = write("images", images_file(1, 1, 1, {0}));
  const std::string message = error_message<data_error>([&] { read_idx_labels(file); });
  EXPECT_TRUE(mentions(message, "magic number is 2051")) << message;
  EXPECT_TRUE(mentions(message, "this looks like an images file")) << message;
}

// A labels file cut short gives both sizes.
TEST_F(ReadIdxLabelsTest, TruncatedBodyGivesBothSizes) {
  const std::string file = write("cut", labels_file({1, 2, 3, 4}).substr(0, 10));
  const std::string message = error_message<data_error>([&] { read_idx_labels(file); });
  EXPECT_TRUE(mentions(message, file + ": file is 10 bytes, header promises 12")) << message;
}

// Zero labels is a broken header.
TEST_F(ReadIdxLabelsTest, ZeroCountIsRejected) {
  const std::string file = write("zero", labels_file({}));
  const std::string message = error_message<data_error>([&] { read_idx_labels(file); });
  EXPECT_TRUE(mentions(message, file + ": label count is 0")) << message;
}

// A missing labels file is named.
TEST_F(ReadIdxLabelsTest, MissingFileIsNamed) {
  const std::string file = path("absent");
  const std::string message = error_message<data_error>([&] { read_idx_labels(file); });
  EXPECT_TRUE(mentions(message, "read_idx_labels: " + file + ": no such file")) << message;
}

// ---- parse_idx_images, parse_idx_labels: the same checks on bytes in memory ----

// Bytes in memory read back as a file of the same bytes does.
TEST(ParseIdxImagesTest, ParsesLikeTheFileReader) {
  const IdxImages images = parse_idx_images(images_file(2, 1, 2, {0, 51, 255, 0}), "mem");
  EXPECT_EQ(images.count, 2u);
  EXPECT_EQ(images.rows, 1u);
  EXPECT_EQ(images.cols, 2u);
  EXPECT_EQ(images.pixels, (std::vector<std::uint8_t>{0, 51, 255, 0}));
}

// A broken header is named by the name given, with the hint.
TEST(ParseIdxImagesTest, TruncatedBodyIsNamed) {
  const std::string bytes = images_file(1000, 28, 28, std::vector<unsigned char>(1218));
  const std::string message = error_message<data_error>([&] { parse_idx_images(bytes, "mem"); });
  EXPECT_TRUE(
      mentions(message, "parse_idx_images: mem: file is 1,234 bytes, header promises 784,016"))
      << message;
  EXPECT_TRUE(EndsWithHint(message));
}

// Fewer bytes than a header are refused without reading past them.
TEST(ParseIdxImagesTest, ShortInputIsTooShortForTheHeader) {
  const std::string bytes = images_file(1, 1, 1, {0}).substr(0, 3);
  const std::string message = error_message<data_error>([&] { parse_idx_images(bytes, "mem"); });
  EXPECT_TRUE(mentions(message, "mem: file is 3 bytes, too short for the 16-byte header"))
      << message;
}

// Labels parse back in order; a label that is no digit is named by its index.
TEST(ParseIdxLabelsTest, ChecksEachLabel) {
  EXPECT_EQ(parse_idx_labels(labels_file({5, 0, 4}), "mem"), (std::vector<std::size_t>{5, 0, 4}));
  const std::string message = error_message<data_error>([&] {
    parse_idx_labels(labels_file({1, 12}), "mem");
  });
  EXPECT_TRUE(mentions(message, "parse_idx_labels: mem: label at index 1 is 12")) << message;
  EXPECT_TRUE(EndsWithHint(message));
}

// ---- load_mnist_pair, load_mnist ----

// Images and labels are paired in order, with the image size.
TEST_F(LoadMnistPairTest, PairsImagesWithLabels) {
  const std::string images = write("images", images_file(2, 1, 2, {0, 255, 255, 0}));
  const std::string labels = write("labels", labels_file({3, 8}));
  const Dataset data = load_mnist_pair(images, labels);
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data.image_rows, 1u);
  EXPECT_EQ(data.image_cols, 2u);
  EXPECT_EQ(data.pixels, (std::vector<std::uint8_t>{0, 255, 255, 0}));
  EXPECT_EQ(data.labels[1], 8u);
}

// Different counts name both files and both counts.
TEST_F(LoadMnistPairTest, CountMismatchNamesBothFiles) {
  const std::string images = write("images", images_file(2, 1, 1, {0, 0}));
  const std::string labels = write("labels", labels_file({1, 2, 3}));
  const std::string message = error_message<data_error>([&] { load_mnist_pair(images, labels); });
  EXPECT_TRUE(mentions(message, images + " has 2 images but " + labels + " has 3 labels"))
      << message;
  EXPECT_TRUE(EndsWithHint(message));
}

// load_mnist reads the four canonical names under the directory it is given.
TEST_F(LoadMnistTest, ReadsTheFourCanonicalFiles) {
  write("train-images-idx3-ubyte", images_file(3, 1, 1, {0, 0, 0}));
  write("train-labels-idx1-ubyte", labels_file({1, 2, 3}));
  write("t10k-images-idx3-ubyte", images_file(2, 1, 1, {0, 0}));
  write("t10k-labels-idx1-ubyte", labels_file({4, 5}));
  const Mnist mnist = load_mnist(dir_.string());
  EXPECT_EQ(mnist.train.labels, (std::vector<std::size_t>{1, 2, 3}));
  EXPECT_EQ(mnist.test.labels, (std::vector<std::size_t>{4, 5}));
}

// Test images of another size than the training images name both files.
TEST_F(LoadMnistTest, TestImagesOfAnotherSizeNameBothFiles) {
  write("train-images-idx3-ubyte", images_file(1, 2, 2, {0, 0, 0, 0}));
  write("train-labels-idx1-ubyte", labels_file({1}));
  write("t10k-images-idx3-ubyte", images_file(1, 1, 2, {0, 0}));
  write("t10k-labels-idx1-ubyte", labels_file({4}));
  const std::string message = error_message<data_error>([&] { load_mnist(dir_.string()); });
  EXPECT_TRUE(mentions(message, path("t10k-images-idx3-ubyte") +
                                    " holds images of 1x2 pixels, but " +
                                    path("train-images-idx3-ubyte") + " holds 2x2"))
      << message;
  EXPECT_TRUE(EndsWithHint(message));
}

// A directory without the files names the first file it looked for.
TEST_F(LoadMnistTest, EmptyDirectoryNamesTheMissingFile) {
  const std::string message = error_message<data_error>([&] { load_mnist(dir_.string()); });
  EXPECT_TRUE(mentions(message, path("train-images-idx3-ubyte") + ": no such file")) << message;
  EXPECT_TRUE(EndsWithHint(message));
}

// ---- the real MNIST, when `make data` has fetched it (tests run from the repo root) ----

class LoadMnistRealDataTest : public testing::Test {
 protected:
  static constexpr const char* kDir = "data/mnist";

  void SetUp() override {
    if (!fs::is_directory(kDir)) {
      GTEST_SKIP() << kDir << " not found (tests run from the repository root): run make data";
    }
    // Loaded once for the whole suite: 60,000 images take a noticeable fraction of a second.
    if (!mnist_) mnist_ = load_mnist(kDir);
  }

  static std::optional<Mnist> mnist_;
};

std::optional<Mnist> LoadMnistRealDataTest::mnist_;

// The training set is 60,000 images of 28x28 = 784 pixels.
TEST_F(LoadMnistRealDataTest, TrainingSetIs60000By784) {
  ASSERT_EQ(mnist_->train.size(), 60000u);
  ASSERT_EQ(mnist_->train.pixels_per_image(), 784u);
  EXPECT_EQ(mnist_->train.pixels.size(), 60000u * 784u);
}

// The test set is 10,000 images of 784 pixels.
TEST_F(LoadMnistRealDataTest, TestSetIs10000By784) {
  ASSERT_EQ(mnist_->test.size(), 10000u);
  ASSERT_EQ(mnist_->test.pixels_per_image(), 784u);
  EXPECT_EQ(mnist_->test.pixels.size(), 10000u * 784u);
}

// The first training image is the famous 5 (the book's Figure 3-24).
TEST_F(LoadMnistRealDataTest, FirstTrainingLabelIsFive) {
  EXPECT_EQ(mnist_->train.labels.at(0), 5u);
}

// The first test image is a 7.
TEST_F(LoadMnistRealDataTest, FirstTestLabelIsSeven) { EXPECT_EQ(mnist_->test.labels.at(0), 7u); }

// About 19% of MNIST's pixels carry ink (the rest are exactly 0), and some are full ink,
// 255: the bytes are the file's, not decoded into something else.
TEST_F(LoadMnistRealDataTest, MostPixelsAreBlankAndSomeFullInk) {
  std::size_t ink = 0, full = 0;
  for (std::uint8_t b : mnist_->train.pixels) {
    ink += b != 0;
    full += b == 255;
  }
  const double share = static_cast<double>(ink) / static_cast<double>(mnist_->train.pixels.size());
  constexpr double kLowInk = 0.15, kHighInk = 0.25;  // MNIST's training set: 19.1% nonzero
  EXPECT_GT(share, kLowInk);
  EXPECT_LT(share, kHighInk);
  EXPECT_GT(full, 0u);
}

// ---- Dataset::images ----

// Two 1x2 images and their labels.
Dataset two_images() {
  Dataset data;
  data.pixels = {0, 51, 255, 102};
  data.labels = {3, 8};
  data.image_rows = 1;
  data.image_cols = 2;
  return data;
}

// Pixel = byte / 255: 0 → 0, 51 → 0.2, 255 → 1; rows in the order asked, repeats repeated.
TEST(DatasetImagesTest, GathersRowsAsByteOver255) {
  constexpr double kPixelTol = 1e-15;  // one rounding of byte / 255.0
  const Matrix x = two_images().images({1, 0, 1});
  ASSERT_EQ(x.rows(), 3u);
  ASSERT_EQ(x.cols(), 2u);
  EXPECT_EQ(x(0, 0), 1.0);
  EXPECT_NEAR(x(0, 1), 0.4, kPixelTol);
  EXPECT_EQ(x(1, 0), 0.0);
  EXPECT_NEAR(x(1, 1), 0.2, kPixelTol);
  EXPECT_EQ(x(2, 0), 1.0);
}

// Every one of the 256 bytes becomes byte / 255.0 exactly, bit for bit, the book's
// normalize=True (the reader computes it without dividing).
TEST(DatasetImagesTest, EveryByteIsExactlyByteOver255) {
  Dataset data;
  data.image_rows = 16;
  data.image_cols = 16;
  for (int b = 0; b < 256; ++b) data.pixels.push_back(static_cast<std::uint8_t>(b));
  data.labels = {0};
  const Matrix x = data.images({0});
  ASSERT_EQ(x.cols(), 256u);
  for (std::size_t b = 0; b < 256; ++b) {
    EXPECT_EQ(x(0, b), static_cast<double>(b) / 255.0) << "byte " << b;
  }
}

// A range of images is the same as gathering its indices.
TEST(DatasetImagesTest, RangeEqualsGatherOfItsIndices) {
  EXPECT_EQ(two_images().images(0, 2), two_images().images({0, 1}));
  EXPECT_EQ(two_images().images(1, 1).rows(), 0u);
}

// An index past the last image, or a range past the end, is refused.
TEST(DatasetImagesTest, IndexOutsideThrows) {
  EXPECT_THROW(two_images().images({2}), std::out_of_range);
  EXPECT_THROW(two_images().images(1, 3), std::out_of_range);
}

// Pixels that do not add up to whole images are refused, not read past.
TEST(DatasetImagesTest, PixelsForFewerImagesThanLabelsThrow) {
  Dataset data = two_images();
  data.pixels.pop_back();
  EXPECT_THROW(data.images({0}), std::invalid_argument);
}

// ---- one_hot ----

// N labels become an (N, classes) matrix.
TEST(OneHotTest, ShapeIsCountByClasses) {
  const Matrix t = one_hot({3, 0, 9});
  ASSERT_EQ(t.rows(), 3u);
  ASSERT_EQ(t.cols(), 10u);
}

// Row n holds a single 1, in column labels[n].
TEST(OneHotTest, SingleOneInTheLabelsColumn) {
  const std::vector<std::size_t> labels = {2, 0, 1};
  const Matrix t = one_hot(labels, 3);
  ASSERT_EQ(t.rows(), 3u);
  ASSERT_EQ(t.cols(), 3u);
  for (std::size_t n = 0; n < 3; ++n) {
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_EQ(t(n, k), k == labels[n] ? 1.0 : 0.0) << "row " << n << " column " << k;
    }
  }
}

// A label with no column of its own is refused.
TEST(OneHotTest, LabelBeyondClassesThrows) {
  EXPECT_THROW(one_hot({1, 10}, 10), std::invalid_argument);
}

// ---- ascii_digit ----

// One text line per pixel row, one character per pixel.
TEST(AsciiDigitTest, OneLinePerPixelRow) {
  const Matrix images(1, 6);  // one 2x3 image, all 0
  EXPECT_EQ(ascii_digit(images, 0, 2, 3), "   \n   \n");
}

// No ink draws a blank, full ink '@', half ink the middle of " .:-=+*#%@".
TEST(AsciiDigitTest, InkPicksTheCharacter) {
  const Matrix images = {{0.0, 0.5, 1.0}};  // 0.5 · 9 = 4.5 rounds to 5: '+'
  EXPECT_EQ(ascii_digit(images, 0, 1, 3), " +@\n");
}

// An image size that does not match the columns is refused.
TEST(AsciiDigitTest, WrongImageSizeThrows) {
  const Matrix images(1, 6);
  EXPECT_THROW(ascii_digit(images, 0, 28, 28), std::invalid_argument);
}

// A row past the last image is refused.
TEST(AsciiDigitTest, RowOutOfRangeThrows) {
  const Matrix images(2, 4);
  EXPECT_THROW(ascii_digit(images, 2, 2, 2), std::invalid_argument);
}

}  // namespace
