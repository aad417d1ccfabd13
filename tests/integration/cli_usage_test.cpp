// What `rspf` says when its command line is wrong (issue 13 item 6): a "did you mean" for a mistyped
// subcommand or option, exit status 2 for usage errors (not CLI11's 106/109), global options after
// the subcommand, --version on every subcommand, a generated bash completion.
#include <gtest/gtest.h>

#include "common/child_process.hpp"
#include "support/test_paths.hpp"

namespace rspf::testing {
namespace {

ProcessResult rspf(std::vector<std::string> args) {
  args.insert(args.begin(), RSPF_BINARY);
  return runProcess(args);
}

TEST(CliUsage, AMistypedSubcommandGetsADidYouMean) {
  auto r = rspf({"enroll", "--mef", "https://x:1"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("unknown command 'enroll' for `rspf` (did you mean `enrol`?)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Run `rspf --help` for usage."), std::string::npos) << r.err;
  r = rspf({"admin", "enrolee", "lst"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("unknown command 'lst' for `rspf admin enrolee` (did you mean `list`?)"), std::string::npos)
      << r.err;
}

TEST(CliUsage, AMistypedOptionGetsADidYouMean) {
  auto r = rspf({"mef", "--confg", "mef.toml"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("(did you mean `--config`?)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Run `rspf mef --help`"), std::string::npos) << r.err;
}

TEST(CliUsage, UsageErrorsExitTwoAndHelpExitsZero) {
  EXPECT_EQ(rspf({}).exitCode, 2);
  EXPECT_EQ(rspf({"mef"}).exitCode, 2);  // --config is required
  EXPECT_EQ(rspf({"target", "--config", "/nonexistent.toml"}).exitCode, 2);
  auto help = rspf({"--help"});
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_NE(help.out.find("Exit status: 0 success, 1 failure"), std::string::npos) << help.out;
  EXPECT_EQ(rspf({"admin", "token", "--help"}).exitCode, 0);
  // A command that ran and failed is 1, not 2.
  EXPECT_EQ(
      rspf({"admin", "--store", "/nonexistent/mef.db", "--kek-file", "/nonexistent/kek", "enrolee", "list"}).exitCode,
      1);
}

TEST(CliUsage, GlobalOptionsAfterTheSubcommandAndVersionEverywhere) {
  auto r = rspf({"completion", "bash", "--log-level", "warn"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  for (std::vector<std::string> args : {std::vector<std::string>{"--version"},
                                        {"mef", "--version"},
                                        {"admin", "enrolee", "add", "--version"},
                                        {"ca", "serve", "--version"}}) {
    auto v = rspf(args);
    EXPECT_EQ(v.exitCode, 0) << args.front();
    EXPECT_NE(v.out.find("rspf 0.1.0"), std::string::npos) << v.out << v.err;
  }
  EXPECT_EQ(rspf({"demo", "--log-level", "loud"}).exitCode, 2);
}

TEST(CliUsage, BashCompletionNamesTheCommandTree) {
  auto r = rspf({"completion", "bash"});
  ASSERT_EQ(r.exitCode, 0);
  EXPECT_NE(r.out.find("complete -o filenames -F _rspf rspf"), std::string::npos);
  EXPECT_NE(r.out.find("_rspf_commands[\"rspf\"]=\""), std::string::npos);
  EXPECT_NE(r.out.find(" enrol "), std::string::npos);
  EXPECT_NE(r.out.find("_rspf_commands[\"rspf admin enrolee\"]=\""), std::string::npos);
  EXPECT_NE(r.out.find("_rspf_options[\"rspf mef\"]=\""), std::string::npos);
  // bash accepts it, and completes `rspf adm` and `rspf mef --con`.
  auto bash = runProcess({"bash", "-c",
                          "source /dev/stdin; COMP_WORDS=(rspf adm); COMP_CWORD=1; _rspf; echo \"${COMPREPLY[*]}\"; "
                          "COMP_WORDS=(rspf mef --con); COMP_CWORD=2; _rspf; echo \"${COMPREPLY[*]}\""},
                         r.out);
  EXPECT_EQ(bash.exitCode, 0) << bash.err;
  EXPECT_NE(bash.out.find("admin"), std::string::npos) << bash.out;
  EXPECT_NE(bash.out.find("--config"), std::string::npos) << bash.out;
}

}  // namespace
}  // namespace rspf::testing
