#include "cse_front_bench.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <thread>

#include "bench_options.hpp"
#include "common/time.hpp"
#include "cse_front/cse_front.hpp"
#include "machine_facts.hpp"
#include "support/cse_stand_in.hpp"
#include "transport/https/http_client.hpp"
#include "transport/https/https_client.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Steady = std::chrono::steady_clock;

constexpr const char* kFrontId = "cse1.bench.example";
constexpr const char* kIdentity = "00112233445566778899aabbccddeeff@mef.bench.example";

struct Options {
  int clients = 1;
  double seconds = 3;
  int frontThreads = 1;
  std::optional<double> maxAddedMs;
};

const char* kUsage =
    "usage: rspf_bench cse-front [options]\n"
    "  --clients N          concurrent clients, each on its own kept-alive connection (default 1)\n"
    "  --seconds S          length of each phase (default 3)\n"
    "  --front-threads T    the front's network threads (default 1)\n"
    "  --max-added-ms X     exit 3 when the front adds more than X ms at p50\n"
    "Phases: direct (plain HTTP, kept alive, to the CSE stand-in), then through the front (TLS 1.2 PSK,\n"
    "kept alive, to an HttpsServer with cse_front::CseFront forwarding to the same stand-in). Each\n"
    "request is a oneM2M retrieve of the <CSEBase> with X-M2M-Origin, X-M2M-RI and X-M2M-RVI.\n";

std::optional<Options> parse(const std::vector<std::string>& args) {
  Options o;
  auto onValue = [&o](const std::string& a, const std::string& v) {
    if (a == "--clients") o.clients = intOption(a, v, 1);
    if (a == "--seconds") o.seconds = positiveOption(a, v);
    if (a == "--front-threads") o.frontThreads = intOption(a, v, 1);
    if (a == "--max-added-ms") o.maxAddedMs = positiveOption(a, v);
  };
  if (!walkOptions(
          args, {}, {"--clients", "--seconds", "--front-threads", "--max-added-ms"}, [](const std::string&) {},
          onValue))
    return std::nullopt;
  return o;
}

// The Enrolee's key as the target would have fetched it from the MEF.
class FixedKeyResolver : public tls::PskIdentityResolver {
 public:
  std::optional<tls::ResolvedPsk> resolve(std::string_view identity) override {
    if (identity != kIdentity) return std::nullopt;
    tls::ResolvedPsk r;
    r.psk = crypto::SecretBytes(std::size_t{32});
    r.framework = "target-key";
    r.principal = "ae1.bench.example";
    r.attributes = {{"credentialId", "12-00112233445566778899aabbccddeeff-22@mef.bench.example"},
                    {"lifetime", toRfc3339(now() + std::chrono::hours(1))}};
    return r;
  }
};

struct Phase {
  std::string name;
  long requests = 0;
  long failures = 0;
  double seconds = 0;
  std::vector<double> latenciesUs;
  double percentile(double p) const {
    if (latenciesUs.empty()) return 0;
    auto v = latenciesUs;
    auto at = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<long>(at), v.end());
    return v[at];
  }
};

transport::HttpRequest retrieve(long n) {
  return {"GET", "/cse-in", {{"X-M2M-Origin", "Cae1"}, {"X-M2M-RI", "b-" + std::to_string(n)}, {"X-M2M-RVI", "3"}}, ""};
}

// Runs `clients` threads, each with its own connection from `open`, until the deadline.
template <typename Open>
Phase load(const std::string& name, const Options& o, Open open) {
  Phase phase;
  phase.name = name;
  std::vector<std::vector<double>> perThread(static_cast<std::size_t>(o.clients));
  std::atomic<long> failures{0};
  auto start = Steady::now();
  auto deadline = start + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  for (int t = 0; t < o.clients; ++t)
    threads.emplace_back([&, t] {
      auto send = open();
      long n = 0;
      while (Steady::now() < deadline) {
        auto before = Steady::now();
        int status = send(retrieve(++n));
        auto us = std::chrono::duration<double, std::micro>(Steady::now() - before).count();
        if (status != 200) {
          ++failures;
        } else {
          perThread[static_cast<std::size_t>(t)].push_back(us);
        }
      }
    });
  for (auto& t : threads) t.join();
  phase.seconds = std::chrono::duration<double>(Steady::now() - start).count();
  for (auto& v : perThread) phase.latenciesUs.insert(phase.latenciesUs.end(), v.begin(), v.end());
  phase.requests = static_cast<long>(phase.latenciesUs.size());
  phase.failures = failures;
  return phase;
}

