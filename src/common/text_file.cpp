#include "common/text_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/file_descriptor.hpp"

namespace rspf {

std::string readTextFile(const std::filesystem::path& file, std::string_view what, std::size_t maxBytes) {
  auto fail = [&](const std::string& reason) {
    return Error(ErrorCode::Config, "cannot read " + std::string(what) + " " + file.string() + ": " + reason);
  };
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  if (ec) throw fail(ec.message());
  if (size > maxBytes) throw fail("larger than " + std::to_string(maxBytes) + " bytes");
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  if (!in || !(s << in.rdbuf())) throw fail("read error");
  return s.str();
}

void writeTextFile(const std::filesystem::path& file, std::string_view content, unsigned mode) {
  auto temp = file.string() + ".tmp";
  std::filesystem::remove(temp);
  auto fail = [&](const char* step) {
    std::string reason = std::strerror(errno);
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw Error(ErrorCode::Config, std::string("cannot ") + step + " " + file.string() + ": " + reason);
  };
  {
    FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, mode & 0600));
    if (!fd.valid()) fail("create");
    if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) fail("set the mode of");
    std::size_t written = 0;
    while (written < content.size()) {
      auto n = ::write(fd.get(), content.data() + written, content.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail("write");
      written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) fail("write");
  }
  if (::rename(temp.c_str(), file.c_str()) != 0) fail("replace");
}

void writePrivateTextFile(const std::filesystem::path& file, std::string_view content) {
  writeTextFile(file, content, 0600);
}

void writeReadyFile(const std::filesystem::path& file, const std::string& host, std::uint16_t port) {
  writeTextFile(file, host + ":" + std::to_string(port) + "\n", kPublicFileMode);
}

}  // namespace rspf
