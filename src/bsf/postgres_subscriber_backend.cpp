// The BSF's subscriber data in PostgreSQL, for several BSF instances on one database. Tables are
// prefixed bsf_ so that the BSF may share a database with a MEF. nextSqn is one UPDATE ... RETURNING:
// the row lock orders concurrent steps across instances, so each SQN is handed out once.
#include "bsf/subscriber_backend.hpp"
#include "store/postgres/pg_migrations.hpp"
#include "store/postgres/pg_pool.hpp"
#include "store/postgres/pg_values.hpp"

namespace rspf::bsf {
namespace {

using store::postgres::exec;
using store::postgres::Session;
using store::postgres::Statement;
using store::postgres::storableText;

constexpr long long kSchemaLock = 0x72737066'00000003LL;  // "rspf" 3

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS bsf_meta (name TEXT PRIMARY KEY, value BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS bsf_subscribers (
  impi TEXT PRIMARY KEY,
  k BYTEA NOT NULL,
  opc BYTEA NOT NULL,
  sqn BIGINT NOT NULL,
  guss TEXT NOT NULL,
  uicc BOOLEAN NOT NULL);
CREATE TABLE IF NOT EXISTS bsf_sessions (
  btid TEXT PRIMARY KEY,
  impi TEXT NOT NULL REFERENCES bsf_subscribers(impi),
  rand BYTEA NOT NULL,
  ks BYTEA NOT NULL,
  uicc BOOLEAN NOT NULL,
  expiry BIGINT NOT NULL);
)sql";

constexpr Statement kInsertKekCheck{
    "bsf_kek_check_insert", "INSERT INTO bsf_meta (name, value) VALUES ('kek_check', $1) ON CONFLICT DO NOTHING"};
constexpr Statement kSelectKekCheck{"bsf_kek_check_select", "SELECT value FROM bsf_meta WHERE name = 'kek_check'"};
constexpr Statement kInsertSubscriber{"bsf_subscriber_insert",
                                      "INSERT INTO bsf_subscribers (impi, k, opc, sqn, guss, uicc) VALUES ($1, $2, $3, "
                                      "$4, $5, $6) ON CONFLICT (impi) DO NOTHING"};
constexpr Statement kSelectSubscriber{"bsf_subscriber_select",
                                      "SELECT impi, sqn, guss, uicc, k, opc FROM bsf_subscribers WHERE impi = $1"};
constexpr Statement kSelectSubscribers{"bsf_subscribers_all",
                                       "SELECT impi, sqn, guss, uicc FROM bsf_subscribers ORDER BY impi"};
constexpr Statement kNextSqn{"bsf_next_sqn", "UPDATE bsf_subscribers SET sqn = sqn + 1 WHERE impi = $1 RETURNING sqn"};
constexpr Statement kResetSqn{"bsf_reset_sqn", "UPDATE bsf_subscribers SET sqn = $2 WHERE impi = $1"};
constexpr Statement kSaveSession{"bsf_session_save",
                                 "INSERT INTO bsf_sessions (btid, impi, rand, ks, uicc, expiry) VALUES ($1, $2, $3, "
                                 "$4, $5, $6) ON CONFLICT (btid) DO UPDATE SET impi = excluded.impi, rand = "
                                 "excluded.rand, ks = excluded.ks, uicc = excluded.uicc, expiry = excluded.expiry"};
constexpr Statement kSelectSession{"bsf_session_select",
                                   "SELECT btid, impi, rand, ks, uicc, expiry FROM bsf_sessions WHERE btid = $1"};
constexpr Statement kPurgeSessions{"bsf_sessions_purge", "DELETE FROM bsf_sessions WHERE expiry <= $1"};

SealedSubscriber subscriberRow(const pqxx::row& r) {
  return {store::postgres::text(r[0]),
          {},
          {},
          static_cast<std::uint64_t>(store::postgres::integer(r[1])),
          store::postgres::text(r[2]),
          r[3].as<bool>()};
}

class PostgresSubscriberBackend final : public SubscriberBackend {
 public:
  PostgresSubscriberBackend(const std::string& url, std::size_t poolSize) : pool_(url, poolSize) {
    pool_.run("creating the subscriber tables", [](Session& s) {
      pqxx::work tx(s.connection());
      tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kSchemaLock) + ")");
      tx.exec(kSchema);
      tx.commit();
      return 0;
    });
  }

