// `rspf admin`: the MEF's store from the command line. Readable output by default, --json for scripts.
#include <pwd.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

#include "admin/administration.hpp"
#include "admin/audit_archive.hpp"
#include "admin/audit_document.hpp"
#include "admin/bootstrap_identity_registration.hpp"
#include "admin/bootstrap_instruction_configuration.hpp"
#include "admin/configuration_key.hpp"
#include "admin/enrolee_document.hpp"
#include "admin/enrolee_import.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "cli/commands.hpp"
#include "cli/import_progress.hpp"
#include "common/bounds.hpp"
#include "common/error.hpp"
#include "common/text_file.hpp"
#include "crypto/encoding.hpp"
#include "crypto/identifiers.hpp"
#include "crypto/key_file.hpp"
#include "mef/mef_config.hpp"
#include "procedures/audit_trail.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "procedures/certificate_revocation.hpp"
#include "procedures/enrolment_token.hpp"
#include "store/open/open_store.hpp"
#include "store/store_copy.hpp"

namespace rspf::cli {
namespace {

struct AdminOptions {
  std::string config;
  std::string storePath;
  std::string kekFile;
  std::string mefFqdn;
  bool json = false;
};

// The bootstrap credentials other than a Kpm (TS-0003 8.1.2.4; GBA), for `enrolee add`.
struct BootstrapIdentityOptions {
  std::string rawPublicKey;  // file, or an ni URI
  std::string deviceId;
  std::string deviceTrustAnchor;  // file
  std::string gbaImpi;

  void addTo(CLI::App* cmd) {
    cmd->add_option("--raw-public-key", rawPublicKey,
                    "raw public key Enrolee: a PEM public key or certificate file, or its ni:///sha-256;... name");
    cmd->add_option("--device-id", deviceId, "device certificate Enrolee: its device ID (OID or URN)")
        ->needs(cmd->add_option("--device-trust-anchor", deviceTrustAnchor,
                                "PEM file of the CA(s) the device certificate chains to"));
    cmd->get_option("--device-trust-anchor")->needs("--device-id");
    cmd->add_option("--gba-impi", gbaImpi, "GBA Enrolee: its IMPI at the BSF");
  }

  std::vector<store::BootstrapIdentity> identities() const {
    std::vector<store::BootstrapIdentity> out;
    if (!rawPublicKey.empty())
      out.push_back(admin::rawPublicKeyIdentity(
          rawPublicKey.starts_with("ni:") ? rawPublicKey : readTextFile(rawPublicKey, "the raw public key")));
    if (!deviceId.empty())
      out.push_back(
          admin::deviceCertificateIdentity(deviceId, readTextFile(deviceTrustAnchor, "the device trust anchor")));
    if (!gbaImpi.empty()) out.push_back(admin::gbaIdentity(gbaImpi));
    return out;
  }
};

// Policy options shared by `enrolee add` and `enrolee policy`.
struct PolicyOptions {
  std::vector<std::string> directKeys;  // TARGET:USAGE
  bool clearDirectKeys = false;
  std::string registrarCseId;
  std::string expiry;
  std::string token;
  std::string mafId, mafUri, mafCredential;
  std::vector<std::string> mafUsages;
  bool clearMaf = false;
  std::string certificateType, certificateValidity, certificateCa;
  std::vector<std::string> certificateUsages;
  bool clearCertificate = false;
  std::string certificateApproval;
  std::string enrolmentApproval;

  void addTo(CLI::App* cmd, bool forUpdate) {
    cmd->add_option("--direct-key", directKeys,
                    "TARGET-ID:USAGE the Enrolee may derive a key for (USAGE: SAEF, ESPrim, ESData); repeatable")
        ->allow_extra_args(false);
    if (forUpdate) {
      cmd->add_flag("--clear-direct-keys", clearDirectKeys, "remove every direct key pair first");
      cmd->add_flag("--clear-maf", clearMaf, "remove the MAF instruction");
    }
    cmd->add_option("--registrar-cse-id", registrarCseId, "Registrar CSE-ID given to the Enrolee");
    cmd->add_option("--expiry", expiry,
                    "Enrolment Expiry: lifetime of each Enrolment Key (e.g. 90s, 12h, 30d; default 30d)");
    cmd->add_option("--token", token, "enrolment token: optional or required")
        ->check(CLI::IsMember({"optional", "required"}));
    cmd->add_option("--enrolment-approval", enrolmentApproval,
                    "webhook: each Enrolment Exchange waits for the MEF's [approval] webhook to approve it")
        ->check(CLI::IsMember({"webhook", "none"}));
    cmd->add_option("--maf-id", mafId, "MAF-ID (FQDN) for Remote MAF Enrolment");
    cmd->add_option("--maf-uri", mafUri, "MAF URI");
    cmd->add_option("--maf-credential", mafCredential, "symmetric or certificate")
        ->check(CLI::IsMember({"symmetric", "certificate"}));
    cmd->add_option(
           "--certificate-type", certificateType,
           "grant Certificate Enrolment for this subject: cse (CSE-ID, dNSName), ae (AE-ID, URI), node, device")
        ->check(CLI::IsMember({"cse", "ae", "node", "device"}));
    cmd->add_option("--certificate-usage", certificateUsages,
                    "usage the certificate may serve (SAEF, ESPrim, ESData, MAF); repeatable")
        ->allow_extra_args(false);
    cmd->add_option("--certificate-validity", certificateValidity, "certificate lifetime, e.g. 365d (default 365d)");
    cmd->add_option("--certificate-ca", certificateCa, "label of the CA that issues it (default: the default CA)");
    cmd->add_option("--certificate-approval", certificateApproval,
                    "required: hold each certificate request (202 + Retry-After) until `rspf admin ca approve`")
        ->check(CLI::IsMember({"required", "none"}));
    if (forUpdate) cmd->add_flag("--clear-certificate", clearCertificate, "withdraw Certificate Enrolment");
    cmd->add_option("--maf-usage", mafUsages, "usage the MAF may serve (SAEF, ESPrim, ESData); repeatable")
        ->allow_extra_args(false);
  }

