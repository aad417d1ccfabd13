// docs/operations.md stays true (issue 13 docs): its shell blocks run, in order, against a temporary
// root (/etc/rspf, /var/lib/rspf and /var/backups/rspf moved under it; systemctl, packaging and
// ownership steps left out: they need root and systemd, and CI checks the package itself). And every
// example configuration the package installs is accepted by its role's strict loader.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "bsf/bsf_config.hpp"
#include "ca_server/ca_server_config.hpp"
#include "common/child_process.hpp"
#include "maf/maf_config.hpp"
#include "mef/mef_config.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"
#include "target/target_config.hpp"

namespace rspf::testing {
namespace {

const std::filesystem::path kExamples = std::filesystem::path(RSPF_DOCS_DIR) / ".." / "packaging" / "examples";

std::string readAll(const std::filesystem::path& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

TEST(OperationsDoc, TheExampleConfigurationsAreAcceptedByTheirRoles) {
  EXPECT_NO_THROW(mef::loadMefConfig(kExamples / "mef.toml"));
  EXPECT_NO_THROW(target::loadTargetConfig(kExamples / "target.toml"));
  EXPECT_NO_THROW(maf::loadMafConfig(kExamples / "maf.toml"));
  EXPECT_NO_THROW(bsf::loadBsfConfig(kExamples / "bsf.toml"));
  EXPECT_NO_THROW(ca_server::loadCaServerConfig(kExamples / "ca.toml"));
}

TEST(OperationsDoc, ItsCommandsRunInOrder) {
  TempDir root;
  auto relocate = [&](std::string line) {
    for (const char* dir : {"/etc/rspf", "/var/lib/rspf", "/var/backups/rspf"})
      replaceAll(line, dir, root.path().string() + dir);
    return line;
  };
  for (const char* dir : {"etc/rspf/private", "var/lib/rspf", "var/backups/rspf"})
    std::filesystem::create_directories(root / dir);

  std::istringstream doc(readAll(std::filesystem::path(RSPF_DOCS_DIR) / "operations.md"));
  bool inBlock = false;
  std::size_t ran = 0;
  for (std::string line; std::getline(doc, line);) {
    if (line.rfind("```", 0) == 0) {
      inBlock = !inBlock;
      continue;
    }
    if (!inBlock) continue;
    if (auto comment = line.find("  #"); comment != std::string::npos) line.resize(comment);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (line.rfind("runuser -u rspf -- ", 0) == 0) line = line.substr(19);
    if (line.rfind("cp /usr/share/doc/rspf/examples/", 0) == 0) {
      std::istringstream words(line.substr(3));
      std::string from, to;
      words >> from >> to;
      auto text = relocate(readAll(kExamples / std::filesystem::path(from).filename()));
      std::ofstream(relocate(to)) << text;
      ++ran;
      continue;
    }
    replaceAll(line, "install -o rspf -g rspf ", "install ");
    if (line.rfind("rspf ", 0) != 0 && line.rfind("install ", 0) != 0 && line.rfind("rm ", 0) != 0) continue;
    if (line.rfind("rspf ", 0) == 0) line = std::string(RSPF_BINARY) + line.substr(4);
    line = relocate(line);
    auto r = runProcess({"sh", "-c", line}, "", std::chrono::seconds(60));
    EXPECT_EQ(r.exitCode, 0) << line << "\n" << r.out << r.err;
    ++ran;
  }
  EXPECT_GE(ran, 9u) << "the page lost its commands";
  EXPECT_TRUE(std::filesystem::exists(root / "etc/rspf/private/kek.2027"));
}

}  // namespace
}  // namespace rspf::testing
