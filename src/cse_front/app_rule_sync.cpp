#include "cse_front/app_rule_sync.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace rspf::cse_front {
namespace {

constexpr const char* kResourceType = "19";  // serviceSubscribedAppRule (TS-0004 6.3.4.2.1)
constexpr const char* kShortName = "m2m:asar";

std::set<std::string> listOf(const nlohmann::json& resource, const char* attribute) {
  std::set<std::string> out;
  auto it = resource.find(attribute);
  if (it == resource.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.insert(v.get<std::string>());
  return out;
}

// (current minus what the front added and no longer wants) plus what it wants.
std::set<std::string> merged(std::set<std::string> current, const std::set<std::string>& managed,
                             const std::set<std::string>& wanted) {
  for (const auto& m : managed)
    if (!wanted.count(m)) current.erase(m);
  current.insert(wanted.begin(), wanted.end());
  return current;
}

bool unsupportedStatus(int status) { return status == 400 || status == 405 || status == 415 || status == 501; }

}  // namespace

AppRuleSync::AppRuleSync(UpstreamPool& pool, AppRuleSettings settings, std::chrono::milliseconds retryAfter)
    : pool_(pool), settings_(std::move(settings)), retryAfter_(retryAfter) {
  thread_ = std::thread([this] { run(); });
}

AppRuleSync::~AppRuleSync() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AppRuleSync::admitted(const std::string& credentialId, const std::string& originator) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = desired_.emplace(credentialId, originator);
  if (!inserted && it->second == originator) return;  // not the first contact: nothing changes
  it->second = originator;
  ++version_;
  changed_.notify_all();
}

void AppRuleSync::erased(const std::string& credentialId) {
  std::lock_guard lock(mutex_);
  if (desired_.erase(credentialId) == 0) return;
  ++version_;
  changed_.notify_all();
}

AppRuleSync::State AppRuleSync::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

bool AppRuleSync::waitUntilSettled(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout,
                           [this] { return state_ == State::Unsupported || appliedVersion_ == version_; });
}

void AppRuleSync::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || (state_ != State::Unsupported && appliedVersion_ != version_); });
    if (stopping_) return;
    auto desired = desired_;
    auto version = version_;
    lock.unlock();
    auto state = apply(desired);
    lock.lock();
    state_ = state;
    if (state == State::InSync) appliedVersion_ = version;
    changed_.notify_all();
    if (state == State::Failing) changed_.wait_for(lock, retryAfter_, [this] { return stopping_; });
  }
}

AppRuleSync::State AppRuleSync::apply(const std::map<std::string, std::string>& desired) {
  std::set<std::string> wantedCredentials, wantedOriginators;
  for (const auto& [credential, originator] : desired) {
    wantedCredentials.insert(credential);
    wantedOriginators.insert(originator);
  }
  auto request = [&](std::string method, std::string target, std::string contentType, std::string body) {
    transport::HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.headers = {{"X-M2M-Origin", settings_.adminOriginator},
                 {"X-M2M-RI", "rspf-asar-" + std::to_string(++requests_)},
                 {"X-M2M-RVI", "3"},
                 {"Accept", "application/json"}};
    if (!contentType.empty()) r.headers.emplace_back("Content-Type", std::move(contentType));
    r.body = std::move(body);
    return pool_.send(r);
  };
  const auto& path = settings_.resourcePath;
  try {
    auto current = request("GET", path, "", "");
    std::set<std::string> credentials, originators;
    if (current.status == 404) {
      auto slash = path.rfind('/');
      if (slash == std::string::npos || slash == 0) {
        spdlog::warn("front: the CSE has no <serviceSubscribedAppRule> at '{}' and it has no parent to create it in",
                     path);
        return State::Failing;
      }
      nlohmann::json rule = {{"rn", path.substr(slash + 1)}, {"apci", wantedCredentials}, {"aae", wantedOriginators}};
      auto created = request("POST", path.substr(0, slash), std::string("application/json;ty=") + kResourceType,
                             nlohmann::json{{kShortName, rule}}.dump());
      if (unsupportedStatus(created.status)) {
        spdlog::warn(
            "front: the CSE refused to create a <serviceSubscribedAppRule> ({}, RSC {}): it keeps only the "
            "target's local record",
            created.status, created.header("X-M2M-RSC").value_or("-"));
        return State::Unsupported;
      }
      if (created.status != 201) {
        spdlog::warn("front: creating the CSE's <serviceSubscribedAppRule> at '{}' failed ({}, RSC {})", path,
                     created.status, created.header("X-M2M-RSC").value_or("-"));
        return State::Failing;
      }
    } else if (current.status == 200) {
      auto body = nlohmann::json::parse(current.body, nullptr, false);
      if (!body.is_object() || !body.contains(kShortName) || !body[kShortName].is_object()) {
        spdlog::warn("front: '{}' on the CSE is not a <serviceSubscribedAppRule>; it keeps only the local record",
                     path);
        return State::Unsupported;
      }
      credentials = merged(listOf(body[kShortName], "apci"), managedCredentials_, wantedCredentials);
      originators = merged(listOf(body[kShortName], "aae"), managedOriginators_, wantedOriginators);
      if (credentials != listOf(body[kShortName], "apci") || originators != listOf(body[kShortName], "aae")) {
        auto updated = request("PUT", path, "application/json",
                               nlohmann::json{{kShortName, {{"apci", credentials}, {"aae", originators}}}}.dump());
        if (updated.status != 200) {
          spdlog::warn("front: updating the CSE's <serviceSubscribedAppRule> failed ({}, RSC {})", updated.status,
                       updated.header("X-M2M-RSC").value_or("-"));
          return unsupportedStatus(updated.status) ? State::Unsupported : State::Failing;
        }
      }
    } else if (unsupportedStatus(current.status)) {
      spdlog::warn("front: the CSE does not serve <serviceSubscribedAppRule> ({}); it keeps only the local record",
                   current.status);
      return State::Unsupported;
    } else {
      spdlog::warn("front: retrieving the CSE's <serviceSubscribedAppRule> failed ({}, RSC {})", current.status,
                   current.header("X-M2M-RSC").value_or("-"));
      return State::Failing;
    }
  } catch (const std::exception& e) {
    spdlog::warn("front: the CSE's <serviceSubscribedAppRule> is not updated yet: {}", e.what());
    return State::Failing;
  }
  managedCredentials_ = std::move(wantedCredentials);
  managedOriginators_ = std::move(wantedOriginators);
  spdlog::info("front: the CSE's <serviceSubscribedAppRule> holds the front's {} credential(s)",
               managedCredentials_.size());
  return State::InSync;
}

}  // namespace rspf::cse_front
