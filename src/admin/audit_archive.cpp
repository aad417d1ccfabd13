#include "admin/audit_archive.hpp"

#include "common/error.hpp"
#include "common/private_file.hpp"
#include "common/strict_json.hpp"
#include "common/text_file.hpp"
#include "common/time.hpp"
#include "crypto/encoding.hpp"

namespace rspf::admin {
namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "rspf-audit-archive/1";
constexpr std::size_t kMaxArchiveFileBytes = std::size_t{2} << 30;

[[noreturn]] void malformed(const std::string& why) { throw Error(ErrorCode::BadRequest, "audit archive: " + why); }

json textField(const std::string& text) {
  try {
    (void)json(text).dump();
    return text;
  } catch (const json::type_error&) {  // not UTF-8
    return {{"base64", crypto::toBase64(crypto::asBytes(text))}};
  }
}

std::string textOf(const json& entry, const char* field) {
  auto it = entry.find(field);
  if (it == entry.end()) malformed(std::string("an entry has no '") + field + "'");
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("base64") && (*it)["base64"].is_string()) {
    auto bytes = crypto::fromBase64((*it)["base64"].get<std::string>());
    if (!bytes) malformed(std::string("'") + field + "' is not base64");
    return std::string(bytes->begin(), bytes->end());
  }
  malformed(std::string("'") + field + "' must be a string");
}

crypto::Bytes hexOf(const json& j, const char* field) {
  if (!j.contains(field) || !j[field].is_string()) malformed(std::string("'") + field + "' must be hex digits");
  auto bytes = crypto::fromHex(j[field].get<std::string>());
  if (!bytes) malformed(std::string("'") + field + "' must be hex digits");
  return *bytes;
}

std::uint64_t seqOf(const json& j) {
  if (!j.contains("seq") || !j["seq"].is_number_unsigned()) malformed("'seq' must be a number");
  return j["seq"].get<std::uint64_t>();
}

json checkpointJson(const store::AuditCheckpoint& c) {
  return {{"seq", c.seq}, {"entryMac", crypto::toHex(c.entryMac)}, {"mac", crypto::toHex(c.mac)}};
}

store::AuditCheckpoint checkpointOf(const json& archive, const char* field) {
  if (!archive.contains(field) || !archive[field].is_object()) malformed(std::string("no '") + field + "' checkpoint");
  const auto& c = archive[field];
  return {seqOf(c), hexOf(c, "entryMac"), hexOf(c, "mac")};
}

// An entry as the archive holds it: lossless (a field that is not UTF-8 as base64).
json archivedEntryJson(const store::AuditEntry& e) {
  return {{"seq", e.seq},
          {"at", toRfc3339(e.at)},
          {"actor", textField(e.actor)},
          {"action", textField(e.action)},
          {"subject", textField(e.subject)},
          {"outcome", textField(e.outcome)},
          {"detail", textField(e.detail)}};
}

}  // namespace

json auditArchiveJson(const store::AuditSegment& segment) {
  json entries = json::array();
  for (std::size_t i = 0; i < segment.entries.size(); ++i) {
    auto j = archivedEntryJson(segment.entries[i]);
    j["mac"] = crypto::toHex(segment.macs.at(i));
    entries.push_back(std::move(j));
  }
  return {{"format", std::string(kFormat)},
          {"start", checkpointJson(segment.start)},
          {"end", checkpointJson(segment.end)},
          {"entries", std::move(entries)}};
}

store::AuditSegment auditArchiveFromJson(const json& archive) {
  if (!archive.is_object() || archive.value("format", "") != kFormat)
    malformed("not an rspf audit archive (format " + std::string(kFormat) + ")");
  store::AuditSegment segment;
  segment.start = checkpointOf(archive, "start");
  segment.end = checkpointOf(archive, "end");
  if (!archive.contains("entries") || !archive["entries"].is_array()) malformed("'entries' must be an array");
  for (const auto& j : archive["entries"]) {
    if (!j.is_object()) malformed("an entry must be an object");
    store::AuditEntry e;
    e.seq = seqOf(j);
    auto at = j.contains("at") && j["at"].is_string() ? parseRfc3339(j["at"].get<std::string>()) : std::nullopt;
    if (!at) malformed("entry " + std::to_string(e.seq) + ": 'at' must be an RFC 3339 time");
    e.at = *at;
    e.actor = textOf(j, "actor");
    e.action = textOf(j, "action");
    e.subject = textOf(j, "subject");
    e.outcome = textOf(j, "outcome");
    e.detail = textOf(j, "detail");
    segment.entries.push_back(std::move(e));
    segment.macs.push_back(hexOf(j, "mac"));
  }
  return segment;
}

store::AuditSegment readAuditArchive(const std::filesystem::path& file) {
  return auditArchiveFromJson(
      parseStrictJson(readTextFile(file, "the audit archive", kMaxArchiveFileBytes), "the audit archive"));
}

store::AuditSegment archiveAudit(store::Store& store, TimePoint before, const std::filesystem::path& out) {
  // Refused up front, whether or not anything is due: an archive is never overwritten.
  if (std::error_code ec; std::filesystem::exists(std::filesystem::symlink_status(out, ec)))
    throw Error(ErrorCode::Config, "the archive file " + out.string() + " exists: archives are never overwritten");
  store.flushAudit();
  auto segment = store.auditSegmentBefore(before, kMaxArchivedEntries);
  if (segment.entries.empty()) return segment;
  writePrivateFile(out, auditArchiveJson(segment).dump(1) + "\n", /*exclusive=*/true);
  // What is on disk, not what is in memory, must verify before anything leaves the store.
  auto written = readAuditArchive(out);
  auto verification = store.verifyAuditSegment(written);
  if (!verification.intact || written.end != segment.end)
    throw Error(ErrorCode::Store, "the archive written to " + out.string() + " does not verify (" +
                                      verification.problem + "); nothing was removed");
  store.trimAudit(segment);
  return segment;
}

}  // namespace rspf::admin