  crypto::Bytes kekCheck(const crypto::Bytes& sealed) override {
    return pool_.run("checking the key-encryption key", [&](Session& s) {
      pqxx::work tx(s.connection());
      exec(tx, s, kInsertKekCheck, sealed);
      auto r = exec(tx, s, kSelectKekCheck);
      tx.commit();
      if (r.empty()) throw Error(ErrorCode::Store, "the subscriber store has no key-encryption key check");
      return store::postgres::bytes(r[0][0]);
    });
  }

  bool insertSubscriber(const SealedSubscriber& sub) override {
    return pool_.run("adding a subscriber", [&](Session& s) {
      pqxx::work tx(s.connection());
      auto r = exec(tx, s, kInsertSubscriber, sub.impi, sub.kSealed, sub.opcSealed, static_cast<std::int64_t>(sub.sqn),
                    sub.nafFqdnsJson, sub.uicc);
      tx.commit();
      return r.affected_rows() > 0;
    });
  }

  std::optional<SealedSubscriber> findSubscriber(std::string_view impi) override {
    if (!storableText(impi)) return std::nullopt;
    return pool_.run("looking up a subscriber", [&](Session& s) -> std::optional<SealedSubscriber> {
      pqxx::nontransaction tx(s.connection());
      auto r = exec(tx, s, kSelectSubscriber, impi);
      if (r.empty()) return std::nullopt;
      SealedSubscriber sub = subscriberRow(r[0]);
      sub.kSealed = store::postgres::bytes(r[0][4]);
      sub.opcSealed = store::postgres::bytes(r[0][5]);
      return sub;
    });
  }

  std::vector<SealedSubscriber> listSubscribers() override {
    return pool_.run("listing subscribers", [&](Session& s) {
      pqxx::nontransaction tx(s.connection());
      std::vector<SealedSubscriber> out;
      for (const auto& row : exec(tx, s, kSelectSubscribers)) out.push_back(subscriberRow(row));
      return out;
    });
  }

  std::optional<std::uint64_t> nextSqn(std::string_view impi) override {
    if (!storableText(impi)) return std::nullopt;
    return pool_.run("stepping a SQN", [&](Session& s) -> std::optional<std::uint64_t> {
      pqxx::work tx(s.connection());
      auto r = exec(tx, s, kNextSqn, impi);
      tx.commit();
      if (r.empty()) return std::nullopt;
      return static_cast<std::uint64_t>(store::postgres::integer(r[0][0]));
    });
  }

  void resetSqn(std::string_view impi, std::uint64_t sqn) override {
    if (!storableText(impi)) return;
    pool_.run("resetting a SQN", [&](Session& s) {
      pqxx::work tx(s.connection());
      exec(tx, s, kResetSqn, impi, static_cast<std::int64_t>(sqn));
      tx.commit();
      return 0;
    });
  }

  void saveSession(const SealedSession& session) override {
    pool_.run("saving a bootstrapping session", [&](Session& s) {
      pqxx::work tx(s.connection());
      exec(tx, s, kSaveSession, session.btid, session.impi, session.rand, session.ksSealed, session.uicc,
           session.expiry);
      tx.commit();
      return 0;
    });
  }

  std::optional<SealedSession> findSession(std::string_view btid) override {
    if (!storableText(btid)) return std::nullopt;
    return pool_.run("looking up a bootstrapping session", [&](Session& s) -> std::optional<SealedSession> {
      pqxx::nontransaction tx(s.connection());
      auto r = exec(tx, s, kSelectSession, btid);
      if (r.empty()) return std::nullopt;
      return SealedSession{store::postgres::text(r[0][0]),
                           store::postgres::text(r[0][1]),
                           store::postgres::bytes(r[0][2]),
                           store::postgres::bytes(r[0][3]),
                           r[0][4].as<bool>(),
                           store::postgres::integer(r[0][5])};
    });
  }

  std::size_t purgeExpiredSessions(std::int64_t now) override {
    return pool_.run("purging bootstrapping sessions", [&](Session& s) {
      pqxx::work tx(s.connection());
      auto n = exec(tx, s, kPurgeSessions, now).affected_rows();
      tx.commit();
      return static_cast<std::size_t>(n);
    });
  }

 private:
  store::postgres::ConnectionPool pool_;
};

}  // namespace

std::unique_ptr<SubscriberBackend> openPostgresSubscriberBackend(const std::string& url, std::size_t poolSize) {
  return std::make_unique<PostgresSubscriberBackend>(url, poolSize);
}

}  // namespace rspf::bsf
