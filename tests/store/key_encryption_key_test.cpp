#include "store/key_encryption_key.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>

#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

namespace rspf::store {
namespace {

using testing::contains;
using testing::TempDir;

void writeFile(const std::filesystem::path& p, std::string_view content, mode_t mode) {
  int fd = ::open(p.c_str(), O_CREAT | O_WRONLY | O_TRUNC, mode);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::fchmod(fd, mode), 0);  // independent of the test's umask
  ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  ::close(fd);
}

// True when `b` opens what `a` sealed, i.e. both hold the same key.
bool sameKey(const KeyEncryptionKey& a, const KeyEncryptionKey& b) {
  auto plain = crypto::asBytes("probe");
  try {
    auto opened = b.open(a.seal(plain, "test/probe"), "test/probe");
    return std::ranges::equal(opened.view(), plain);
  } catch (const Error&) {
    return false;
  }
}

Error errorOf(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return Error(ErrorCode::Internal, "no error thrown");
}

class EnvironmentVariable {
 public:
  explicit EnvironmentVariable(const char* value) {
    if (value != nullptr)
      ::setenv(kKekEnvironmentVariable, value, 1);
    else
      ::unsetenv(kKekEnvironmentVariable);
  }
  ~EnvironmentVariable() { ::unsetenv(kKekEnvironmentVariable); }
};

const crypto::SecretBytes kKeyBytes(crypto::Bytes(32, 0xa5));
const std::string kKeyHex = crypto::toHex(kKeyBytes.view());

TEST(KeyEncryptionKey, ReadsAFileOfHexDigitsWithOrWithoutNewline) {
  TempDir dir;
  const KeyEncryptionKey expected(kKeyBytes);
  writeFile(dir / "with-newline", kKeyHex + "\n", 0600);
  writeFile(dir / "without-newline", kKeyHex, 0400);
  std::string upper = kKeyHex;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](char c) { return std::toupper(c); });
  writeFile(dir / "upper-case", upper + "\r\n", 0600);
  EXPECT_TRUE(sameKey(expected, KeyEncryptionKey::fromFile(dir / "with-newline")));
  EXPECT_TRUE(sameKey(expected, KeyEncryptionKey::fromFile(dir / "without-newline")));
  EXPECT_TRUE(sameKey(expected, KeyEncryptionKey::fromFile(dir / "upper-case")));
  EXPECT_TRUE(sameKey(expected, KeyEncryptionKey::load(dir / "with-newline")));
}

TEST(KeyEncryptionKey, RefusesAFileReadableByGroupOrOthers) {
  TempDir dir;
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    writeFile(dir / "kek", kKeyHex + "\n", mode);
    Error e = errorOf([&] { KeyEncryptionKey::fromFile(dir / "kek"); });
    EXPECT_EQ(e.code(), ErrorCode::Config) << e.what();
    EXPECT_TRUE(contains(e.what(), "group or others")) << e.what();
    EXPECT_TRUE(contains(e.what(), (dir / "kek").string())) << e.what();
    EXPECT_FALSE(contains(e.what(), kKeyHex)) << e.what();
  }
}

TEST(KeyEncryptionKey, RefusesWrongLengthOrNonHexWithoutShowingTheValue) {
  TempDir dir;
  const std::string nonHex = std::string(kKeyHex).replace(10, 1, "g");
  const std::string cases[] = {kKeyHex.substr(0, 62), kKeyHex + "00", nonHex, kKeyHex + "\nxx", ""};
  for (const auto& content : cases) {
    writeFile(dir / "kek", content, 0600);
    Error e = errorOf([&] { KeyEncryptionKey::fromFile(dir / "kek"); });
    EXPECT_EQ(e.code(), ErrorCode::Config) << e.what();
    if (content.size() >= 16) {
      EXPECT_FALSE(contains(e.what(), content.substr(0, 16))) << e.what();
    }
  }
}

TEST(KeyEncryptionKey, RefusesAMissingFile) {
  TempDir dir;
  Error e = errorOf([&] { KeyEncryptionKey::fromFile(dir / "absent"); });
  EXPECT_EQ(e.code(), ErrorCode::Config);
  EXPECT_TRUE(contains(e.what(), "absent")) << e.what();
}

TEST(KeyEncryptionKey, LoadsFromTheEnvironmentWhenNoFileIsGiven) {
  EnvironmentVariable env(kKeyHex.c_str());
  EXPECT_TRUE(sameKey(KeyEncryptionKey(kKeyBytes), KeyEncryptionKey::load(std::nullopt)));
}

