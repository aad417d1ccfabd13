#pragma once
// Values between the store's records and libpqxx 6.4: parameters (text without NUL bytes, BYTEA in
// binary form, NULL for an absent number) and columns. Only sealed secrets ever reach the database.
#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/time.hpp"
#include "crypto/secret_bytes.hpp"
#include "store/postgres/pg_pool.hpp"
#include "store/records.hpp"

namespace pqxx {
// An absent number is SQL NULL.
template <>
struct string_traits<std::optional<std::int64_t>> {
  static constexpr const char* name() noexcept { return "optional<int64>"; }
  static constexpr bool has_null() noexcept { return true; }
  static bool is_null(const std::optional<std::int64_t>& v) { return !v.has_value(); }
  static std::optional<std::int64_t> null() { return std::nullopt; }
  static void from_string(const char text[], std::optional<std::int64_t>& out) {
    std::int64_t v = 0;
    string_traits<std::int64_t>::from_string(text, v);
    out = v;
  }
  static std::string to_string(const std::optional<std::int64_t>& v) { return pqxx::to_string(*v); }
};
}  // namespace pqxx

namespace rspf::store::postgres {

// Text PostgreSQL stores as given: valid UTF-8 without NUL (libpq passes text parameters
// NUL-terminated, so "a\0b" would silently become "a"). A lookup of other text finds nothing.
bool storableText(std::string_view text);

inline std::string toParam(std::string_view v) {
  if (v.find('\0') != v.npos) throw Error(ErrorCode::BadRequest, "a text value holds a NUL byte");
  return std::string(v);
}
inline std::string toParam(const std::string& v) { return toParam(std::string_view(v)); }
inline pqxx::binarystring toParam(crypto::ByteView v) { return pqxx::binarystring(v.data(), v.size()); }
inline pqxx::binarystring toParam(const crypto::Bytes& v) { return pqxx::binarystring(v.data(), v.size()); }
inline std::int64_t toParam(std::int64_t v) { return v; }
inline std::int64_t toParam(TimePoint t) { return toUnix(t); }
inline bool toParam(bool v) { return v; }
inline const std::optional<std::int64_t>& toParam(const std::optional<std::int64_t>& v) { return v; }

// Runs `statement`, prepared on the session's connection, in `tx`.
template <typename... Args>
pqxx::result exec(pqxx::transaction_base& tx, Session& session, const Statement& statement, const Args&... args) {
  return tx.exec_prepared(session.use(statement), toParam(args)...);
}

inline std::string text(const pqxx::field& f) { return f.is_null() ? std::string() : f.as<std::string>(); }
inline std::int64_t integer(const pqxx::field& f) { return f.as<std::int64_t>(); }
inline TimePoint time(const pqxx::field& f) { return fromUnix(f.as<std::int64_t>()); }
inline std::optional<TimePoint> optionalTime(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return time(f);
}
inline crypto::Bytes bytes(const pqxx::field& f) {
  if (f.is_null()) return {};
  pqxx::binarystring b(f);
  return crypto::Bytes(b.data(), b.data() + b.size());
}

// An audit_log row read as (seq, at, actor, action, subject, outcome, detail, ...).
AuditEntry auditEntry(const pqxx::row& row);

}  // namespace rspf::store::postgres
