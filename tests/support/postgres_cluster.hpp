#pragma once
// Throwaway PostgreSQL 15 clusters for tests (PITFALLS.md): initdb as the postgres user when run as
// root, in a private temporary directory, listening on 127.0.0.1 only on a free port, password
// authentication with the password in a real file. One initdb per machine is kept as a template
// (under a lock); each cluster copies it, so starting one costs well under a second.
//
// PostgresCluster::shared() is the test process's cluster: started on first use, stopped at exit
// (a watchdog process stops it even if the test process dies). Each test takes a database of its
// own (createDatabase), so tests never see each other's rows.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rspf::testing {

class PostgresCluster {
 public:
  struct Options {
    bool fsync = false;                 // off for speed; durability across a crash is the failover test's business
    std::vector<std::string> settings;  // extra "-c name=value" server settings
  };

  static PostgresCluster& shared();

  // initdb (copied from the template) and start.
  explicit PostgresCluster(Options options);
  // A copy of another cluster's data taken with pg_basebackup (a streaming standby of `primary`
  // when `standby`); not started.
  PostgresCluster(const PostgresCluster& primary, bool standby, Options options);
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  void start();
  // "-m immediate": like losing the machine (no checkpoint; the WAL is what survives).
  void stopImmediately();
  void promote();
  bool running() const { return running_; }

  std::uint16_t port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& passfile() const { return passfile_; }

  // A new, empty database; its connection string.
  std::string createDatabase();
  // Connection string of database `name` (user rspf, password through passfile).
  std::string conninfo(const std::string& name) const;
  // Runs SQL (possibly several statements) in database `name`; returns the first column of the
  // last statement's rows, one per line.
  std::string sql(const std::string& name, const std::string& statements) const;

 private:
  void copyTemplate();
  void writeConfiguration();
  void startWatchdog();

  Options options_;
  std::filesystem::path dir_;
  std::filesystem::path data_;
  std::filesystem::path passfile_;
  std::uint16_t port_ = 0;
  bool running_ = false;
  pid_t watchdog_ = -1;
};

// Runs argv as the postgres user when this process is root (initdb refuses root), else as itself;
// throws std::runtime_error with its output unless it exits 0.
std::string runAsPostgres(const std::vector<std::string>& argv);

}  // namespace rspf::testing
