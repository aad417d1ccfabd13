#include "common/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace rspf {

void writePrivateFile(const std::filesystem::path& path, std::string_view content, bool exclusive) {
  int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (exclusive ? O_EXCL : 0);
  int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) throw Error(ErrorCode::Config, "cannot create " + path.string() + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  std::size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n <= 0) {
      ::close(fd);
      throw Error(ErrorCode::Config, "cannot write " + path.string());
    }
    written += static_cast<std::size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
}

void replacePrivateFile(const std::filesystem::path& path, std::string_view content) {
  auto temp = path.string() + ".tmp";
  std::filesystem::remove(temp);
  writePrivateFile(temp, content, true);
  std::filesystem::rename(temp, path);
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::Config, "cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void requirePrivateFile(const std::filesystem::path& path, std::string_view what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw Error(ErrorCode::Config,
                "cannot read the " + std::string(what) + " " + path.string() + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0)
    throw Error(ErrorCode::Config, "the " + std::string(what) + " " + path.string() +
                                       " must be a regular file only its owner may access (chmod 600)");
}

}  // namespace rspf
