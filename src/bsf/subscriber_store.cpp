#include "bsf/subscriber_store.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::bsf {
namespace {

constexpr std::string_view kKekCheck = "rspf-bsf-kek-check";

std::string where(std::string_view table, std::string_view column, std::string_view row) {
  return "bsf/" + std::string(table) + "/" + std::string(column) + "/" + std::string(row);
}

std::string gussJson(const GbaUserSecuritySettings& guss) { return nlohmann::json(guss.nafFqdns).dump(); }

Subscriber unsealedFields(const SealedSubscriber& s) {
  Subscriber out;
  out.impi = s.impi;
  out.sqn = s.sqn;
  try {
    out.guss.nafFqdns = nlohmann::json::parse(s.nafFqdnsJson).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::Store, "the stored NAF list of subscriber '" + s.impi + "' is malformed");
  }
  out.guss.uicc = s.uicc;
  return out;
}

std::unique_ptr<SubscriberBackend> openBackend(const store::StoreSettings& settings) {
  if (settings.postgres()) return openPostgresSubscriberBackend(settings.url, settings.poolSize);
  return openSqliteSubscriberBackend(settings.sqlite);
}

}  // namespace

bool GbaUserSecuritySettings::allowsNaf(std::string_view fqdn) const {
  for (const auto& naf : nafFqdns)
    if (crypto::equalsIgnoreCase(naf, fqdn)) return true;
  return false;
}

SubscriberStore::SubscriberStore(const std::filesystem::path& path, store::KeyEncryptionKey kek)
    : SubscriberStore(openSqliteSubscriberBackend(path), std::move(kek)) {}

SubscriberStore::SubscriberStore(const store::StoreSettings& settings, store::KeyEncryptionKey kek)
    : SubscriberStore(openBackend(settings), std::move(kek)) {}

SubscriberStore::SubscriberStore(std::unique_ptr<SubscriberBackend> backend, store::KeyEncryptionKey kek)
    : backend_(std::move(backend)), kek_(std::move(kek)) {
  const std::string name = where("meta", "value", "kek_check");
  auto stored = backend_->kekCheck(kek_.seal(crypto::asBytes(kKekCheck), name));
  kek_.open(stored, name);  // throws Error(Store) on a wrong KEK
}

SubscriberStore::~SubscriberStore() = default;
SubscriberStore::SubscriberStore(SubscriberStore&&) noexcept = default;
SubscriberStore& SubscriberStore::operator=(SubscriberStore&&) noexcept = default;

void SubscriberStore::addSubscriber(const Subscriber& s) {
  SealedSubscriber sealed{s.impi,
                          kek_.seal(s.k.view(), where("subscribers", "k", s.impi)),
                          kek_.seal(s.opc.view(), where("subscribers", "opc", s.impi)),
                          s.sqn,
                          gussJson(s.guss),
                          s.guss.uicc};
  if (!backend_->insertSubscriber(sealed))
    throw Error(ErrorCode::Conflict, "subscriber '" + s.impi + "' already exists");
}

std::optional<Subscriber> SubscriberStore::findSubscriber(std::string_view impi) {
  auto sealed = backend_->findSubscriber(impi);
  if (!sealed) return std::nullopt;
  Subscriber s = unsealedFields(*sealed);
  s.k = kek_.open(sealed->kSealed, where("subscribers", "k", s.impi));
  s.opc = kek_.open(sealed->opcSealed, where("subscribers", "opc", s.impi));
  return s;
}

std::vector<Subscriber> SubscriberStore::listSubscribers() {
  std::vector<Subscriber> out;
  for (const auto& s : backend_->listSubscribers()) out.push_back(unsealedFields(s));
  return out;
}

std::uint64_t SubscriberStore::nextSqn(std::string_view impi) {
  auto sqn = backend_->nextSqn(impi);
  if (!sqn) throw Error(ErrorCode::NotFound, "unknown subscriber '" + std::string(impi) + "'");
  return *sqn;
}

void SubscriberStore::resetSqn(std::string_view impi, std::uint64_t sqn) { backend_->resetSqn(impi, sqn); }

void SubscriberStore::saveSession(const BootstrappingSession& s) {
  backend_->saveSession({s.btid, s.impi, s.rand, kek_.seal(s.ks.view(), where("bootstrapping_sessions", "ks", s.btid)),
                         s.uicc, toUnix(s.expiry)});
}

std::optional<BootstrappingSession> SubscriberStore::findSession(std::string_view btid) {
  auto sealed = backend_->findSession(btid);
  if (!sealed) return std::nullopt;
  BootstrappingSession s;
  s.btid = sealed->btid;
  s.impi = sealed->impi;
  s.rand = sealed->rand;
  s.ks = kek_.open(sealed->ksSealed, where("bootstrapping_sessions", "ks", s.btid));
  s.uicc = sealed->uicc;
  s.expiry = fromUnix(sealed->expiry);
  return s;
}

std::size_t SubscriberStore::purgeExpiredSessions(TimePoint now) { return backend_->purgeExpiredSessions(toUnix(now)); }

}  // namespace rspf::bsf
