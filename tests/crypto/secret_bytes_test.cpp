// SecretBytes: value semantics, wiping, constant-time comparison.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>

#include "crypto/secret_bytes.hpp"

namespace rspf::crypto {
namespace {

const Bytes kSample{1, 2, 3, 4, 5, 6, 7, 8};

bool holds(const SecretBytes& s, const Bytes& expected) { return std::ranges::equal(s.view(), expected); }

TEST(SecretBytes, ConstructionFromSizeAndBytes) {
  SecretBytes zeros(5);
  EXPECT_EQ(zeros.size(), 5u);
  EXPECT_TRUE(holds(zeros, Bytes(5, 0)));
  SecretBytes s(kSample);
  EXPECT_TRUE(holds(s, kSample));
  EXPECT_FALSE(s.empty());
  SecretBytes empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.size(), 0u);
}

TEST(SecretBytes, CopyIsIndependent) {
  SecretBytes original(kSample);
  SecretBytes copy(original);
  EXPECT_TRUE(holds(copy, kSample));
  EXPECT_NE(copy.data(), original.data());
  copy.data()[0] = 0xaa;
  EXPECT_TRUE(holds(original, kSample));

  SecretBytes assigned(Bytes{9, 9});
  assigned = original;
  EXPECT_TRUE(holds(assigned, kSample));
  assigned.data()[1] = 0xbb;
  EXPECT_TRUE(holds(original, kSample));
}

TEST(SecretBytes, SelfAssignmentKeepsTheValue) {
  SecretBytes s(kSample);
  SecretBytes& alias = s;
  s = alias;
  EXPECT_TRUE(holds(s, kSample));
}

TEST(SecretBytes, MoveEmptiesTheSource) {
  SecretBytes source(kSample);
  SecretBytes moved(std::move(source));
  EXPECT_TRUE(holds(moved, kSample));
  EXPECT_TRUE(source.empty());  // NOLINT(bugprone-use-after-move): documented state

  SecretBytes target(Bytes{9, 9, 9});
  target = std::move(moved);
  EXPECT_TRUE(holds(target, kSample));
  EXPECT_TRUE(moved.empty());  // NOLINT(bugprone-use-after-move)
}

TEST(SecretBytes, ClearEmpties) {
  SecretBytes s(kSample);
  s.clear();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.size(), 0u);
  EXPECT_TRUE(s.view().empty());
  s.clear();  // idempotent
  EXPECT_TRUE(s.empty());
}

TEST(SecretBytes, WipeZeroesABuffer) {
  Bytes buffer = kSample;
  wipe(buffer.data(), buffer.size());
  EXPECT_EQ(buffer, Bytes(kSample.size(), 0));
  wipe(nullptr, 0);  // harmless
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  const Bytes a = kSample;
  // Built element by element: GCC 12 at -O3 misjudges `copy.back() ^= 1` (-Wstringop-overflow).
  Bytes lastDiffers, firstDiffers;
  for (std::size_t i = 0; i < kSample.size(); ++i) {
    lastDiffers.push_back(static_cast<std::uint8_t>(i + 1 == kSample.size() ? kSample[i] ^ 1 : kSample[i]));
    firstDiffers.push_back(static_cast<std::uint8_t>(i == 0 ? kSample[i] ^ 0x80 : kSample[i]));
  }
  const Bytes prefix(kSample.begin(), kSample.end() - 1);
  Bytes longer = kSample;
  longer.push_back(0);

  EXPECT_TRUE(constantTimeEqual(a, Bytes(kSample)));
  EXPECT_FALSE(constantTimeEqual(a, lastDiffers));
  EXPECT_FALSE(constantTimeEqual(a, firstDiffers));
  EXPECT_FALSE(constantTimeEqual(a, prefix));
  EXPECT_FALSE(constantTimeEqual(prefix, a));
  EXPECT_FALSE(constantTimeEqual(a, longer));
  EXPECT_FALSE(constantTimeEqual(a, {}));
  EXPECT_TRUE(constantTimeEqual({}, {}));
}

// Issue 9 item 6: secret memory is excluded from core dumps (VmFlags "dd" in /proc/self/smaps).
bool excludedFromCoreDumps(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  const auto a = reinterpret_cast<std::uintptr_t>(address);
  while (std::getline(smaps, line)) {
    unsigned long from = 0, to = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &from, &to) == 2) {  // a mapping's first line
      inside = a >= from && a < to;
    } else if (inside && line.starts_with("VmFlags:")) {
      return line.find(" dd") != std::string::npos;
    }
  }
  return false;
}

TEST(SecretBytes, ItsBytesAreExcludedFromCoreDumps) {
  for (std::size_t size : {16, 32, 64, 100, 4096, 10000}) {
    SecretBytes s(size);
    EXPECT_TRUE(excludedFromCoreDumps(s.data())) << size;
    SecretBytes copy = s;
    EXPECT_TRUE(excludedFromCoreDumps(copy.data())) << size;
  }
  std::vector<std::uint8_t> ordinary(64);
  EXPECT_FALSE(excludedFromCoreDumps(ordinary.data()));  // the check can fail
}

}  // namespace
}  // namespace rspf::crypto
