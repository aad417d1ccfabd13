#include "common/reload_hooks.hpp"

#include <mutex>

namespace rspf {
namespace {

struct Hook {
  std::size_t id;
  std::string what;
  std::function<void()> reload;
  std::function<void()> periodic;
};

struct Registry {
  std::mutex mutex;
  std::vector<Hook> hooks;
  std::size_t next = 1;
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

ReloadHook::ReloadHook(std::string what, std::function<void()> reload, std::function<void()> periodic) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  id_ = r.next++;
  r.hooks.push_back({id_, std::move(what), std::move(reload), std::move(periodic)});
}

ReloadHook::~ReloadHook() {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  std::erase_if(r.hooks, [this](const Hook& h) { return h.id == id_; });
}

std::vector<ReloadOutcome> reloadAll() {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  std::vector<ReloadOutcome> outcomes;
  for (const auto& hook : r.hooks) {
    ReloadOutcome outcome{hook.what, {}};
    try {
      hook.reload();
    } catch (const std::exception& e) {
      outcome.error = e.what();
      if (outcome.error.empty()) outcome.error = "failed";
    } catch (...) {
      outcome.error = "failed";
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

void runPeriodicChecks() {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  for (const auto& hook : r.hooks) {
    if (!hook.periodic) continue;
    try {
      hook.periodic();
    } catch (...) {
      // a check only logs; it must not end the signal-watching thread
    }
  }
}

}  // namespace rspf
