#include "support/postgres_cluster.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <pqxx/pqxx>
#include <stdexcept>
#include <thread>

#include "common/child_process.hpp"
#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"

namespace rspf::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kBin = "/usr/lib/postgresql/15/bin";
const fs::path kTemplate = fs::temp_directory_path() / "rspf-pg15-template-v1";

bool isRoot() { return ::geteuid() == 0; }

void giveToPostgres(const fs::path& p) {
  if (!isRoot()) return;
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr) throw std::runtime_error("no postgres user (scripts/setup.sh installs postgresql-15)");
  if (::chown(p.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("cannot chown " + p.string());
}

void writePrivateFile(const fs::path& p, const std::string& text) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + p.string());
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + p.string());
}

std::string readText(const fs::path& p) {
  std::ifstream in(p);
  std::string s;
  std::getline(in, s);
  return s;
}

std::uint16_t freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t n = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n) != 0)
    throw std::runtime_error("no free port");
  ::close(fd);
  return ntohs(a.sin_port);
}

fs::path makePrivateDir(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + ".XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  giveToPostgres(pattern);
  return pattern;
}

// Makes the template cluster once per machine, under a lock (several test processes start at once).
void ensureTemplate() {
  const fs::path lockFile = kTemplate.string() + ".lock";
  int lock = ::open(lockFile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) throw std::runtime_error("cannot lock " + lockFile.string());
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }
  } unlock{lock};
  if (fs::exists(kTemplate / "data" / "PG_VERSION") && fs::exists(kTemplate / "password")) return;
  const fs::path building = makePrivateDir(kTemplate.filename().string() + ".building");
  writePrivateFile(building / "password", crypto::toHex(crypto::randomBytes(16)) + "\n");
  giveToPostgres(building / "password");
  runAsPostgres({(kBin / "initdb").string(), "-D", (building / "data").string(), "-U", "rspf",
                 "--pwfile=" + (building / "password").string(), "-A", "scram-sha-256", "-E", "UTF8",
                 "--locale=C.UTF-8", "--no-sync"});
  fs::remove_all(kTemplate);
  fs::rename(building, kTemplate);
}

std::atomic<int> databases{0};

}  // namespace

