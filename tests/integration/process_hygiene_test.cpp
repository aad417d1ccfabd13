// Process hygiene of the real binary (issue 9 item 6): a MEF given $RSPF_KEK no longer shows it in
// /proc/<pid>/environ and runs without core dumps; the files rspf writes have their own mode
// whatever the umask.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "common/child_process.hpp"
#include "common/text_file.hpp"
#include "support/loopback_deployment.hpp"
#include "support/test_paths.hpp"

namespace rspf::testing {
namespace {

std::string readProc(pid_t pid, const char* file) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned modeOf(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

TEST(ProcessHygiene, TheKekFromTheEnvironmentLeavesProcEnvironAndCoreDumpsAreOff) {
  LoopbackDeployment d;
  d.addEnrolee("cse1.test.example");
  std::string kek = readTextFile(d.dir() / "kek", "the KEK");
  kek = kek.substr(0, 64);
  {
    std::ofstream(d.dir() / "env-mef.toml") << "[mef]\nfqdn = \"mef.test.example\"\nlisten = \"127.0.0.1:0\"\n"
                                               "ready_file = \"env-mef.ready\"\n\n[store]\nsqlite = \"mef.db\"\n";
  }
  ChildProcess mef({RSPF_BINARY, "mef", "--config", (d.dir() / "env-mef.toml").string()}, d.dir() / "env-mef.log",
                   {"RSPF_KEK=" + kek});
  auto address = waitForReadyFile(d.dir() / "env-mef.ready", mef);
  const auto environment = readProc(mef.pid(), "environ");
  EXPECT_FALSE(environment.empty());
  EXPECT_EQ(environment.find(kek), std::string::npos) << "the KEK is readable in /proc/<pid>/environ";
  EXPECT_EQ(environment.find("RSPF_KEK="), std::string::npos);
  EXPECT_NE(environment.find("PATH="), std::string::npos);  // the rest of the environment is untouched
  const auto limits = readProc(mef.pid(), "limits");
  EXPECT_TRUE(std::regex_search(limits, std::regex("Max core file size +0 +0 "))) << limits;
  // And it works with the key it took.
  auto r = d.rspf({"enrol", "--mef", "https://" + address, "--mef-fqdn", LoopbackDeployment::kMefFqdn, "--kpm-id",
                   "cse1.test.example-kpm", "--kpm-file", d.kpmFile("cse1.test.example").string(), "--credentials",
                   d.credentialFile("cse1.test.example").string()});
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
}

class Umask {
 public:
  explicit Umask(mode_t mask) : previous_(::umask(mask)) {}
  ~Umask() { ::umask(previous_); }

 private:
  mode_t previous_;
};

TEST(ProcessHygiene, OutputFilesHaveTheirModeWhateverTheUmask) {
  LoopbackDeployment d;
  d.addEnrolee("cse1.test.example");
  d.createCertificateAuthority({"test.example"});
  auto admin = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"admin", "--config", (d.dir() / "mef.toml").string()});
    auto r = d.rspf(args);
    EXPECT_EQ(r.exitCode, 0) << r.err;
  };
  {
    Umask open(0);
    d.startMef("\n[observability]\nlisten = \"127.0.0.1:0\"\nready_file = \"obs.ready\"\n");
    d.waitForMefReadyFile("obs.ready");
    EXPECT_EQ(modeOf(d.dir() / "mef.ready"), 0644u);
    EXPECT_EQ(modeOf(d.dir() / "obs.ready"), 0644u);
    d.stopMef();
    admin({"ca", "crl", "--out", (d.dir() / "crl.pem").string()});
    EXPECT_EQ(modeOf(d.dir() / "crl.pem"), 0644u);
    admin({"enrolee", "disable", "cse1.test.example"});
    admin({"audit", "archive", "--before", toRfc3339(now() + std::chrono::seconds(5)), "--out",
           (d.dir() / "archive.json").string()});
    EXPECT_EQ(modeOf(d.dir() / "archive.json"), 0600u);
    auto init = d.rspf(
        {"admin", "--store", (d.dir() / "new.db").string(), "--kek-file", (d.dir() / "new.kek").string(), "init"});
    ASSERT_EQ(init.exitCode, 0) << init.err;
    EXPECT_EQ(modeOf(d.dir() / "new.db"), 0600u);
    EXPECT_EQ(modeOf(d.dir() / "new.kek"), 0600u);
  }
  {
    Umask closed(077);
    admin({"ca", "crl", "--out", (d.dir() / "crl2.pem").string()});
    EXPECT_EQ(modeOf(d.dir() / "crl2.pem"), 0644u);  // public, explicitly
  }
}

}  // namespace
}  // namespace rspf::testing
