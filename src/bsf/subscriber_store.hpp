#pragma once
// The BSF's home subscriber data (the HSS part of TS 33.220 4.2: K, OPc, SQN, the GBA User Security
// Settings) and its bootstrapping sessions (B-TID -> Ks, TS 33.220 4.5.2), in an SQLite file of its
// own or a PostgreSQL database ([store] url; subscriber_backend.hpp). K, OPc and Ks are sealed with
// AES-256-GCM under the key-encryption key, each bound to its table, column and row.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bsf/subscriber_backend.hpp"
#include "common/time.hpp"
#include "crypto/secret_bytes.hpp"
#include "store/key_encryption_key.hpp"
#include "store/store_settings.hpp"

namespace rspf::bsf {

// GBA User Security Settings, reduced to what the MEF needs (TS 33.220 4.4.6): the NAFs (FQDNs) the
// subscriber may use, and whether its UICC is GBA_U capable (TS 33.220 5.2.1).
struct GbaUserSecuritySettings {
  std::vector<std::string> nafFqdns;
  bool uicc = false;

  bool allowsNaf(std::string_view fqdn) const;  // case-insensitive
};

struct Subscriber {
  std::string impi;
  crypto::SecretBytes k;
  crypto::SecretBytes opc;
  std::uint64_t sqn = 0;  // SQN_HE of the last vector
  GbaUserSecuritySettings guss;
};

struct BootstrappingSession {
  std::string btid;
  std::string impi;
  crypto::Bytes rand;
  crypto::SecretBytes ks;
  bool uicc = false;
  TimePoint expiry{};
};

class SubscriberStore {
 public:
  // The SQLite file `path`: created (mode 0600) if needed.
  SubscriberStore(const std::filesystem::path& path, store::KeyEncryptionKey kek);
  // The store `settings` name (SQLite or PostgreSQL). Both throw Error(Store) when the KEK is not
  // the one the store was created with.
  SubscriberStore(const store::StoreSettings& settings, store::KeyEncryptionKey kek);
  ~SubscriberStore();
  SubscriberStore(SubscriberStore&&) noexcept;
  SubscriberStore& operator=(SubscriberStore&&) noexcept;

  void addSubscriber(const Subscriber& subscriber);  // Error(Conflict) when the IMPI exists
  std::optional<Subscriber> findSubscriber(std::string_view impi);
  std::vector<Subscriber> listSubscribers();  // without K and OPc
  // SQN_HE := SQN_HE + 1, durably and atomically (across BSF instances on one database), and
  // returns it (TS 33.102 C.1.1, without IND).
  std::uint64_t nextSqn(std::string_view impi);
  // SQN_HE := sqn after a successful resynchronisation (TS 33.102 6.3.5).
  void resetSqn(std::string_view impi, std::uint64_t sqn);

  void saveSession(const BootstrappingSession& session);                   // replaces a session with the same B-TID
  std::optional<BootstrappingSession> findSession(std::string_view btid);  // also when expired
  std::size_t purgeExpiredSessions(TimePoint now);

 private:
  SubscriberStore(std::unique_ptr<SubscriberBackend> backend, store::KeyEncryptionKey kek);

  std::unique_ptr<SubscriberBackend> backend_;
  store::KeyEncryptionKey kek_;
};

}  // namespace rspf::bsf