std::string runAsPostgres(const std::vector<std::string>& argv) {
  std::vector<std::string> full;
  if (isRoot()) full = {"runuser", "-u", "postgres", "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  auto r = runProcess(full, "", std::chrono::seconds(60));
  if (r.exitCode != 0)
    throw std::runtime_error(argv.front() + " failed (" + std::to_string(r.exitCode) + "): " + r.err + r.out);
  return r.out;
}

PostgresCluster& PostgresCluster::shared() {
  static PostgresCluster cluster(Options{});
  return cluster;
}

PostgresCluster::PostgresCluster(Options options) : options_(std::move(options)) {
  ensureTemplate();
  dir_ = makePrivateDir("rspf-pg");
  data_ = dir_ / "data";
  copyTemplate();
  startWatchdog();
  for (int attempt = 0;; ++attempt) {
    port_ = freePort();
    writeConfiguration();
    try {
      start();
      break;
    } catch (const std::runtime_error&) {
      if (attempt >= 4) throw;
    }
  }
}

PostgresCluster::PostgresCluster(const PostgresCluster& primary, bool standby, Options options)
    : options_(std::move(options)) {
  dir_ = makePrivateDir("rspf-pg");
  data_ = dir_ / "data";
  passfile_ = dir_ / "pgpass";
  fs::copy_file(primary.passfile_, passfile_);
  const fs::path postgresPassfile = dir_ / "pgpass.postgres";
  fs::copy_file(primary.passfile_, postgresPassfile);
  giveToPostgres(postgresPassfile);
  std::vector<std::string> argv = {"env",
                                   "PGPASSFILE=" + postgresPassfile.string(),
                                   (kBin / "pg_basebackup").string(),
                                   "-h",
                                   "127.0.0.1",
                                   "-p",
                                   std::to_string(primary.port_),
                                   "-U",
                                   "rspf",
                                   "-D",
                                   data_.string(),
                                   "-X",
                                   "stream",
                                   "--no-sync"};
  if (standby) argv.push_back("-R");
  runAsPostgres(argv);
  startWatchdog();
  port_ = freePort();
  writeConfiguration();
}

PostgresCluster::~PostgresCluster() {
  if (running_) {
    try {
      stopImmediately();
    } catch (const std::exception&) {
    }
  }
  if (watchdog_ > 0) {
    ::kill(watchdog_, SIGKILL);
    ::waitpid(watchdog_, nullptr, 0);
  }
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

void PostgresCluster::copyTemplate() {
  runAsPostgres({"cp", "-a", (kTemplate / "data").string(), data_.string()});
  passfile_ = dir_ / "pgpass";
  writePrivateFile(passfile_, "127.0.0.1:*:*:rspf:" + readText(kTemplate / "password") + "\n");
}

void PostgresCluster::writeConfiguration() {
  std::ofstream conf(data_ / "postgresql.conf", std::ios::app);
  conf << "\n# rspf test cluster\nport = " << port_ << "\nlisten_addresses = '127.0.0.1'\n"
       << "unix_socket_directories = '" << dir_.string() << "'\n"
       << "fsync = " << (options_.fsync ? "on" : "off") << "\nmax_connections = 100\nshared_buffers = 16MB\n"
       << "logging_collector = off\n";
  for (const auto& s : options_.settings) conf << s << "\n";
}

void PostgresCluster::start() {
  runAsPostgres({(kBin / "pg_ctl").string(), "-D", data_.string(), "-l", (dir_ / "server.log").string(), "-w", "-t",
                 "30", "start"});
  running_ = true;
}

void PostgresCluster::stopImmediately() {
  runAsPostgres({(kBin / "pg_ctl").string(), "-D", data_.string(), "-m", "immediate", "-w", "stop"});
  running_ = false;
}

void PostgresCluster::promote() { runAsPostgres({(kBin / "pg_ctl").string(), "-D", data_.string(), "-w", "promote"}); }

// A process that outlives this one only to stop the cluster and remove its directory when this
// process ends without doing so (a crash, a timeout kill).
void PostgresCluster::startWatchdog() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::string stop = (kBin / "pg_ctl").string() + " -D '" + data_.string() + "' -m immediate -w stop";
  if (isRoot()) stop = "runuser -u postgres -- " + stop;
  const std::string command = stop + " >/dev/null 2>&1; rm -rf '" + dir_.string() + "'";
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::setsid();
    ::close(fds[1]);
    char c;
    while (::read(fds[0], &c, 1) < 0 && errno == EINTR) {
    }
    ::execv("/bin/sh", const_cast<char* const*>(argv));
    ::_exit(127);
  }
  ::close(fds[0]);
  // The write end stays open (close-on-exec) until this process ends.
  watchdog_ = pid;
}

std::string PostgresCluster::conninfo(const std::string& name) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + name +
         " user=rspf passfile=" + passfile_.string() + " connect_timeout=5";
}

std::string PostgresCluster::createDatabase() {
  const std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(++databases);
  pqxx::connection c(conninfo("postgres"));
  pqxx::nontransaction(c).exec("CREATE DATABASE " + name + " STRATEGY FILE_COPY");
  return conninfo(name);
}

std::string PostgresCluster::sql(const std::string& name, const std::string& statements) const {
  pqxx::connection c(conninfo(name));
  pqxx::nontransaction tx(c);
  auto r = tx.exec(statements);
  std::string out;
  for (const auto& row : r) out += (row[0].is_null() ? std::string() : row[0].as<std::string>()) + "\n";
  return out;
}

}  // namespace rspf::testing
