// `rspf maf-connect`: the Enrolee uses the MAF it was enrolled with (seed 8.3.3.4).
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "enrolee/enrolment_client.hpp"
#include "enrolee/remote_maf_enrolment.hpp"

namespace rspf::cli {

std::function<std::optional<int>()> addMafConnectCommand(CLI::App& app) {
  struct Options {
    std::string credentials = "rspf-credentials.json", credentialKey, mafUrl, identity = "auto", use;
    std::string certificate, certificateKey, trustAnchors, crl, crlRefresh = "1d";
    enrolee::MafRequest request;
  };
  auto o = std::make_shared<Options>();
  o->request.request = {"GET", "/whoami", {}, ""};
  auto* cmd = app.add_subcommand(
      "maf-connect", "Open a channel to the MAF of the mafEnrolment instruction (KmId/KeId or certificate)");
  cmd->add_option("--credentials", o->credentials, "credential file written by `rspf enrol --maf`")
      ->capture_default_str();
  cmd->add_option("--credential-key", o->credentialKey, "key file sealing the credential file");
  cmd->add_option("--maf", o->request.mafUrl,
                  "MAF URL, https://host:port, or coaps://host:port for the symmetric credential type (default: the "
                  "instruction's mafUri)");
  cmd->add_option("--identity", o->identity,
                  "symmetric psk_identity: auto (the KmId once assigned, else KeId), keid, kmid or derived")
      ->check(CLI::IsMember({"auto", "keid", "kmid", "derived"}))
      ->capture_default_str();
  cmd->add_option("--use", o->use, "ask the MAF to facilitate SAEF, ESPrim or ESData (POST /facilitate)");
  cmd->add_option("--path", o->request.request.target, "GET this path instead")->capture_default_str();
  cmd->add_flag("--even-if-expired", o->request.evenIfExpired,
                "attempt the handshake even after the Enrolment Expiry (to test a MAF)");
  cmd->add_option("--cert", o->certificate,
                  "certificate credential type: the Enrolee's certificate (default: "
                  "<credentials>.certificate.pem)");
  cmd->add_option("--cert-key", o->certificateKey, "its private key (default: <credentials>.certificate-key.pem)");
  cmd->add_option("--trust-anchors", o->trustAnchors,
                  "anchors of the MAF's certificate (default: <credentials>.trust-anchors.pem)");
  cmd->add_option("--crl", o->crl,
                  "CRLs the MAF's certificate is checked against (default: the MEF's, <credentials>.crl.der, "
                  "kept by `rspf enrol`)");
  cmd->add_option("--crl-refresh", o->crlRefresh,
                  "fetch the MEF's CRL again (by KreId/Kre) when the kept one is older than this")
      ->capture_default_str();

  return [cmd, o]() -> std::optional<int> {
    if (!*cmd) return std::nullopt;
    enrolee::CredentialFile file{o->credentials, o->credentialKey.empty()
                                                     ? std::nullopt
                                                     : std::optional<std::filesystem::path>(o->credentialKey)};
    auto credentials = file.load();
    auto certificate = enrolee::certificateFilesBeside(o->credentials);
    if (!o->certificate.empty()) certificate.certificate = o->certificate;
    if (!o->certificateKey.empty()) certificate.privateKey = o->certificateKey;
    if (!o->trustAnchors.empty()) certificate.trustAnchors = o->trustAnchors;
    o->request.certificate = certificate;
    // Issue 10 item 6: the MAF's certificate is checked against the MEF's CRL, refreshed when old.
    if (!o->crl.empty()) {
      o->request.crl = o->crl;
    } else if (auto kept = std::filesystem::path(o->credentials + ".crl.der"); std::filesystem::exists(kept)) {
      auto refresh = parseDuration(o->crlRefresh);
      if (!refresh) throw Error(ErrorCode::Config, "--crl-refresh takes a duration such as 1d");
      auto age = std::filesystem::file_time_type::clock::now() - std::filesystem::last_write_time(kept);
      if (age > *refresh && credentials.expiry > now()) enrolee::fetchMefCrl(credentials, kept);
      o->request.crl = kept;
    }
    o->request.identity = o->identity == "keid"      ? enrolee::IdentityChoice::KeId
                          : o->identity == "kmid"    ? enrolee::IdentityChoice::KmId
                          : o->identity == "derived" ? enrolee::IdentityChoice::DerivedKeyIdentifier
                                                     : enrolee::IdentityChoice::Automatic;
    if (!o->use.empty())
      o->request.request = {
          "POST", "/facilitate", {{"Content-Type", "application/json"}}, nlohmann::json{{"usage", o->use}}.dump()};
    auto response = enrolee::requestMaf(credentials, o->request);
    file.save(credentials);
    (response.status >= 200 && response.status < 300 ? std::cout : std::cerr) << response.body << "\n";
    return response.status >= 200 && response.status < 300 ? 0 : 1;
  };
}

}  // namespace rspf::cli