  void applyTo(store::EnrolmentPolicy& p) const {
    if (clearDirectKeys) p.directKeys.clear();
    for (const auto& d : directKeys) {
      auto pair = admin::parseDirectKeyPair(d);
      if (std::find(p.directKeys.begin(), p.directKeys.end(), pair) == p.directKeys.end()) p.directKeys.push_back(pair);
    }
    if (!registrarCseId.empty()) p.registrarCseId = registrarCseId;
    if (!expiry.empty()) {
      p.enrolmentExpiry = parseBoundedDuration(expiry, "--expiry", ErrorCode::Config);
    }
    if (!token.empty())
      p.token = token == "required" ? store::TokenRequirement::Required : store::TokenRequirement::Optional;
    if (!enrolmentApproval.empty()) p.requireEnrolmentApproval = enrolmentApproval == "webhook";
    if (clearCertificate) p.certificate.reset();
    if (!certificateType.empty() || !certificateUsages.empty() || !certificateValidity.empty() ||
        !certificateCa.empty() || !certificateApproval.empty()) {
      if (!p.certificate) p.certificate.emplace();
      if (!certificateApproval.empty()) p.certificate->requireApproval = certificateApproval == "required";
      if (!certificateType.empty()) p.certificate->subjectType = certificateType;
      if (!certificateUsages.empty()) p.certificate->usages = certificateUsages;
      if (!certificateCa.empty()) p.certificate->caLabel = certificateCa;
      if (!certificateValidity.empty()) {
        p.certificate->validity =
            parseBoundedDuration(certificateValidity, "--certificate-validity", ErrorCode::Config);
      }
      if (p.certificate->usages.empty())
        throw Error(ErrorCode::Config, "Certificate Enrolment needs --certificate-usage");
    }
    if (clearMaf) p.maf.reset();
    if (!mafId.empty() || !mafUri.empty() || !mafCredential.empty() || !mafUsages.empty()) {
      if (!p.maf) p.maf.emplace();
      if (!mafId.empty()) p.maf->mafId = mafId;
      if (!mafUri.empty()) p.maf->mafUri = mafUri;
      if (!mafCredential.empty()) p.maf->credentialType = mafCredential;
      if (!mafUsages.empty()) p.maf->usages = mafUsages;
      if (p.maf->mafId.empty()) throw Error(ErrorCode::Config, "a MAF instruction needs --maf-id");
    }
  }
};

// The audit log's record of an administrative change (issue 5 item 7); the actor is the local user.
std::string localAdministrator() {
  const passwd* user = getpwuid(geteuid());
  return "admin:" + std::string(user != nullptr ? user->pw_name : std::to_string(geteuid()));
}

void recordAdminChange(store::Store& store, std::string action, std::string subject, std::string detail = "") {
  procedures::AuditTrail(store).record(localAdministrator(), std::move(action), std::move(subject), "success",
                                       std::move(detail));
}

std::unique_ptr<store::Store> openStore(AdminOptions& o, bool create,
                                        std::optional<store::KeyEncryptionKey>* kekOut = nullptr) {
  std::optional<std::filesystem::path> kek;
  std::optional<store::StoreSettings> settings;
  if (!o.config.empty()) {
    auto c = mef::loadMefConfig(o.config);
    settings = c.store;
    kek = c.kekFile;
    if (o.mefFqdn.empty()) o.mefFqdn = c.fqdn;
  }
  if (!o.storePath.empty()) settings = store::storeSettingsFromArgument(o.storePath);
  if (!o.kekFile.empty()) kek = std::filesystem::path(o.kekFile);
  if (!settings) throw Error(ErrorCode::Config, "name the store: --config MEF.toml, or --store FILE|URL");
  if (create && kek && !std::filesystem::exists(*kek)) {
    store::KeyEncryptionKey::generateFile(*kek);
    std::cerr << "created key-encryption key " << kek->string() << " (mode 0600; back it up apart from the store)\n";
  }
  if (!create && !settings->postgres() && !std::filesystem::exists(settings->sqlite))
    throw Error(ErrorCode::Config, "no store at " + settings->sqlite.string() + "; create it with `rspf admin init`");
  auto key = store::KeyEncryptionKey::load(kek);
  if (kekOut) kekOut->emplace(key);
  return store::openStore(*settings, std::move(key));
}

// The MEF configuration the bundle commands need (its configuration key, URI, FQDN).
mef::MefConfig requireMefConfig(const AdminOptions& o, const char* command) {
  if (o.config.empty()) throw Error(ErrorCode::Config, std::string(command) + " needs --config MEF.toml");
  return mef::loadMefConfig(o.config);
}

std::filesystem::path requireConfigurationKeyFile(const mef::MefConfig& c) {
  if (!c.configurationKey)
    throw Error(ErrorCode::Config,
                "name the configuration key in the MEF configuration: [mef] configuration_key = FILE");
  return *c.configurationKey;
}

void print(const AdminOptions& o, const nlohmann::json& j, const std::string& text) {
  if (o.json)
    std::cout << j.dump(2) << "\n";
  else
    std::cout << text;
}

std::string enroleeLine(const nlohmann::json& e) {
  std::string state = e["enabled"].get<bool>() ? "enabled " : "DISABLED";
  std::string enrolment = e["enrolment"].is_null() ? "not enrolled"
                          : e["enrolment"]["expired"].get<bool>()
                              ? "expired " + e["enrolment"]["expiry"].get<std::string>()
                              : "enrolled until " + e["enrolment"]["expiry"].get<std::string>();
  return e["enroleeId"].get<std::string>() + "  kpmId=" + e["kpmId"].get<std::string>() + "  " + state + "  " +
         enrolment + "\n";
}

std::string enroleeDetail(const nlohmann::json& e) {
  std::string s = enroleeLine(e);
  const auto& p = e["policy"];
  s += "  policy: expiry " + p["enrolmentExpiry"].get<std::string>() + ", token " + p["token"].get<std::string>() +
       ", approval " + p["enrolmentApproval"].get<std::string>() + "\n";
  for (const auto& d : p["directKeys"])
    s += "    direct key  " + d["targetId"].get<std::string>() + " (" + d["usage"].get<std::string>() + ")\n";
  if (!p["registrarCseId"].get<std::string>().empty())
    s += "    registrar   " + p["registrarCseId"].get<std::string>() + "\n";
  if (!p["maf"].is_null())
    s += "    MAF         " + p["maf"]["mafId"].get<std::string>() + " (" +
         p["maf"]["credentialType"].get<std::string>() + ")\n";
  if (!e["enrolment"].is_null()) {
    const auto& k = e["enrolment"];
    s += "  enrolment: KeId " + k["keId"].get<std::string>() + "\n             KreId " + k["kreId"].get<std::string>() +
         "\n             by " + k["framework"].get<std::string>() + " at " + k["createdAt"].get<std::string>() + "\n";
    if (!k["tokenId"].get<std::string>().empty())
      s += "             token " + k["tokenId"].get<std::string>() + " aux: " + k["tokenAux"].get<std::string>() + "\n";
  }
  return s;
}

}  // namespace

std::function<int()> addAdminCommands(CLI::App& app) {
  auto* admin =
      app.add_subcommand("admin", "Administer the MEF's store: Enrolees, policies, targets, enrolment tokens");
  admin->require_subcommand(1);
  admin->fallthrough();  // admin's options (--json, --config, ...) may also follow the subcommand
  auto o = std::make_shared<AdminOptions>();
  admin->add_option("--config", o->config, "MEF configuration file naming the store and its key-encryption key");
  admin->add_option("--store", o->storePath,
                    "SQLite store file, or PostgreSQL URL (postgresql://... or key=value), instead of --config");
  admin->add_option("--kek-file", o->kekFile, "key-encryption key file (else from --config, else $RSPF_KEK)");
  admin->add_option("--mef-fqdn", o->mefFqdn, "MEF FQDN, to show full KeIds (read from --config)");
  admin->add_flag("--json", o->json, "machine-readable output");

  auto action = std::make_shared<std::function<int()>>([] { return 0; });
  auto on = [action](CLI::App* cmd, std::function<int()> run) { cmd->callback([action, run] { *action = run; }); };

  // init
  on(admin->add_subcommand("init", "Create the store (and the key-encryption key file when configured and missing)"),
     [o] {
       auto store = openStore(*o, true);
       print(*o, {{"schemaVersion", store->schemaVersion()}},
             "store ready (schema version " + std::to_string(store->schemaVersion()) + ")\n");
       return 0;
     });

  // enrolee
  auto* enrolee = admin->add_subcommand("enrolee", "Enrolees: add, list, show, enable, disable, remove, policy");
  enrolee->require_subcommand(1);
  {
    auto* add = enrolee->add_subcommand(
        "add",
        "Register an Enrolee with its bootstrap credential: a pre-provisioned key (Kpm), a raw public key, a device "
        "certificate or a GBA IMPI (one or more)");
    auto id = std::make_shared<std::string>();
    auto kpmId = std::make_shared<std::string>();
    auto kpmFile = std::make_shared<std::string>();
    auto credentials = std::make_shared<BootstrapIdentityOptions>();
    auto policy = std::make_shared<PolicyOptions>();
    add->add_option("ENROLEE-ID", *id, "assigned CSE-ID or AE-ID (FQDN form)")->required();
    add->add_option("--kpm-id", *kpmId, "KpmId, the identity the Enrolee presents in a pre-provisioned key handshake");
    add->add_option(
        "--kpm-file", *kpmFile,
        "file holding Kpm as hex (at least 16 bytes); without it a 32-byte Kpm is generated and printed once");
    credentials->addTo(add);
    policy->addTo(add, false);
    on(add, [o, id, kpmId, kpmFile, credentials, policy] {
      if (!kpmFile->empty() && kpmId->empty()) throw Error(ErrorCode::BadRequest, "--kpm-file needs --kpm-id");
      admin::AddEnroleeRequest request;
      request.enroleeId = *id;
      request.kpmId = *kpmId;
      if (!kpmFile->empty()) request.kpm = readHexKeyFile(*kpmFile, "Kpm");
      request.bootstrapIdentities = credentials->identities();
      policy->applyTo(request.policy);
      auto store = openStore(*o, false);
      auto result = admin::addEnrolee(*store, std::move(request));
      nlohmann::json j = {{"enroleeId", *id}, {"kpmId", *kpmId}};
      std::string text = "added Enrolee " + *id + (kpmId->empty() ? "" : " (KpmId " + *kpmId + ")") + "\n";
      for (const auto& identity : store->listBootstrapIdentities(*id))
        text += "  " + identity.kind + " " + identity.value + "\n";
      if (result.generatedKpm) {
        auto hex = crypto::toHex(result.generatedKpm->view());
        j["kpm"] = hex;
        text += "Kpm (shown once; provision it to the Enrolee): " + hex + "\n";
        crypto::wipe(hex.data(), hex.size());
      }
      recordAdminChange(*store, "admin.enrolee.add", *id);
      print(*o, j, text);
      return 0;
    });

    on(enrolee->add_subcommand("list", "List Enrolees"), [o] {
      auto store = openStore(*o, false);
      auto all = admin::describeEnrolees(*store, o->mefFqdn);
      std::string text;
      for (const auto& j : all) text += enroleeLine(j);
      print(*o, all, text.empty() ? "no Enrolees\n" : text);
      return 0;
    });

    auto showId = std::make_shared<std::string>();
    auto* show = enrolee->add_subcommand("show", "Show one Enrolee, its policy and its current enrolment");
    show->add_option("ENROLEE-ID", *showId)->required();
    on(show, [o, showId] {
      auto store = openStore(*o, false);
      auto j = admin::describeEnroleeIn(*store, *showId, o->mefFqdn);
      print(*o, j, enroleeDetail(j));
      return 0;
    });

    for (auto [name, help] : {std::pair{"enable", "Allow an Enrolee to enrol again"},
                              std::pair{"disable", "Refuse an Enrolee's enrolment and the retrieval of its keys"},
                              std::pair{"remove", "Remove an Enrolee and its Enrolment Key"}}) {
      auto target = std::make_shared<std::string>();
      auto* cmd = enrolee->add_subcommand(name, help);
      cmd->add_option("ENROLEE-ID", *target)->required();
      std::string verb = name;
      on(cmd, [o, target, verb] {
        auto store = openStore(*o, false);
        if (verb == "remove")
          admin::removeEnrolee(*store, *target);
        else
          admin::setEnroleeEnabled(*store, *target, verb == "enable");
        recordAdminChange(*store, "admin.enrolee." + verb, *target);
        print(*o, {{"enroleeId", *target}, {"action", verb}}, verb + "d Enrolee " + *target + "\n");
        return 0;
      });
    }

    struct BundleOptions {
      std::string id, out, token, tokenFile, mefUri, trustAnchors, validity;
    };
    auto bundle = std::make_shared<BundleOptions>();
    auto* bundleCmd = enrolee->add_subcommand("bundle",
                                              "Export the Enrolee's Bootstrap Instruction Configuration (seed 9.2.2.1) "
                                              "signed by the MEF's configuration key");
    bundleCmd->add_option("ENROLEE-ID", bundle->id)->required();
    bundleCmd->add_option("--out", bundle->out, "bundle file to write (mode 0600)")->required();
    bundleCmd->add_option("--token", bundle->token, "enrolment token to include (from `rspf admin token create`)");
    bundleCmd->add_option("--token-file", bundle->tokenFile, "file holding the enrolment token to include");
    bundleCmd->add_option("--mef-uri", bundle->mefUri, "MEF URI for the Enrolee (default: [mef] uri)");
    bundleCmd->add_option("--mef-trust-anchors", bundle->trustAnchors,
                          "PEM certificates the MEF's certificate chains to (default: the embedded CA's, if any)");
    bundleCmd->add_option("--validity", bundle->validity,
                          "the bundle is refused by Enrolees after this long (default 30d)");
    on(bundleCmd, [o, bundle] {
      auto mefConfig = requireMefConfig(*o, "enrolee bundle");
      auto key = admin::loadConfigurationKey(requireConfigurationKeyFile(mefConfig));
      auto store = openStore(*o, false);
      admin::MefIdentity mefIdentity{bundle->mefUri.empty() ? mefConfig.uri : bundle->mefUri, mefConfig.fqdn, "", {}};
      if (!bundle->trustAnchors.empty()) {
        mefIdentity.trustAnchorsPem = readTextFile(bundle->trustAnchors, "MEF trust anchors");
        ca::parseCertificates({reinterpret_cast<const std::uint8_t*>(mefIdentity.trustAnchorsPem.data()),
                               mefIdentity.trustAnchorsPem.size()});
      }
      if (!bundle->token.empty() && !bundle->tokenFile.empty())
        throw Error(ErrorCode::Config, "give --token or --token-file, not both");
      if (!bundle->tokenFile.empty()) {
        auto text = readTextFile(bundle->tokenFile, "the enrolment token");
        mefIdentity.enrolmentToken = text.substr(0, text.find_first_of("\r\n"));
      } else if (!bundle->token.empty()) {
        mefIdentity.enrolmentToken = bundle->token;
      }
      if (!bundle->validity.empty()) {
        auto validity = parseDuration(bundle->validity);
        if (!validity || validity->count() <= 0)
          throw Error(ErrorCode::Config, "--validity takes a duration such as 30d or 12h");
        mefIdentity.validity = *validity;
      }
      auto instructions = admin::bootstrapInstructionsFor(*store, bundle->id, mefIdentity);
      writePrivateTextFile(bundle->out, config::signBootstrapInstructions(instructions, *key));
      recordAdminChange(*store, "admin.enrolee.bundle", bundle->id);
      print(*o,
            {{"enroleeId", bundle->id},
             {"out", bundle->out},
             {"mefUri", instructions.mefUri},
             {"enrolmentToken", instructions.enrolmentToken.has_value()},
             {"mefTrustAnchors", !instructions.mefTrustAnchorsPem.empty()}},
            "wrote the Bootstrap Instruction Configuration of " + bundle->id + " to " + bundle->out +
                " (signed by the configuration key" +
                (instructions.enrolmentToken ? "; holds an enrolment token" : "") + ")\n");
      return 0;
    });

    auto policyId = std::make_shared<std::string>();
    auto policyOptions = std::make_shared<PolicyOptions>();
    auto* policyCmd = enrolee->add_subcommand("policy", "Change what an Enrolee is provisioned with");
    policyCmd->add_option("ENROLEE-ID", *policyId)->required();
    policyOptions->addTo(policyCmd, true);
    on(policyCmd, [o, policyId, policyOptions] {
      auto store = openStore(*o, false);
      auto policy =
          admin::changeEnroleePolicy(*store, *policyId, [&](store::EnrolmentPolicy& p) { policyOptions->applyTo(p); });
      auto j = admin::describePolicy(policy);
      recordAdminChange(*store, "admin.enrolee.policy", *policyId);
      print(*o, j, "policy of " + *policyId + " updated\n" + j.dump(2) + "\n");
      return 0;
    });
  }

  // enrolee import
  {
    auto file = std::make_shared<std::string>();
    auto format = std::make_shared<std::string>();
    auto* import = enrolee->add_subcommand(
        "import",
        "Register Enrolees in bulk from CSV (with a header) or a JSON array: each row is imported whole or rejected "
        "with its reason. The file is checked whole first (a malformed one imports nothing), then stored 1000 rows "
        "per transaction, in memory bounded by one batch");
    import->add_option("FILE", *file, "the CSV or JSON file")->required();
    import->add_option("--format", *format, "csv or json (default: from the file name's extension)")
        ->check(CLI::IsMember({"csv", "json"}));
    on(import, [o, file, format] {
      auto extension = std::filesystem::path(*file).extension().string();
      auto parsed = admin::parseImportFormat(!format->empty() ? *format : extension.empty() ? "" : extension.substr(1));
      if (!parsed) throw Error(ErrorCode::Config, "name the import's format: --format csv or --format json");
      // Read twice: once to check the whole document and count its rows (nothing is imported from a
      // malformed file), then to import it, a batch at a time: memory is bounded by one batch, not
      // by the file (issue 14 item 6).
      auto open = [&] {
        auto buffer = std::make_unique<std::filebuf>();
        if (!buffer->open(*file, std::ios::in | std::ios::binary))
          throw Error(ErrorCode::Config, "cannot read the import " + *file + ": " + std::strerror(errno));
        return buffer;
      };
      std::size_t total = 0;
      admin::readImportRows(*open(), *parsed, [&](const admin::ImportRow&) { ++total; });
      auto store = openStore(*o, false);
      ImportProgress progress;
      std::size_t done = 0;
      bool firstRow = true;
      if (o->json) std::cout << "{\"rows\": [";
      admin::EnroleeImporter importer(*store, [&](std::vector<admin::ImportRowResult>& batch) {
        std::size_t imported = 0;
        std::string ids;
        for (auto& row : batch) {
          if (o->json) {
            std::cout << (firstRow ? "\n  " : ",\n  ") << admin::describeImportRow(row).dump();
            firstRow = false;
          } else if (!row.imported) {
            std::cerr << "row " << row.number << (row.enroleeId.empty() ? "" : " (" + row.enroleeId + ")")
                      << " rejected: " << row.reason << "\n";
          } else {
            std::cout << "imported " << row.enroleeId << "\n";
            if (row.generatedKpm) {
              auto hex = crypto::toHex(row.generatedKpm->view());
              std::cout << "  Kpm (shown once; provision it to the Enrolee): " << hex << "\n";
              crypto::wipe(hex.data(), hex.size());
            }
          }
          if (row.imported) {
            ++imported;
            ids += (ids.empty() ? "" : ",") + row.enroleeId;
          }
        }
        // One audit entry per stored batch, naming its Enrolees.
        std::string subject =
            std::to_string(imported) + " imported, " + std::to_string(batch.size() - imported) + " rejected";
        if (total > admin::EnroleeImporter::kBatchRows)
          subject += " (rows " + std::to_string(done + 1) + "-" + std::to_string(done + batch.size()) + " of " +
                     std::to_string(total) + ")";
        if (imported > 0) recordAdminChange(*store, "admin.enrolee.import", subject, ids);
        done += batch.size();
        progress.update(done, total);
      });
      admin::readImportRows(*open(), *parsed, [&](const admin::ImportRow& row) { importer.add(row); });
      importer.finish();
      std::string summary =
          std::to_string(importer.imported()) + " imported, " + std::to_string(importer.rejected()) + " rejected";
      if (importer.imported() == 0) recordAdminChange(*store, "admin.enrolee.import", summary);
      if (o->json)
        std::cout << (firstRow ? "" : "\n") << "], \"imported\": " << importer.imported()
                  << ", \"rejected\": " << importer.rejected() << "}\n";
      else
        std::cout << summary << "\n";
      return importer.rejected() == 0 ? 0 : 1;
    });
  }

  // config-key
  auto* configKey = admin->add_subcommand(
      "config-key", "The MEF's configuration key, which signs Bootstrap Instruction Configuration bundles");
  configKey->require_subcommand(1);
  on(configKey->add_subcommand("init",
                               "Create the configuration key ([mef] configuration_key) if absent; print "
                               "its public key, the signer devices must trust"),
     [o] {
       auto config = requireMefConfig(*o, "config-key init");
       auto file = requireConfigurationKeyFile(config);
       bool created = admin::initConfigurationKey(file);
       auto pem = ca::publicKeyPem(*admin::loadConfigurationKey(file));
       if (created && (config.store.postgres() ||
                       std::filesystem::exists(config.store.sqlite))) {  // audited once the store exists
         auto store = openStore(*o, false);
         recordAdminChange(*store, "admin.config-key.init", file.filename().string(), "created");
       }
       print(*o, {{"file", file.string()}, {"created", created}, {"publicKey", pem}},
             (created ? "created configuration key " : "configuration key exists: ") + file.string() +
                 " (mode 0600)\npublic key (give it to devices as --bundle-signer):\n" + pem);
       return 0;
     });
  on(configKey->add_subcommand("show", "Print the configuration key's public key (PEM)"), [o] {
    auto file = requireConfigurationKeyFile(requireMefConfig(*o, "config-key show"));
    auto pem = ca::publicKeyPem(*admin::loadConfigurationKey(file));
    print(*o, {{"file", file.string()}, {"publicKey", pem}}, pem);
    return 0;
  });

  // target
  auto* target = admin->add_subcommand("target", "Enrolment Targets allowed to perform MEF Key Retrieval");
  target->require_subcommand(1);
  {
    auto id = std::make_shared<std::string>();
    auto type = std::make_shared<std::string>("CSE");
    auto* add = target->add_subcommand(
        "add", "Register a CSE / AE identity allowed to fetch keys (it must also be an enrolled Enrolee)");
    add->add_option("TARGET-ID", *id, "the target's CSE-ID / AE-ID in FQDN form")->required();
    add->add_option("--type", *type, "CSE, AE or MAF")
        ->check(CLI::IsMember({"CSE", "AE", "MAF"}))
        ->capture_default_str();
    on(add, [o, id, type] {
      auto store = openStore(*o, false);
      admin::addTarget(*store, *id, *type);
      recordAdminChange(*store, "admin.target.add", *id);
      print(*o, {{"targetId", *id}, {"type", *type}}, "added Enrolment Target " + *id + " (" + *type + ")\n");
      return 0;
    });
    on(target->add_subcommand("list", "List Enrolment Targets"), [o] {
      auto store = openStore(*o, false);
      nlohmann::json all = nlohmann::json::array();
      std::string text;
      for (const auto& t : store->listTargets()) {
        text += t.targetId + "  " + t.type + "  since " + toRfc3339(t.createdAt) + "\n";
        all.push_back(admin::describeTarget(t));
      }
      print(*o, all, text.empty() ? "no Enrolment Targets\n" : text);
      return 0;
    });
    auto removeId = std::make_shared<std::string>();
    auto* remove = target->add_subcommand("remove", "Remove an Enrolment Target");
    remove->add_option("TARGET-ID", *removeId)->required();
    on(remove, [o, removeId] {
      auto store = openStore(*o, false);
      admin::removeTarget(*store, *removeId);
      recordAdminChange(*store, "admin.target.remove", *removeId);
      print(*o, {{"targetId", *removeId}, {"action", "removed"}}, "removed Enrolment Target " + *removeId + "\n");
      return 0;
    });
  }

  // ca
  auto* caCmd =
      admin->add_subcommand("ca", "The embedded Certificate Authority behind the MEF's EST registration authority");
  caCmd->require_subcommand(1);
  {
    auto label = std::make_shared<std::string>();
    auto dns = std::make_shared<std::vector<std::string>>();
    auto uri = std::make_shared<std::vector<std::string>>();
    auto validity = std::make_shared<std::string>("3650d");
    auto* init = caCmd->add_subcommand(
        "init", "Create the CA: EC P-256, name constraints (TS-0003 8.1.2.2), key sealed in the store");
    init->add_option("--label", *label, "CA label (EST path segment); default: the default CA");
    init->add_option("--permitted-dns", *dns, "permitted DNS subtree, e.g. example.com; repeatable")
        ->allow_extra_args(false);
    init->add_option("--permitted-uri", *uri, "permitted URI host subtree, e.g. .example.com; repeatable")
        ->allow_extra_args(false);
    init->add_option("--validity", *validity, "lifetime of the CA certificate")->capture_default_str();
    auto name = std::make_shared<std::string>();
    init->add_option("--name", *name, "the CA certificate's common name (default: rspf MEF CA [LABEL])");
    on(init, [o, label, dns, uri, validity, name] {
      std::optional<store::KeyEncryptionKey> kek;
      auto store = openStore(*o, false, &kek);
      auto d = parseBoundedDuration(*validity, "--validity", ErrorCode::Config);
      auto pem = procedures::createCertificateAuthority(*store, *kek, *label, *dns, *uri, d, *name);
      recordAdminChange(*store, "admin.ca.init", *label, *name);
      print(*o, {{"label", *label}, {"certificate", pem}}, pem);
      return 0;
    });
    // A certificate for another role from the embedded CA (issue 13 item 7).
    struct IssueOptions {
      std::string role, id, out, label, validity = "365d";
    };
    auto issue = std::make_shared<IssueOptions>();
    auto* issueCmd = caCmd->add_subcommand(
        "issue",
        "Issue the certificate and key another role needs (a MAF, a target, the BSF, or a server such as the admin "
        "API): dNSName ID, serverAuth and clientAuth, EC P-256; writes ID.pem, ID-key.pem (0600) and ca.pem");
    issueCmd->add_option("--for", issue->role, "maf, target, bsf or server")
        ->required()
        ->check(CLI::IsMember({"maf", "target", "bsf", "server"}));
    issueCmd->add_option("ID", issue->id, "the role's FQDN (MAF-ID, CSE-ID, the BSF's or the server's name)")
        ->required();
    issueCmd->add_option("--out", issue->out, "folder to write the files in (created if absent)")->required();
    issueCmd->add_option("--label", issue->label, "CA label (default: the default CA)");
    issueCmd->add_option("--validity", issue->validity, "certificate lifetime")->capture_default_str();
    on(issueCmd, [o, issue] {
      std::optional<store::KeyEncryptionKey> kek;
      auto store = openStore(*o, false, &kek);
      crypto::requireAsciiIdentifier(issue->id, "ID");
      auto validity = std::optional(parseBoundedDuration(issue->validity, "--validity", ErrorCode::Config));
      auto authority = procedures::loadCertificateAuthority(*store, *kek, issue->label);
      if (!authority)
        throw Error(ErrorCode::Config, "the store has no CA" +
                                           (issue->label.empty() ? "" : " labelled '" + issue->label + "'") +
                                           ": create it with `rspf admin ca init`");
      std::filesystem::create_directories(issue->out);
      const std::filesystem::path dir(issue->out);
      auto certificateFile = dir / (issue->id + ".pem"), keyFile = dir / (issue->id + "-key.pem");
      if (std::filesystem::exists(keyFile))
        throw Error(ErrorCode::Config, keyFile.string() + " exists: remove it first (a key is never overwritten)");
      auto key = ca::generateP256Key();
      auto issued = authority->issueServerCertificate(issue->id, *key, *validity);
      ca::savePrivateKeyPemFile(keyFile, *key);
      ca::saveCertificatesPemFile(certificateFile, {ca::parseCertificate(issued.der).get()});
      std::ofstream(dir / "ca.pem", std::ios::trunc) << authority->certificatePem();
      recordAdminChange(*store, "admin.ca.issue", issued.serialHex, issue->role + " " + issue->id);
      print(*o,
            {{"serial", issued.serialHex},
             {"certificate", certificateFile.string()},
             {"privateKey", keyFile.string()},
             {"trustAnchor", (dir / "ca.pem").string()}},
            "issued " + issue->id + " (" + issue->role + ", serial " + issued.serialHex +
                "): " + certificateFile.string() + ", key " + keyFile.string() + " (0600), CA " +
                (dir / "ca.pem").string() + "\n");
      return 0;
    });
    auto showLabel = std::make_shared<std::string>();
    auto* show = caCmd->add_subcommand("show", "Print the CA certificate (PEM): the trust anchor to give Enrolees");
    show->add_option("--label", *showLabel, "CA label");
    on(show, [o, showLabel] {
      auto store = openStore(*o, false);
      auto record = store->findCertificateAuthority(*showLabel);
      if (!record) throw Error(ErrorCode::NotFound, "no Certificate Authority labelled '" + *showLabel + "'");
      auto pem = ca::certificatePem(*ca::parseCertificate(record->certificateDer));
      print(*o, {{"label", *showLabel}, {"certificate", pem}}, pem);
      return 0;
    });
    on(caCmd->add_subcommand("pending", "List certificate requests held for approval"), [o] {
      auto store = openStore(*o, false);
      nlohmann::json all = nlohmann::json::array();
      std::string text;
      for (const auto& p : store->listPendingCertificateRequests()) {
        all.push_back(admin::describePendingCertificateRequest(p));
        text += p.enroleeId + "  key " + p.publicKeySha256.substr(0, 16) + "…  since " + toRfc3339(p.createdAt) +
                (p.approved ? "  APPROVED" : "") + "\n";
      }
      print(*o, all, text.empty() ? "no pending certificate requests\n" : text);
      return 0;
    });
    auto approveId = std::make_shared<std::string>();
    auto* approve = caCmd->add_subcommand(
        "approve", "Approve an Enrolee's held certificate request; its next simpleenroll with that key is issued");
    approve->add_option("ENROLEE-ID", *approveId)->required();
    on(approve, [o, approveId] {
      auto store = openStore(*o, false);
      admin::approveCertificateRequest(*store, *approveId);
      recordAdminChange(*store, "admin.ca.approve", *approveId);
      print(*o, {{"enroleeId", *approveId}, {"action", "approved"}},
            "approved the certificate request of " + *approveId + "\n");
      return 0;
    });

    auto serial = std::make_shared<std::string>();
    auto reason = std::make_shared<std::string>("unspecified");
    auto* revoke = caCmd->add_subcommand(
        "revoke", "Revoke an issued certificate: the MEF refuses it at once; publish a new CRL for other parties");
    revoke->add_option("SERIAL", *serial, "serial number in hex, as `ca issued` lists it")->required();
    revoke->add_option("--reason", *reason, "RFC 5280 reason, e.g. keyCompromise, superseded")->capture_default_str();
    on(revoke, [o, serial, reason] {
      auto store = openStore(*o, false);
      auto record = procedures::revokeCertificate(*store, *serial, *reason);
      recordAdminChange(*store, "admin.ca.revoke", record.serialHex);
      print(*o,
            {{"serial", record.serialHex},
             {"enroleeId", record.enroleeId},
             {"reason", record.revocationReason},
             {"revokedAt", toRfc3339(*record.revokedAt)}},
            "revoked certificate " + record.serialHex + " of " + record.enroleeId + " (" + record.revocationReason +
                ")\n");
      return 0;
    });
    auto crlLabel = std::make_shared<std::string>();
    auto crlValidity = std::make_shared<std::string>("7d");
    auto crlOut = std::make_shared<std::string>();
    auto* crl = caCmd->add_subcommand("crl", "Write the CA's certificate revocation list (PEM), signed by the CA");
    crl->add_option("--label", *crlLabel, "CA label");
    crl->add_option("--next-update", *crlValidity, "how long relying parties may use this CRL")->capture_default_str();
    crl->add_option("--out", *crlOut, "file to write (default: standard output)");
    on(crl, [o, crlLabel, crlValidity, crlOut] {
      std::optional<store::KeyEncryptionKey> kek;
      auto store = openStore(*o, false, &kek);
      auto validity = parseBoundedDuration(*crlValidity, "--next-update", ErrorCode::Config);
      auto pem = ca::crlPem(procedures::certificateRevocationList(*store, *kek, *crlLabel, validity));
      if (crlOut->empty()) {
        std::cout << pem;
      } else {
        writeTextFile(*crlOut, pem, kPublicFileMode);
        if (!o->json) std::cout << "CRL written to " << *crlOut << "\n";
      }
      return 0;
    });

    auto enroleeId = std::make_shared<std::string>();
    auto* issued = caCmd->add_subcommand("issued", "List the certificates issued to an Enrolee");
    issued->add_option("ENROLEE-ID", *enroleeId)->required();
    on(issued, [o, enroleeId] {
      auto store = openStore(*o, false);
      nlohmann::json all = nlohmann::json::array();
      std::string text;
      for (const auto& c : store->listIssuedCertificates(*enroleeId)) {
        all.push_back(admin::describeIssuedCertificate(c));
        text += c.serialHex + "  " + c.subject + "  until " + toRfc3339(c.notAfter) +
                (c.revokedAt ? "  REVOKED (" + c.revocationReason + ")" : "") + "\n";
      }
      print(*o, all, text.empty() ? "no certificates\n" : text);
      return 0;
    });
  }

  // token
  auto* token = admin->add_subcommand("token", "Enrolment tokens: single use, optionally bound to one Enrolee");
  token->require_subcommand(1);
  {
    auto bound = std::make_shared<std::string>();
    auto aux = std::make_shared<std::string>();
    auto expires = std::make_shared<std::string>();
    auto* create =
        token->add_subcommand("create", "Issue a token; its value is printed once and only its hash is kept");
    create->add_option("--enrolee", *bound, "bind the token to this Enrolee-ID");
    create->add_option("--aux", *aux, "auxiliary information kept with the enrolment (location, intended use, ...)");
    create->add_option("--expires", *expires, "validity, e.g. 7d (default: no expiry)");
    on(create, [o, bound, aux, expires] {
      auto store = openStore(*o, false);
      std::optional<std::chrono::seconds> validity;
      if (!expires->empty()) {
        validity = parseBoundedDuration(*expires, "--expires", ErrorCode::Config);
      }
      auto issued = admin::createEnrolmentToken(*store, *bound, *aux, validity);
      recordAdminChange(*store, "admin.token.create", issued.record.tokenId);
      print(*o, {{"tokenId", issued.record.tokenId}, {"token", issued.value}},
            "token " + issued.record.tokenId + " (shown once): " + issued.value + "\n");
      return 0;
    });
    on(token->add_subcommand("list", "List tokens (never their values)"), [o] {
      auto store = openStore(*o, false);
      nlohmann::json all = nlohmann::json::array();
      std::string text;
      for (const auto& t : store->listTokens()) {
        auto j = admin::describeToken(t);
        text += t.tokenId + "  " + j["state"].get<std::string>() +
                (t.boundEnroleeId.empty() ? "" : "  bound to " + t.boundEnroleeId) +
                (t.usedBy.empty() ? "" : "  used by " + t.usedBy) + (t.auxInfo.empty() ? "" : "  aux: " + t.auxInfo) +
                "\n";
        all.push_back(std::move(j));
      }
      print(*o, all, text.empty() ? "no tokens\n" : text);
      return 0;
    });
    auto revokeId = std::make_shared<std::string>();
    auto* revoke = token->add_subcommand("revoke", "Revoke an unused token");
    revoke->add_option("TOKEN-ID", *revokeId)->required();
    on(revoke, [o, revokeId] {
      auto store = openStore(*o, false);
      admin::revokeEnrolmentToken(*store, *revokeId);
      recordAdminChange(*store, "admin.token.revoke", *revokeId);
      print(*o, {{"tokenId", *revokeId}, {"action", "revoked"}}, "revoked token " + *revokeId + "\n");
      return 0;
    });
  }

  // store copy (moving up from SQLite to a shared PostgreSQL store; store/store_copy.hpp)
  auto* storeCmd = admin->add_subcommand("store", "The store itself: copy an SQLite store into PostgreSQL");
  storeCmd->require_subcommand(1);
  {
    auto from = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    auto* copy = storeCmd->add_subcommand(
        "copy", "Copy every row of an SQLite store into a new PostgreSQL database (sealed secrets stay sealed)");
    copy->add_option("--from", *from, "the SQLite store file")->required();
    copy->add_option("--to", *to, "the PostgreSQL connection string (postgresql://... or key=value)")->required();
    on(copy, [o, from, to] {
      auto target = store::storeSettingsFromArgument(*to);
      if (!target.postgres()) throw Error(ErrorCode::Config, "--to takes a PostgreSQL connection string");
      auto kek = store::KeyEncryptionKey::load(o->kekFile.empty() ? std::nullopt
                                                                  : std::optional<std::filesystem::path>(o->kekFile));
      ImportProgress progress;
      auto report = store::copySqliteToPostgres(
          *from, target.url, kek, [&](std::size_t done, std::size_t total) { progress.update(done, total); });
      nlohmann::json tables = nlohmann::json::object();
      std::string text;
      for (const auto& [table, rows] : report.rowsPerTable) {
        tables[table] = rows;
        text += "  " + table + ": " + std::to_string(rows) + "\n";
      }
      print(*o,
            {{"rows", report.rows},
             {"tables", tables},
             {"auditIntact", report.copiedAudit.intact},
             {"auditEntries", report.copiedAudit.entries}},
            "copied " + std::to_string(report.rows) + " rows to " + target.url + "\n" + text + "audit log " +
                (report.copiedAudit.intact ? "intact: " + std::to_string(report.copiedAudit.entries) + " entries\n"
                                           : "BROKEN (as in the original): " + report.copiedAudit.problem + "\n"));
      return 0;
    });
  }

  // audit
  auto* audit = admin->add_subcommand("audit",
                                      "The audit log: every bootstrap, exchange, certificate, key "
                                      "retrieval, refusal and administrative change");
  audit->require_subcommand(1);
  {
    auto archiveFile = std::make_shared<std::string>();
    auto* verify = audit->add_subcommand(
        "verify", "Check the log's MAC chain (or an archive's): exit 1 if an entry was edited or removed");
    verify->add_option("--archive", *archiveFile, "check this archive (from `audit archive`) instead of the log");
    on(verify, [o, archiveFile] {
      auto store = openStore(*o, false);
      auto v = archiveFile->empty() ? store->verifyAudit()
                                    : store->verifyAuditSegment(admin::readAuditArchive(*archiveFile));
      print(*o,
            {{"intact", v.intact},
             {"entries", v.entries},
             {"firstBadSeq", v.intact ? nlohmann::json() : nlohmann::json(v.firstBadSeq)},
             {"problem", v.problem}},
            std::string(archiveFile->empty() ? "audit log" : "audit archive") +
                (v.intact ? " intact: " + std::to_string(v.entries) + " entries\n" : " BROKEN: " + v.problem + "\n"));
      return v.intact ? 0 : 1;
    });
    struct ArchiveOptions {
      std::string before, olderThan, out;
    };
    auto archive = std::make_shared<ArchiveOptions>();
    auto* archiveCmd = audit->add_subcommand(
        "archive",
        "Move the entries older than --before / --older-than (default: [audit] retention) to a new file (mode "
        "0600) and trim them from the log, keeping a MACed checkpoint so `audit verify` still passes");
    archiveCmd->add_option("--before", archive->before, "archive the entries recorded before this time (RFC 3339)");
    archiveCmd->add_option("--older-than", archive->olderThan, "archive the entries older than this, e.g. 400d");
    archiveCmd->add_option("--out", archive->out, "the archive file to create (never overwritten)")->required();
    on(archiveCmd, [o, archive] {
      if (!archive->before.empty() && !archive->olderThan.empty())
        throw Error(ErrorCode::Config, "give --before or --older-than, not both");
      TimePoint before;
      if (!archive->before.empty()) {
        auto t = parseRfc3339(archive->before);
        if (!t) throw Error(ErrorCode::Config, "--before takes an RFC 3339 time such as 2026-01-01T00:00:00Z");
        before = *t;
      } else {
        std::chrono::seconds age{};
        if (!archive->olderThan.empty())
          age = parseBoundedDuration(archive->olderThan, "--older-than", ErrorCode::Config, true);
        else if (!o->config.empty() && mef::loadMefConfig(o->config).audit.retention)
          age = *mef::loadMefConfig(o->config).audit.retention;
        else
          throw Error(ErrorCode::Config,
                      "name what to archive: --before, --older-than, or [audit] retention in --config");
        before = now() - age;
      }
      auto store = openStore(*o, false);
      auto segment = admin::archiveAudit(*store, before, archive->out);
      if (!segment.entries.empty())
        recordAdminChange(*store, "admin.audit.archive",
                          "entries " + std::to_string(segment.start.seq + 1) + "-" + std::to_string(segment.end.seq));
      const auto n = segment.entries.size();
      print(*o,
            {{"archived", n},
             {"out", n == 0 ? nlohmann::json() : nlohmann::json(archive->out)},
             {"firstSeq", n == 0 ? nlohmann::json() : nlohmann::json(segment.start.seq + 1)},
             {"lastSeq", n == 0 ? nlohmann::json() : nlohmann::json(segment.end.seq)},
             {"before", toRfc3339(before)}},
            n == 0 ? "no audit entries before " + toRfc3339(before) + ": nothing archived\n"
                   : "archived entries " + std::to_string(segment.start.seq + 1) + " to " +
                         std::to_string(segment.end.seq) + " (" + std::to_string(n) + ") to " + archive->out +
                         (n == admin::kMaxArchivedEntries ? "; more remain: run again with another --out" : "") + "\n");
      return 0;
    });
    struct TailOptions {
      std::size_t count = 20;
      bool follow = false;
      std::string subject, since;
    };
    auto t = std::make_shared<TailOptions>();
    auto* tail = audit->add_subcommand("tail", "Show the last entries, oldest first");
    tail->add_option("-n,--lines", t->count, "how many (without --since)")->capture_default_str();
    tail->add_flag("-f,--follow", t->follow, "then keep printing new entries as they are committed (Ctrl-C ends)");
    tail->add_option("--subject", t->subject, "only entries about this subject (an Enrolee-ID, a serial, ...)");
    tail->add_option("--since", t->since,
                     "only entries at or after this time: RFC 3339 (2026-12-01T00:00:00Z) or an age (1h, 7d)");
    on(tail, [o, t] {
      auto store = openStore(*o, false);
      std::optional<TimePoint> since;
      if (!t->since.empty()) {
        since = parseRfc3339(t->since);
        if (auto age = parseDuration(t->since); !since && age && *age <= kMaxDuration) since = now() - *age;
        if (!since)
          throw Error(ErrorCode::Config, "--since takes an RFC 3339 time (2026-12-01T00:00:00Z) or an age (1h)");
      }
      auto wanted = [&](const store::AuditEntry& e) {
        return (t->subject.empty() || e.subject == t->subject) && (!since || e.at >= *since);
      };
      std::vector<store::AuditEntry> shown;
      std::uint64_t last = 0;
      for (auto batch = store->auditAfter(0, 1000); !batch.empty(); batch = store->auditAfter(last, 1000))
        for (auto& e : batch) {
          last = e.seq;
          if (wanted(e)) shown.push_back(std::move(e));
        }
      if (!since && shown.size() > t->count) shown.erase(shown.begin(), shown.end() - static_cast<long>(t->count));
      // --follow prints JSON lines (one object per entry); otherwise --json prints one array.
      auto emit = [&](const store::AuditEntry& e) {
        std::cout << (o->json ? admin::describeAuditEntry(e).dump() : admin::auditLine(e)) << "\n" << std::flush;
      };
      if (t->follow || !o->json) {
        for (const auto& e : shown) emit(e);
        if (!t->follow && shown.empty())
          std::cout << "no audit entries" << (t->subject.empty() && !since ? "" : " match") << "\n";
      } else {
        nlohmann::json all = nlohmann::json::array();
        for (const auto& e : shown) all.push_back(admin::describeAuditEntry(e));
        std::cout << all.dump(2) << "\n";
      }
      while (t->follow) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        for (auto& e : store->auditAfter(last, 1000)) {
          last = e.seq;
          if (wanted(e)) emit(e);
        }
      }
      return 0;
    });
  }