// A kept-alive plain HTTP/1.1 connection to the stand-in.
struct DirectClient {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  std::string host;
  explicit DirectClient(const transport::Url& url) : host(url.host + ":" + std::to_string(url.port)) {
    asio::ip::tcp::resolver resolver(ioc);
    stream.connect(resolver.resolve(url.host, std::to_string(url.port)));
    stream.socket().set_option(asio::ip::tcp::no_delay(true));
  }
  int operator()(const transport::HttpRequest& r) {
    http::request<http::string_body> req{http::verb::get, r.target, 11};
    req.set(http::field::host, host);
    for (const auto& [k, v] : r.headers) req.set(k, v);
    req.keep_alive(true);
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    return static_cast<int>(res.result_int());
  }
};

void print(const Phase& p) {
  std::printf("  %-8s %8ld requests  %9.0f req/s  p50 %7.1f us  p90 %7.1f us  p99 %7.1f us  failures %ld\n",
              p.name.c_str(), p.requests, static_cast<double>(p.requests) / p.seconds, p.percentile(0.5),
              p.percentile(0.9), p.percentile(0.99), p.failures);
}

}  // namespace

int cseFrontBench(const std::vector<std::string>& args) {
  int exitStatus = 0;
  auto parsed = parseBenchOptions("cse-front", kUsage, parse, args, exitStatus);
  if (!parsed) return exitStatus;
  const Options& o = *parsed;
  spdlog::set_level(spdlog::level::warn);  // a deployed front logs each request at info: see performance.md

  testing::CseStandInOptions standInOptions;
  standInOptions.recordRequests = false;
  testing::CseStandIn cse(standInOptions);
  auto url = *transport::parseHttpUrl(cse.url());

  cse_front::FrontSettings settings;
  settings.upstream.url = url;
  settings.upstream.poolSize = static_cast<std::size_t>(std::max(8, o.clients));
  settings.mapping = {"C", ".bench.example"};
  cse_front::CseFront front(settings, kFrontId);
  FixedKeyResolver resolver;
  transport::HttpsServerSettings serverSettings;
  serverSettings.threads = o.frontThreads;
  serverSettings.tls.serverName = kFrontId;
  transport::HttpsServer server(serverSettings, resolver,
                                [&](const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
                                  return front.forward(peer, request);
                                });
  server.start();

  std::cout << "rspf_bench cse-front: " << o.clients << " client(s), " << o.seconds << " s per phase, front threads "
            << o.frontThreads << "\n";
  for (const auto& fact : machineFacts(std::filesystem::temp_directory_path()))
    if (fact.name == "cpus" || fact.name == "cpu" || fact.name == "openssl" || fact.name == "kernel")
      std::cout << "  " << fact.name << ": " << fact.value << "\n";
  auto direct = load("direct", o, [&] {
    auto client = std::make_shared<DirectClient>(url);
    return [client](const transport::HttpRequest& r) { return (*client)(r); };
  });
  print(direct);
  auto endpoint = transport::HttpsEndpoint{"127.0.0.1", server.port()};
  auto fronted = load("front", o, [&] {
    auto client = std::make_shared<transport::HttpsClient>(
        endpoint, tls::PskClientSettings{kFrontId, false},
        tls::PskClientCredentials{kIdentity, crypto::SecretBytes(std::size_t{32})});
    return [client](const transport::HttpRequest& r) { return client->request(r).status; };
  });
  print(fronted);
  server.stop();
  server.wait();

  double added = (fronted.percentile(0.5) - direct.percentile(0.5)) / 1000.0;
  std::printf("  the front adds %.3f ms at p50 (%.3f ms at p99); throughput %.2f of direct\n", added,
              (fronted.percentile(0.99) - direct.percentile(0.99)) / 1000.0,
              (static_cast<double>(fronted.requests) / fronted.seconds) /
                  (static_cast<double>(direct.requests) / direct.seconds));
  if (direct.failures + fronted.failures > 0 || direct.requests == 0 || fronted.requests == 0) {
    std::cerr << "rspf_bench cse-front: requests failed\n";
    return 1;
  }
  if (o.maxAddedMs && added > *o.maxAddedMs) return 3;
  return 0;
}

}  // namespace rspf::bench
