#include "common/text_file.hpp"

#include <fstream>
#include <iterator>

#include "common/error.hpp"

namespace rspf {

std::string readTextFile(const std::filesystem::path& file, std::string_view what, std::size_t maxBytes) {
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  if (ec)
    throw Error(ErrorCode::Config,
                "cannot read the " + std::string(what) + " file " + file.string() + ": " + ec.message());
  if (size > maxBytes)
    throw Error(ErrorCode::Config, "the " + std::string(what) + " file " + file.string() + " is larger than " +
                                       std::to_string(maxBytes) + " bytes");
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof())
    throw Error(ErrorCode::Config, "cannot read the " + std::string(what) + " file " + file.string());
  return text;
}

}  // namespace rspf
