#include "support/cse_stand_in.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace rspf::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using nlohmann::json;

namespace {

bool sameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

struct TypeInfo {
  int ty;
  const char* shortName;
  const char* idPrefix;
};
constexpr TypeInfo kTypes[] = {
    {2, "m2m:ae", "CAE"}, {3, "m2m:cnt", "cnt"}, {4, "m2m:cin", "cin"}, {5, "m2m:cb", "cb"}, {19, "m2m:asar", "asar"}};

const TypeInfo* typeOf(int ty) {
  for (const auto& t : kTypes)
    if (t.ty == ty) return &t;
  return nullptr;
}

struct Resource {
  int ty = 0;
  json attributes;
  std::string creator;
};

struct Answer {
  int status = 200;
  int rsc = 2000;
  json body;  // null: none
  std::string contentLocation;
};

Answer error(int status, int rsc, const std::string& why) { return {status, rsc, json{{"m2m:dbg", why}}, ""}; }

std::string pathOf(std::string_view target) {
  auto p = std::string(target.substr(0, target.find('?')));
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

std::optional<int> resourceTypeOf(std::string_view contentType) {
  auto at = contentType.find("ty=");
  if (at == std::string_view::npos) return std::nullopt;
  int ty = 0;
  bool digits = false;
  for (auto i = at + 3; i < contentType.size() && std::isdigit(static_cast<unsigned char>(contentType[i])); ++i) {
    ty = ty * 10 + (contentType[i] - '0');
    digits = true;
  }
  return digits ? std::optional<int>(ty) : std::nullopt;
}

}  // namespace

std::optional<std::string> ReceivedRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (sameName(k, name)) return v;
  return std::nullopt;
}

std::size_t ReceivedRequest::count(std::string_view name) const {
  std::size_t n = 0;
  for (const auto& [k, v] : headers)
    if (sameName(k, name)) ++n;
  return n;
}

struct CseStandIn::Impl {
  CseStandInOptions options;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::thread acceptThread;
  std::atomic<bool> stopping{false};
  std::atomic<long> delayMs{0};
  std::atomic<std::size_t> accepted{0};

  mutable std::mutex mutex;  // resources, received, counter
  std::map<std::string, Resource> resources;
  std::vector<ReceivedRequest> log;
  int counter = 0;

  std::mutex connectionsMutex;
  std::vector<std::shared_ptr<tcp::socket>> sockets;
  std::vector<std::thread> threads;

