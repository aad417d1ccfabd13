#include "enrolee/target_connection.hpp"

#include "common/error.hpp"
#include "transport/coaps/coaps_client.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::enrolee {

transport::HttpResponse requestTarget(EnroleeCredentials& c, const TargetRequest& r) {
  auto* key = c.findTargetKey(r.targetId, r.usage);
  if (key == nullptr)
    throw Error(ErrorCode::Config, "no key is provisioned for target '" + r.targetId + "'" +
                                       (r.usage ? " and usage " + *r.usage : std::string()));
  if (c.expiry <= now() && !r.evenIfExpired)
    throw Error(ErrorCode::Config, "the Enrolment Key expired at " + toRfc3339(c.expiry) + "; enrol again");
  auto endpoint = transport::parseHttpsUrl(r.targetUrl);
  auto coapsEndpoint = transport::parseCoapsUrl(r.targetUrl);
  if (!endpoint && !coapsEndpoint)
    throw Error(ErrorCode::Config, "target URL must look like https://host:port or coaps://host:port");
  if (r.identity == IdentityChoice::KmId && key->kmId.empty())
    throw Error(ErrorCode::Config, "no KmId was assigned by '" + r.targetId + "'; present KeId first");
  bool useKmId = r.identity == IdentityChoice::KmId || (r.identity == IdentityChoice::Automatic && !key->kmId.empty());
  bool useKeId = r.identity == IdentityChoice::KeId || (r.identity == IdentityChoice::Automatic && !key->presented);
  tls::PskClientCredentials credentials{useKmId ? key->kmId : useKeId ? c.keId : key->keyIdentifier, key->key};
  if (coapsEndpoint) {  // DTLS-PSK and CoAP (PROTOCOL.md 7): the same request, neutral
    transport::CoapsClient client(*coapsEndpoint, tls::PskClientSettings{r.targetId, false}, std::move(credentials));
    key->presented = true;
    transport::Request request;
    request.method = r.request.method == "POST" ? transport::Method::Post : transport::Method::Get;
    request.target = r.request.target;
    request.body = r.request.body;
    auto answer = client.send(request, "the target's answer");
    transport::HttpResponse response;
    response.body = std::move(answer.body);
    return response;
  }
  transport::HttpsClient client(*endpoint, tls::PskClientSettings{r.targetId, false}, std::move(credentials));
  key->presented = true;
  return client.request(r.request);
}

}  // namespace rspf::enrolee