TEST(KeyEncryptionKey, AFileTakesPrecedenceOverTheEnvironment) {
  TempDir dir;
  const crypto::SecretBytes other(crypto::Bytes(32, 0x3c));
  writeFile(dir / "kek", crypto::toHex(other.view()), 0600);
  EnvironmentVariable env(kKeyHex.c_str());
  EXPECT_TRUE(sameKey(KeyEncryptionKey(other), KeyEncryptionKey::load(dir / "kek")));
}

TEST(KeyEncryptionKey, RefusesAMissingOrMalformedEnvironmentVariable) {
  {
    EnvironmentVariable env(nullptr);
    Error e = errorOf([] { KeyEncryptionKey::load(std::nullopt); });
    EXPECT_EQ(e.code(), ErrorCode::Config);
    EXPECT_TRUE(contains(e.what(), kKekEnvironmentVariable)) << e.what();
  }
  {
    const std::string shortKey = kKeyHex.substr(0, 40);
    EnvironmentVariable env(shortKey.c_str());
    Error e = errorOf([] { KeyEncryptionKey::load(std::nullopt); });
    EXPECT_EQ(e.code(), ErrorCode::Config);
    EXPECT_TRUE(contains(e.what(), kKekEnvironmentVariable)) << e.what();
    EXPECT_FALSE(contains(e.what(), shortKey)) << e.what();
  }
}

TEST(KeyEncryptionKey, GenerateFileCreatesAPrivateFileOnce) {
  TempDir dir;
  const mode_t previous = ::umask(0);  // the file must be 0600 whatever the umask
  KeyEncryptionKey generated = KeyEncryptionKey::generateFile(dir / "kek");
  ::umask(previous);
  EXPECT_EQ(testing::fileMode(dir / "kek"), 0600u);
  const std::string content = testing::readFile(dir / "kek");
  EXPECT_EQ(content.size(), 65u);
  EXPECT_EQ(content.back(), '\n');
  EXPECT_TRUE(sameKey(generated, KeyEncryptionKey::fromFile(dir / "kek")));

  Error e = errorOf([&] { KeyEncryptionKey::generateFile(dir / "kek"); });
  EXPECT_EQ(e.code(), ErrorCode::Config);
  EXPECT_TRUE(contains(e.what(), "already exists")) << e.what();
  EXPECT_EQ(testing::readFile(dir / "kek"), content);

  EXPECT_FALSE(sameKey(generated, KeyEncryptionKey::generateFile(dir / "kek2")));
}

TEST(KeyEncryptionKey, RefusesAKeyOfTheWrongSize) { EXPECT_THROW(KeyEncryptionKey(crypto::SecretBytes(16)), Error); }

TEST(KeyEncryptionKey, SealedValuesOpenOnlyWithTheSameKeyAndPlace) {
  const KeyEncryptionKey kek(kKeyBytes);
  const KeyEncryptionKey otherKek(crypto::randomSecret(32));
  const crypto::SecretBytes secret = crypto::randomSecret(32);
  crypto::Bytes sealed = kek.seal(secret.view(), "enrolees/kpm/a");
  EXPECT_FALSE(testing::containsBytes(std::string(sealed.begin(), sealed.end()), secret.view()));
  EXPECT_TRUE(testing::sameBytes(kek.open(sealed, "enrolees/kpm/a"), secret));

  const std::string expected =
      "stored secret could not be decrypted (wrong key-encryption key, or the value was tampered "
      "with)";
  for (auto attempt : std::initializer_list<std::function<void()>>{
           [&] { kek.open(sealed, "enrolees/kpm/b"); }, [&] { otherKek.open(sealed, "enrolees/kpm/a"); },
           [&] {
             crypto::Bytes tampered = sealed;
             tampered[tampered.size() / 2] ^= 1;
             kek.open(tampered, "enrolees/kpm/a");
           },
           [&] { kek.open(crypto::Bytes(5, 0), "enrolees/kpm/a"); }}) {
    Error e = errorOf(attempt);
    EXPECT_EQ(e.code(), ErrorCode::Store);
    EXPECT_EQ(std::string(e.what()), expected);
  }
}

TEST(TokenRefusal, EachRefusalHasAClearDescription) {
  EXPECT_EQ(describe(TokenRefusal::Unknown), "enrolment token is unknown");
  EXPECT_EQ(describe(TokenRefusal::AlreadyUsed), "enrolment token was already used");
  EXPECT_EQ(describe(TokenRefusal::Revoked), "enrolment token was revoked");
  EXPECT_EQ(describe(TokenRefusal::Expired), "enrolment token expired");
  EXPECT_EQ(describe(TokenRefusal::BoundToAnotherEnrolee), "enrolment token is bound to another Enrolee");
  EXPECT_FALSE(describe(TokenRefusal::None).empty());
}

}  // namespace
}  // namespace rspf::store
