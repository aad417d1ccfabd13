#pragma once
// The Admin REST API's resources (docs/admin-api.openapi.yaml) mapped onto the binding-neutral
// admin:: operations that `rspf admin` also calls. JSON bodies; errors are
// {"Status": false, "ErrorString": ...} with the ErrorCode's HTTP status. Authentication is the
// listener's business (admin_api_server.hpp): the router serves whoever reaches it.
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/key_encryption_key.hpp"
#include "store/store.hpp"
#include "transport/https/http_message.hpp"

namespace rspf::admin_api {

inline constexpr std::string_view kAdminApiBase = "/admin/v1";

// What the MEF knows beyond its store: for KeIds, bundles, and the embedded CA.
struct AdminContext {
  std::string mefFqdn;
  std::string mefUri;                                     // the MEF URI bundles carry
  std::optional<std::filesystem::path> configurationKey;  // signs bundles; none: no bundles
};

// A route as the OpenAPI document names it: method and path template ("{enroleeId}" captures one
// path segment).
struct AdminRoute {
  std::string_view method;
  std::string_view path;
};

class AdminRouter {
 public:
  AdminRouter(store::Store& store, store::KeyEncryptionKey kek, AdminContext context)
      : store_(store), kek_(std::move(kek)), context_(std::move(context)) {}

  // Every route this router serves (the test checks each is in the OpenAPI document).
  static std::vector<AdminRoute> routes();

  // Throws rspf::Error for refusals; the binding maps them to the wire.
  // `principal` names who authenticated (a certificate subject, a token's name) for the audit log.
  transport::HttpResponse handle(const transport::HttpRequest& request, const std::string& principal = "");

  struct Call {
    const transport::HttpRequest& request;
    std::map<std::string, std::string> captures;  // path parameters, percent-decoded
    std::map<std::string, std::string> query;
    const std::string& at(const std::string& name) const { return captures.at(name); }
  };

 private:
  using Handler = transport::HttpResponse (AdminRouter::*)(const Call&);
  struct Entry {
    AdminRoute route;
    Handler handler;
  };
  static std::span<const Entry> table();

  transport::HttpResponse listEnrolees(const Call&);
  transport::HttpResponse listAudit(const Call&);
  transport::HttpResponse addEnrolee(const Call&);
  transport::HttpResponse importEnrolees(const Call&);
  transport::HttpResponse showEnrolee(const Call&);
  transport::HttpResponse removeEnrolee(const Call&);
  transport::HttpResponse replacePolicy(const Call&);
  transport::HttpResponse changePolicy(const Call&);  // atomic: concurrent changes never lose one
  transport::HttpResponse enableEnrolee(const Call&);
  transport::HttpResponse disableEnrolee(const Call&);
  transport::HttpResponse exportBundle(const Call&);
  transport::HttpResponse listIssuedCertificates(const Call&);
  transport::HttpResponse listTargets(const Call&);
  transport::HttpResponse addTarget(const Call&);
  transport::HttpResponse removeTarget(const Call&);
  transport::HttpResponse listTokens(const Call&);
  transport::HttpResponse createToken(const Call&);
  transport::HttpResponse revokeToken(const Call&);
  transport::HttpResponse createCertificateAuthority(const Call&);
  transport::HttpResponse showCertificateAuthority(const Call&);
  transport::HttpResponse listPendingRequests(const Call&);
  transport::HttpResponse approveRequest(const Call&);
  transport::HttpResponse revokeCertificate(const Call&);
  transport::HttpResponse certificateRevocationList(const Call&);
  transport::HttpResponse showConfigurationKey(const Call&);

  store::Store& store_;
  store::KeyEncryptionKey kek_;
  AdminContext context_;
};

}  // namespace rspf::admin_api
