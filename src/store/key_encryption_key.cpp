#include "store/key_encryption_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "common/error.hpp"
#include "crypto/aead.hpp"
#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"

namespace rspf::store {
namespace {

constexpr std::size_t kKeyHexSize = 2 * crypto::kAeadKeySize;

// Closes a POSIX file descriptor on scope exit.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_;
};

// Keeps hex text of the key in a buffer that is wiped on scope exit.
template <std::size_t N>
struct WipedBuffer {
  std::array<char, N> data{};
  ~WipedBuffer() { crypto::wipe(data.data(), data.size()); }
};

std::string inQuotes(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string modeText(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// `text`: 64 hex digits, optionally followed by a newline. `source` names where it came from.
crypto::SecretBytes parseKeyHex(std::string_view text, const std::string& source) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (text.size() != kKeyHexSize)
    throw Error(ErrorCode::Config, "key-encryption key from " + source + " must be " +
                                       std::to_string(kKeyHexSize) + " hex digits (got " +
                                       std::to_string(text.size()) + " characters)");
  auto bytes = crypto::fromHex(text);
  if (!bytes)
    throw Error(ErrorCode::Config,
                "key-encryption key from " + source + " is not hexadecimal (64 digits 0-9a-f)");
  crypto::SecretBytes key(*bytes);
  crypto::wipe(bytes->data(), bytes->size());
  return key;
}

}  // namespace

KeyEncryptionKey::KeyEncryptionKey(crypto::SecretBytes key) : key_(std::move(key)) {
  if (key_.size() != crypto::kAeadKeySize)
    throw Error(ErrorCode::Config,
                "key-encryption key must be " + std::to_string(crypto::kAeadKeySize) + " bytes");
}

KeyEncryptionKey KeyEncryptionKey::load(const std::optional<std::filesystem::path>& file) {
  if (file) return fromFile(*file);
  const char* value = std::getenv(kKekEnvironmentVariable);
  if (value == nullptr || *value == '\0')
    throw Error(ErrorCode::Config, std::string("no key-encryption key: give a key file or set ") +
                                       kKekEnvironmentVariable + " (64 hex digits)");
  return KeyEncryptionKey(
      parseKeyHex(value, std::string("environment variable ") + kKekEnvironmentVariable));
}

KeyEncryptionKey KeyEncryptionKey::fromFile(const std::filesystem::path& file) {
  const std::string source = "file " + inQuotes(file.c_str());
  FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd.valid())
    throw Error(ErrorCode::Config,
                "cannot read key-encryption key " + source + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    throw Error(ErrorCode::Config, "key-encryption key " + source + " is not a regular file");
  // Group or other access lets another account read (or replace) the key protecting every secret.
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    throw Error(ErrorCode::Config,
                "key-encryption key " + source + " is accessible by group or others (mode " +
                    modeText(st.st_mode) + "); run: chmod 600 " + inQuotes(file.c_str()));

  // Room for the key, a CR LF, and one byte more to detect an over-long file.
  WipedBuffer<kKeyHexSize + 3> buffer;
  std::size_t total = 0;
  while (total < buffer.data.size()) {
    ssize_t n = ::read(fd.get(), buffer.data.data() + total, buffer.data.size() - total);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw Error(ErrorCode::Config,
                  "cannot read key-encryption key " + source + ": " + std::strerror(errno));
    if (n == 0) break;
    total += static_cast<std::size_t>(n);
  }
  return KeyEncryptionKey(parseKeyHex(std::string_view(buffer.data.data(), total), source));
}

KeyEncryptionKey KeyEncryptionKey::generateFile(const std::filesystem::path& file) {
  const std::string source = "file " + inQuotes(file.c_str());
  FileDescriptor fd(::open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOCTTY, 0600));
  if (!fd.valid()) {
    if (errno == EEXIST)
      throw Error(ErrorCode::Config,
                  "key-encryption key " + source + " already exists; refusing to overwrite it");
    throw Error(ErrorCode::Config,
                "cannot create key-encryption key " + source + ": " + std::strerror(errno));
  }
  crypto::SecretBytes key = crypto::randomSecret(crypto::kAeadKeySize);
  std::string hex = crypto::toHex(key.view());
  hex += '\n';
  std::size_t written = 0;
  bool failed = false;
  while (written < hex.size()) {
    ssize_t n = ::write(fd.get(), hex.data() + written, hex.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed = true;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  crypto::wipe(hex.data(), hex.size());
  if (failed || ::fsync(fd.get()) != 0) {
    const int saved = errno;
    ::unlink(file.c_str());
    throw Error(ErrorCode::Config,
                "cannot write key-encryption key " + source + ": " + std::strerror(saved));
  }
  return KeyEncryptionKey(std::move(key));
}

crypto::Bytes KeyEncryptionKey::seal(crypto::ByteView plaintext, std::string_view where) const {
  return crypto::aeadSeal(key_, plaintext, "rspf/v1/" + std::string(where));
}

crypto::SecretBytes KeyEncryptionKey::open(crypto::ByteView sealed, std::string_view where) const {
  auto plain = crypto::aeadOpen(key_, sealed, "rspf/v1/" + std::string(where));
  if (!plain)
    throw Error(ErrorCode::Store,
                "stored secret could not be decrypted (wrong key-encryption key, or the value was "
                "tampered with)");
  return std::move(*plain);
}

}  // namespace rspf::store
