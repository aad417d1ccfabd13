#include "common/text_file.hpp"

#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace rspf {

std::string readTextFile(const std::filesystem::path& file, std::string_view what) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  if (!in || !(s << in.rdbuf()))
    throw Error(ErrorCode::Config, "cannot read " + std::string(what) + " " + file.string());
  return s.str();
}

void writeReadyFile(const std::filesystem::path& file, const std::string& host, std::uint16_t port) {
  auto temp = file.string() + ".tmp";
  {
    std::ofstream out(temp);
    out << host << ":" << port << "\n";
  }
  std::filesystem::rename(temp, file);
}

}  // namespace rspf