  explicit Impl(CseStandInOptions o) : options(std::move(o)) {
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), options.port);
    acceptor.open(ep.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen();
    // Processes the test starts (rspf target) must not inherit the listener: a stopped stand-in
    // would still accept connections through their copy.
    ::fcntl(acceptor.native_handle(), F_SETFD, FD_CLOEXEC);
    Resource base;
    base.ty = 5;
    base.attributes = {{"ty", 5},
                       {"ri", "id-in"},
                       {"rn", options.cseBase},
                       {"csi", options.cseId},
                       {"ct", "20261201T000000"},
                       {"lt", "20261201T000000"},
                       {"srt", {2, 3, 4, 5, 19}}};
    resources["/" + options.cseBase] = base;
    acceptThread = std::thread([this] { acceptLoop(); });
  }

  void acceptLoop() {
    while (!stopping) {
      pollfd p{acceptor.native_handle(), POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      auto socket = std::make_shared<tcp::socket>(ioc);
      beast::error_code ec;
      acceptor.accept(*socket, ec);
      if (ec) continue;
      socket->set_option(tcp::no_delay(true), ec);
      ::fcntl(socket->native_handle(), F_SETFD, FD_CLOEXEC);
      ++accepted;
      std::lock_guard lock(connectionsMutex);
      if (stopping) return;
      sockets.push_back(socket);
      threads.emplace_back([this, socket] { serve(socket); });
    }
  }

  void serve(const std::shared_ptr<tcp::socket>& socket) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(4 * 1024 * 1024);
      beast::error_code ec;
      http::read(*socket, buffer, parser, ec);
      if (ec || stopping) break;
      auto req = parser.release();
      ReceivedRequest received{std::string(req.method_string()), std::string(req.target()), {}, req.body()};
      for (const auto& f : req) received.headers.emplace_back(f.name_string(), f.value());
      for (long waited = 0; waited < delayMs && !stopping; waited += 10)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (stopping) break;
      auto answer = handle(received);
      http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
      res.set(http::field::server, "cse-stand-in");
      res.set("Set-Cookie", "stand-in-session=1");  // a header the front must not pass back
      res.set("X-M2M-RSC", std::to_string(answer.rsc));
      if (auto ri = received.header("X-M2M-RI")) res.set("X-M2M-RI", *ri);
      if (auto rvi = received.header("X-M2M-RVI")) res.set("X-M2M-RVI", *rvi);
      if (!answer.contentLocation.empty()) res.set(http::field::content_location, answer.contentLocation);
      if (!answer.body.is_null()) {
        res.set(http::field::content_type, "application/json");
        res.body() = answer.body.dump(-1, ' ', false, json::error_handler_t::replace);
      }
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::write(*socket, res, ec);
      if (ec || !req.keep_alive()) break;
    }
    beast::error_code ignored;
    socket->shutdown(tcp::socket::shutdown_both, ignored);
  }

  std::string next(const char* prefix) { return std::string(prefix) + std::to_string(++counter); }

  bool mayChange(const Resource& r, const std::string& originator) const {
    return originator == options.adminOriginator || (!r.creator.empty() && r.creator == originator);
  }

  Answer handle(const ReceivedRequest& q) {
    std::lock_guard lock(mutex);
    if (options.recordRequests) log.push_back(q);
    auto originator = q.header("X-M2M-Origin");
    if (!originator || originator->empty()) return error(400, 4000, "no X-M2M-Origin");
    if (!q.header("X-M2M-RI")) return error(400, 4000, "no X-M2M-RI");
    auto path = pathOf(q.target);
    if (q.method == "POST") return create(q, path, *originator);
    auto it = resources.find(path);
    if (it == resources.end()) return error(404, 4004, "no resource at " + path);
    auto& r = it->second;
    const auto* type = typeOf(r.ty);
    if (q.method == "GET") {
      if (r.ty != 5 && !mayChange(r, *originator)) return error(403, 4103, "originator has no privilege");
      return {200, 2000, json{{type->shortName, r.attributes}}, ""};
    }
    if (q.method == "PUT") {
      if (!mayChange(r, *originator)) return error(403, 4103, "originator has no privilege");
      auto body = json::parse(q.body, nullptr, false);
      if (!body.is_object() || !body.contains(type->shortName) || !body[type->shortName].is_object())
        return error(400, 4102, std::string("the content must be one ") + type->shortName);
      for (const auto& [k, v] : body[type->shortName].items()) {
        if (k == "ri" || k == "ty" || k == "pi" || k == "ct" || k == "rn" || k == "aei")
          return error(400, 4000, "attribute " + k + " cannot be updated");
        r.attributes[k] = v;
      }
      r.attributes["lt"] = "20261201T000001";
      return {200, 2004, json{{type->shortName, r.attributes}}, ""};
    }
    if (q.method == "DELETE") {
      if (r.ty == 5) return error(405, 4005, "the CSEBase cannot be deleted");
      if (!mayChange(r, *originator)) return error(403, 4103, "originator has no privilege");
      auto prefix = path + "/";
      for (auto d = resources.begin(); d != resources.end();)
        d = d->first == path || d->first.rfind(prefix, 0) == 0 ? resources.erase(d) : std::next(d);
      return {200, 2002, json(), ""};
    }
    return error(405, 4005, "operation not allowed");
  }

  Answer create(const ReceivedRequest& q, const std::string& parentPath, const std::string& originator) {
    auto parent = resources.find(parentPath);
    if (parent == resources.end()) return error(404, 4004, "no resource at " + parentPath);
    auto ty = resourceTypeOf(q.header("Content-Type").value_or(""));
    if (!ty) return error(400, 4000, "a create needs ty= in Content-Type");
    const auto* type = typeOf(*ty);
    if (type == nullptr || *ty == 5 || (*ty == 19 && !options.appRuleSupported))
      return error(400, 4000, "resource type " + std::to_string(*ty) + " is not supported");
    auto body = json::parse(q.body, nullptr, false);
    if (!body.is_object() || !body.contains(type->shortName) || !body[type->shortName].is_object())
      return error(400, 4102, std::string("the content must be one ") + type->shortName);
    int parentTy = parent->second.ty;
    bool allowedChild = (*ty == 2 && parentTy == 5) ||
                        (*ty == 3 && (parentTy == 2 || parentTy == 3 || parentTy == 5)) ||
                        (*ty == 4 && parentTy == 3) || (*ty == 19 && parentTy == 5);
    if (!allowedChild) return error(403, 4108, "invalid child resource type");
    if (*ty == 19 && originator != options.adminOriginator) return error(403, 4103, "originator has no privilege");
    if (*ty != 2 && !mayChange(parent->second, originator)) return error(403, 4103, "originator has no privilege");
    if (*ty == 2)
      for (const auto& [p, r] : resources)
        if (r.ty == 2 && r.attributes.value("aei", "") == originator)
          return error(403, 4117, "originator has already registered");
    json a = body[type->shortName];
    std::string rn = a.value("rn", "");
    if (rn.empty()) rn = next(type->idPrefix);
    if (rn.find('/') != std::string::npos) return error(400, 4000, "bad resource name");
    auto path = parentPath + "/" + rn;
    if (resources.count(path)) return error(409, 4105, "a resource named " + rn + " exists");
    a["rn"] = rn;
    a["ty"] = *ty;
    a["ri"] = next(type->idPrefix);
    a["pi"] = parent->second.attributes.value("ri", "");
    a["ct"] = "20261201T000000";
    a["lt"] = "20261201T000000";
    if (*ty == 2) a["aei"] = originator;
    if (*ty == 4) {
      a["cr"] = originator;
      a["cs"] = a.contains("con") && a["con"].is_string() ? a["con"].get<std::string>().size() : 0;
    }
    Resource r;
    r.ty = *ty;
    r.attributes = a;
    // An <AE> is its own; what lies below it is the AE's (TS-0001 access control, simplified).
    r.creator = *ty == 2 ? originator : parent->second.creator.empty() ? originator : parent->second.creator;
    resources[path] = r;
    return {201, 2001, json{{type->shortName, a}}, path};
  }

  void stop() {
    if (stopping.exchange(true)) return;
    if (acceptThread.joinable()) acceptThread.join();
    std::vector<std::thread> toJoin;
    {
      std::lock_guard lock(connectionsMutex);
      for (auto& s : sockets) {
        beast::error_code ignored;
        s->shutdown(tcp::socket::shutdown_both, ignored);
      }
      toJoin.swap(threads);
    }
    for (auto& t : toJoin) t.join();
    beast::error_code ignored;
    acceptor.close(ignored);
  }
};