  // backup and KEK rotation (issue 13 item 4)
  {
    auto out = std::make_shared<std::string>();
    auto* backup = admin->add_subcommand(
        "backup", "Copy the store while it is in use (SQLite backup API) to a new file of mode 0600");
    backup->add_option("--out", *out, "the backup file to create (never overwritten)")->required();
    on(backup, [o, out] {
      auto store = openStore(*o, false);
      store->backup(*out);
      recordAdminChange(*store, "admin.backup", *out);
      store->flushAudit();
      print(*o, {{"backup", *out}},
            "backup written to " + *out + " (mode 0600); check it with `rspf admin --store " + *out +
                " --kek-file KEK audit verify`\n");
      return 0;
    });
    auto* kek = admin->add_subcommand("kek", "The store's key-encryption key");
    kek->require_subcommand(1);
    auto newKek = std::make_shared<std::string>();
    auto* rotate = kek->add_subcommand(
        "rotate",
        "Re-seal every secret and re-chain the audit log under a new key-encryption key, in one transaction. Stop the "
        "MEF first; afterwards point [store] kek_file at the new file");
    rotate->add_option("--new-kek-file", *newKek, "the new key file (64 hex digits, mode 0600); created when absent")
        ->required();
    on(rotate, [o, newKek] {
      auto store = openStore(*o, false);
      std::filesystem::path next(*newKek);
      bool created = !std::filesystem::exists(next);
      auto key = created ? store::KeyEncryptionKey::generateFile(next) : store::KeyEncryptionKey::fromFile(next);
      store::AuditEntry rotation{0,         now(), localAdministrator(), "admin.kek.rotate", next.filename().string(),
                                 "success", ""};
      store->rotateKeyEncryptionKey(key, std::move(rotation));
      print(*o, {{"newKekFile", next.string()}, {"created", created}},
            "the store is now sealed under " + next.string() + (created ? " (created, mode 0600)" : "") +
                "; set [store] kek_file to it and keep the old key until a backup under the new one exists\n");
      return 0;
    });
  }

  return [admin, action] { return *admin ? (*action)() : 0; };
}

}  // namespace rspf::cli
