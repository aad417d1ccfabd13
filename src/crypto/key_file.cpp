#include "crypto/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/error.hpp"
#include "common/file_descriptor.hpp"
#include "crypto/encoding.hpp"

namespace rspf {
namespace {

constexpr std::size_t kMaxKeyFileBytes = 1024;

struct WipedBuffer {
  std::array<char, kMaxKeyFileBytes + 1> data{};
  ~WipedBuffer() { crypto::wipe(data.data(), data.size()); }
};

std::string quoted(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

std::string modeText(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// What is wrong with a key file's text, in words a device maker can act on ("" when it is hex).
// Never quotes the text: it may be most of a key.
std::string malformedKind(std::string_view text) {
  if (text.empty()) return "is empty: write the key as hex digits, e.g. `openssl rand -hex 16`";
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    return "starts with 0x: write the hex digits only, without the prefix";
  bool hex = true, base64 = true;
  for (char c : text) {
    const bool isHex = std::isxdigit(static_cast<unsigned char>(c)) != 0;
    hex = hex && isHex;
    base64 = base64 && (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/' || c == '=');
  }
  if (!hex && base64)
    return "looks like base64, not hex digits: convert it, e.g. `base64 -d <file | od -An -tx1 | tr -d ' \\n'`";
  if (!hex) return "holds characters that are not hex digits (whitespace inside, or a second line?)";
  if (text.size() % 2 != 0)
    return "has an odd number of hex digits (" + std::to_string(text.size()) + "): a digit is missing or extra";
  return "";
}

}  // namespace

crypto::SecretBytes parseHexKey(std::string_view text, std::string_view what, const std::string& source,
                                std::size_t expectedBytes) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  if (auto kind = malformedKind(text); !kind.empty())
    throw Error(ErrorCode::Config, std::string(what) + " from " + source + " " + kind);
  if (expectedBytes != 0 && text.size() != 2 * expectedBytes)
    throw Error(ErrorCode::Config, std::string(what) + " from " + source + " must be " +
                                       std::to_string(2 * expectedBytes) + " hex digits (got " +
                                       std::to_string(text.size()) + " characters)");
  auto bytes = crypto::fromHex(text);
  if (!bytes || bytes->empty())
    throw Error(ErrorCode::Config, std::string(what) + " from " + source + " is not hexadecimal digits");
  crypto::SecretBytes key(*bytes);
  crypto::wipe(bytes->data(), bytes->size());
  return key;
}

crypto::SecretBytes readHexKeyFile(const std::filesystem::path& file, std::string_view what,
                                   std::size_t expectedBytes) {
  const std::string source = "file " + quoted(file);
  FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd.valid())
    throw Error(ErrorCode::Config, "cannot read " + std::string(what) + " " + source + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    throw Error(ErrorCode::Config, std::string(what) + " " + source + " is not a regular file");
  // Group or other access lets another account read (or replace) the key.
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    throw Error(ErrorCode::Config, std::string(what) + " " + source + " is accessible by group or others (mode " +
                                       modeText(st.st_mode) + "); run: chmod 600 " + quoted(file));
  WipedBuffer buffer;
  std::size_t total = 0;
  while (total < buffer.data.size()) {
    ssize_t n = ::read(fd.get(), buffer.data.data() + total, buffer.data.size() - total);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw Error(ErrorCode::Config, "cannot read " + std::string(what) + " " + source + ": " + std::strerror(errno));
    if (n == 0) break;
    total += static_cast<std::size_t>(n);
  }
  if (total > kMaxKeyFileBytes) throw Error(ErrorCode::Config, std::string(what) + " " + source + " is too large");
  return parseHexKey(std::string_view(buffer.data.data(), total), what, source, expectedBytes);
}

void writeHexKeyFile(const std::filesystem::path& file, const crypto::SecretBytes& key, std::string_view what) {
  const std::string source = "file " + quoted(file);
  FileDescriptor fd(::open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOCTTY, 0600));
  if (!fd.valid()) {
    if (errno == EEXIST)
      throw Error(ErrorCode::Config, std::string(what) + " " + source + " already exists; refusing to overwrite it");
    throw Error(ErrorCode::Config, "cannot create " + std::string(what) + " " + source + ": " + std::strerror(errno));
  }
  std::string hex = crypto::toHex(key.view()) + "\n";
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
    throw Error(ErrorCode::Config, "cannot write " + std::string(what) + " " + source + ": " + std::strerror(saved));
  }
}

}  // namespace rspf