CseStandIn::CseStandIn(CseStandInOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
CseStandIn::~CseStandIn() { stop(); }
std::uint16_t CseStandIn::port() const { return impl_->acceptor.local_endpoint().port(); }
std::string CseStandIn::url() const { return "http://127.0.0.1:" + std::to_string(port()); }
void CseStandIn::setDelay(std::chrono::milliseconds delay) { impl_->delayMs = static_cast<long>(delay.count()); }
std::vector<ReceivedRequest> CseStandIn::received() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->log;
}
void CseStandIn::clearReceived() {
  std::lock_guard lock(impl_->mutex);
  impl_->log.clear();
}
std::size_t CseStandIn::connectionsAccepted() const { return impl_->accepted; }
std::size_t CseStandIn::openConnections() const {
  std::lock_guard lock(impl_->connectionsMutex);
  std::size_t open = 0;
  for (const auto& s : impl_->sockets) {
    pollfd p{s->native_handle(), POLLRDHUP, 0};
    if (s->is_open() && ::poll(&p, 1, 0) == 0) ++open;
  }
  return open;
}
std::optional<nlohmann::json> CseStandIn::resource(const std::string& path) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->resources.find(path);
  if (it == impl_->resources.end()) return std::nullopt;
  return it->second.attributes;
}
void CseStandIn::stop() { impl_->stop(); }

}  // namespace rspf::testing
