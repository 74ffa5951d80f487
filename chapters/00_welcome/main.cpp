// chapters/00_welcome/main.cpp: `make run CH=00` prints your mean and affine beside the
// expected values.
#include <iostream>

#include "chapters/00_welcome/welcome.h"
#include "common/cli.h"

int main(int argc, char** argv) {
  Flags flags("00_welcome", "Prints mean and affine on small examples, with the expected values.");
  flags.parse(argc, argv);
  return guarded_main([] {
    const Matrix a = {{1, 2}, {3, 4}};
    std::cout << "a: " << a << "\n";
    std::cout << "a.shape: " << a.shape() << "\n";
    const double m = mean(a);
    std::cout << "mean(a): " << m << "   (expected 2.5)\n";

    const Matrix x = {{1, 0}, {0, 1}, {2, 3}};
    const Matrix W = {{1, 2}, {3, 4}};
    const Matrix b = {{10, 20}};
    std::cout << "x " << x.shape() << " . W " << W.shape() << " + b " << b.shape() << "\n";
    const Matrix y = affine(x, W, b);
    std::cout << "affine(x, W, b): " << y
              << "   (expected [[11, 22], [13, 24], [21, 36]])\n";
    return 0;
  });
}
