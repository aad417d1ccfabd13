// Key files (issue 13 item 6): each kind of malformed key file is named as such, never quoted.
#include "crypto/key_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "common/error.hpp"
#include "support/temp_dir.hpp"

namespace rspf {
namespace {

std::string refusal(const std::string& content, std::size_t expectedBytes = 16) {
  rspf::testing::TempDir dir;
  auto file = dir / "device.kpm";
  std::ofstream(file) << content;
  ::chmod(file.c_str(), 0600);
  try {
    readHexKeyFile(file, "Kpm", expectedBytes);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Config);
    std::string message = e.what();
    EXPECT_NE(message.find(file.string()), std::string::npos) << message;
    if (content.size() > 4) {
      EXPECT_EQ(message.find(content.substr(2, content.size() - 4)), std::string::npos) << message;
    }
    return message;
  }
  ADD_FAILURE() << "accepted: " << content;
  return "";
}

TEST(KeyFile, EachMalformationIsNamed) {
  EXPECT_NE(refusal("").find("is empty"), std::string::npos);
  EXPECT_NE(refusal("\n").find("is empty"), std::string::npos);
  EXPECT_NE(refusal("0x00112233445566778899aabbccddeeff\n").find("starts with 0x"), std::string::npos);
  EXPECT_NE(refusal("ABEiM0RVZneImaq7zN3u/w==\n").find("looks like base64"), std::string::npos);
  EXPECT_NE(refusal("00112233445566778899aabbccddeef\n").find("odd number of hex digits (31)"), std::string::npos);
  EXPECT_NE(refusal("0011223344556677 8899aabbccddeeff\n").find("not hex digits"), std::string::npos);
  EXPECT_NE(refusal("00112233445566778899aabbccdd\n").find("must be 32 hex digits (got 28"), std::string::npos);
}

TEST(KeyFile, AWellFormedKeyIsRead) {
  rspf::testing::TempDir dir;
  auto file = dir / "device.kpm";
  std::ofstream(file) << "00112233445566778899AABBCCDDEEFF\r\n";
  ::chmod(file.c_str(), 0600);
  EXPECT_EQ(readHexKeyFile(file, "Kpm", 16).size(), 16u);
}

}  // namespace
}  // namespace rspf
