// rspf: the command line. Each subcommand only parses options and wires the role libraries.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "as_enrolee/maf_certificate_renewal.hpp"
#include "as_enrolee/target_enrolment.hpp"
#include "bsf/bsf_server.hpp"
#include "bsf/subscriber_store.hpp"
#include "ca/pem.hpp"
#include "ca_server/ca_server.hpp"
#include "cli/commands.hpp"
#include "cli/completion.hpp"
#include "cli/config_check.hpp"
#include "cli/serve_role.hpp"
#include "cli/usage_error.hpp"
#include "common/bounds.hpp"
#include "common/error.hpp"
#include "common/process_hygiene.hpp"
#include "common/text_file.hpp"
#include "config/bootstrap_instruction_bundle.hpp"
#include "crypto/encoding.hpp"
#include "crypto/identifiers.hpp"
#include "crypto/key_file.hpp"
#include "crypto/milenage.hpp"
#include "enrolee/enrolment_client.hpp"
#include "enrolee/instruction_configuration.hpp"
#include "enrolee/remote_maf_enrolment.hpp"
#include "enrolee/target_connection.hpp"
#include "maf/maf_server.hpp"
#include "mef/mef_server.hpp"
#include "observability/json_log_formatter.hpp"
#include "observability/text_log_pattern.hpp"
#include "target/enrolment_target_server.hpp"

namespace {

using namespace rspf;

void setUpLogging(const std::string& level, const std::string& format) {
  auto logger = spdlog::stderr_color_mt("rspf");
  spdlog::set_default_logger(logger);
  if (observability::parseLogFormat(format) == observability::LogFormat::Json)
    spdlog::set_formatter(std::make_unique<observability::JsonLogFormatter>());
  else
    spdlog::set_pattern(observability::textLogPattern(), spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(level));
}

crypto::SecretBytes readKpm(const std::string& file) {
  if (!file.empty()) return readHexKeyFile(file, "Kpm");
  if (const char* env = std::getenv("RSPF_KPM"); env && *env)
    return parseHexKey(env, "Kpm", "environment variable RSPF_KPM");
  throw Error(ErrorCode::Config, "the Kpm is required: --kpm-file FILE (hex, mode 0600) or $RSPF_KPM");
}

// `rspf <role> --check --config FILE`: one line per problem, exit 0 when there is none.
int checkOnly(const std::string& file, const config::Schema& schema, const cli::ConfigLoader& load) {
  auto problems = cli::checkConfiguration(file, schema, load);
  for (const auto& problem : problems) std::cout << problem << "\n";
  if (problems.empty()) std::cout << file << ": OK\n";
  return problems.empty() ? 0 : 1;
}

std::string readFirstLine(const std::string& file, const char* what) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line))
    throw Error(ErrorCode::Config, std::string("cannot read ") + what + " from " + file);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything holds a secret (docs/security.md "Process hygiene").
  const bool allowCoreDumps =
      std::any_of(argv + 1, argv + argc, [](const char* arg) { return std::string_view(arg) == "--allow-core-dumps"; });
  try {
    disableCoreDumps(allowCoreDumps);
  } catch (const Error& e) {
    std::cerr << "rspf: " << e.what() << "\n";
    return 1;
  }
  CLI::App app{
      "rspf: oneM2M Remote Security Provisioning Frameworks (TS-0003 8.3).\n"
      "Roles: the M2M Enrolment Function (mef), an Enrolment Target (target), the Enrolee (enrol,\n"
      "connect), the GBA BSF with its HSS (bsf), the MEF's administration (admin) and a CA serving MEFs\n"
      "over EST (ca serve). `rspf demo` runs them all on loopback.",
      "rspf"};
  app.require_subcommand(1);
  // Options of `rspf` itself (--log-level, --version) are accepted after any subcommand too.
  app.fallthrough();
  app.footer("Exit status: 0 success, 1 failure (the command ran and something was refused or failed), 2 usage error.");
  std::string logLevel = "info";
  auto* logLevelOption =
      app.add_option("--log-level", logLevel, "trace, debug, info, warn, error or off (servers: else [log] level)")
          ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
          ->capture_default_str();
  app.set_version_flag("--version", "rspf 0.1.0");
  bool allowCoreDumpsFlag = allowCoreDumps;  // read from argv above, before anything else runs
  app.add_flag("--allow-core-dumps", allowCoreDumpsFlag,
               "let this process write core dumps (debugging only: a core holds the KEK and unsealed keys; "
               "also $RSPF_ALLOW_CORE_DUMPS=1)");

  // --- mef
  auto* mef = app.add_subcommand("mef", "Run the M2M Enrolment Function (HTTPS, TLS-PSK)");
  std::string mefConfig;
  mef->add_option("--config", mefConfig, "MEF configuration file (TOML); see docs/configuration.md")
      ->required()
      ->check(CLI::ExistingFile);
  std::string logFormat = "text";
  auto logFormatOption = [&logFormat](CLI::App* command) {
    command->add_option("--log-format", logFormat, "text, or json: one JSON object per line")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
  };
  logFormatOption(mef);
  bool check = false;
  auto checkOption = [&check](CLI::App* command) {
    command->add_flag("--check", check,
                      "validate the configuration (keys, files and their modes, certificates, ports, the store) and "
                      "exit: 0 when usable, 1 with one line per problem");
  };
  checkOption(mef);

  // --- target
  auto* caCommand = app.add_subcommand("ca", "The Certificate Authority as an EST server of its own");
  caCommand->require_subcommand(1);
  auto* caServe = caCommand->add_subcommand(
      "serve", "Serve the store's CA over EST (RFC 7030, mutual TLS) to MEFs in upstream-CA mode");
  std::string caConfig;
  caServe->add_option("--config", caConfig, "CA server configuration file (TOML)")->required();
  checkOption(caServe);

  auto* target = app.add_subcommand("target", "Run an Enrolment Target (CSE or AE) that fetches keys from the MEF");
  std::string targetConfig;
  target->add_option("--config", targetConfig, "target configuration file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  logFormatOption(target);
  checkOption(target);

  auto* mafCommand = app.add_subcommand("maf", "Run a MAF (M2M Authentication Function) as Enrolment Target");
  std::string mafConfig;
  mafCommand->add_option("--config", mafConfig, "MAF configuration file (TOML)")->required()->check(CLI::ExistingFile);
  logFormatOption(mafCommand);
  checkOption(mafCommand);

  // --- enrol
  auto* enrol =
      app.add_subcommand("enrol", "Enrol with a MEF by a pre-provisioned key (KpmId/Kpm) and keep the credentials");
  enrolee::EnrolOptions enrolOptions;
  std::string kpmFile, tokenFile, credentials = "rspf-credentials.json", credentialKey;
  std::string token;
  bool enrolJson = false;
  enrol->add_option(
      "--mef", enrolOptions.mefUrl,
      "MEF URL, https://host:port or coaps://host:port (DTLS over UDP; required unless --bundle gives it)");
  enrol->add_option("--mef-fqdn", enrolOptions.mefFqdn,
                    "MEF FQDN (SNI, and the suffix of KeId; required unless --bundle gives it)");
  std::string bundleFile, bundleSigner;
  enrol->add_option("--bundle", bundleFile,
                    "signed Bootstrap Instruction Configuration (`rspf admin enrolee bundle`): defaults for --mef, "
                    "--mef-fqdn, --kpm-id, --mef-trust-anchors and --token");
  enrol->add_option("--bundle-signer", bundleSigner,
                    "the trusted configuration key (PEM public key or certificate) the bundle must be signed by");
  enrol->add_option("--kpm-id", enrolOptions.kpmId,
                    "KpmId, the pre-provisioned key's identifier (pre-provisioned key framework)");
  std::string bootstrapCertificate, bootstrapKey, mefTrustAnchors;
  enrol->add_option("--cert", bootstrapCertificate,
                    "the Enrolee's certificate, PEM (certificate framework, instead of --kpm-id)");
  enrol->add_option("--cert-key", bootstrapKey, "its private key, PEM (mode 0600)");
  enrol->add_option("--mef-trust-anchors", mefTrustAnchors, "CA certificates the MEF's certificate must chain to, PEM");
  std::string crlFile;
  enrol->add_option("--crl", crlFile, "CRLs (PEM or DER) the MEF's certificate is checked against (with --cert)");
  enrol->add_option("--kpm-file", kpmFile, "file holding Kpm in hex (else $RSPF_KPM)");
  enrol->add_option("--token", token, "enrolment token");
  enrol->add_option("--token-file", tokenFile, "file holding the enrolment token");
  enrol->add_flag("--certificate", enrolOptions.certificateEnrolment,
                  "tell the MEF this Enrolee supports Certificate Enrolment");
  enrol->add_flag("--maf", enrolOptions.mafEnrolment,
                  "tell the MEF this Enrolee supports MAF-based procedures; perform Remote MAF Enrolment when "
                  "instructed");
  enrol->add_flag("--tls13", enrolOptions.tls13, "allow TLS 1.3 (the MEF must allow it too)");
  enrol->add_option("--credentials", credentials, "credential file to write (mode 0600)")->capture_default_str();
  enrol->add_option(
      "--credential-key", credentialKey,
      "key file sealing the credential file's secrets (default: <credentials>.key, or $RSPF_CREDENTIAL_KEY)");
  enrol->add_flag("--json", enrolJson, "print the result as JSON");
  std::string approvalWait;
  enrol->add_option("--approval-wait", approvalWait,
                    "wait this long (e.g. 60s) for a certificate request held for approval");
  bool reauth = false;
  enrol->add_flag("--reauth", reauth,
                  "re-key: authenticate with the KreId/Kre of the credential file (no bootstrap credential needed) "
                  "and run the Enrolment Exchange again for a fresh Ke");
  std::string renewBefore;
  enrol->add_option("--renew-before", renewBefore,
                    "do nothing while the credential file stays valid longer than this (e.g. 7d); otherwise enrol "
                    "again, by re-authentication while it is still valid");
  enrolee::ConfiguredInstructions configured;
  std::string enrolmentExpiry;
  enrol->add_option("--enrolment-target", configured.enrolmentTargetIds,
                    "the Enrolment Target this Enrolee is configured for (seed 9.2.2.1; repeatable; default: the "
                    "bundle's): an exchange whose instructions name none of them is refused");
  enrol->add_option("--enrolment-expiry", enrolmentExpiry,
                    "the Enrolment Expiry it is configured with (e.g. 30d; default: the bundle's): a shorter one "
                    "from the MEF is warned about");
  bool renew = false;
  enrol->add_flag("--renew", renew,
                  "renew the certificate given by --cert/--cert-key (EST simplereenroll): a new key and certificate "
                  "replace both files");

  bool gba = false;
  std::string usimFile, gbaSession;
  enrolee::BsfEndpoint bsfEndpoint;
  enrol->add_flag("--gba", gba, "bootstrap by GBA (seed 8.3.2.3): Ub with the BSF, then TLS-PSK with Ks_NAF");
  enrol->add_flag("--gba-u", enrolOptions.gbaUicc,
                  "GBA_U: psk_identity 3GPP-bootstrapping-uicc.<B-TID> with Ks_int_NAF (implies --gba)");
  enrol->add_option("--usim", usimFile, "the simulated USIM file (IMPI, K, OPc, SQN; mode 0600)");
  enrol->add_option("--bsf", bsfEndpoint.url, "BSF URL, https://host:port");
  enrol->add_option("--bsf-fqdn", bsfEndpoint.fqdn, "BSF FQDN (its certificate's name and the Digest realm)");
  enrol->add_option("--bsf-trust-anchors", bsfEndpoint.trustAnchors, "CA certificates the BSF's must chain to, PEM");
  enrol->add_option("--gba-session", gbaSession,
                    "file keeping the bootstrapped Ks and B-TID for reuse (default: <credentials>.gba)");

  // --- bsf
  auto* bsf =
      app.add_subcommand("bsf", "Run the GBA Bootstrapping Server Function with its HSS, or manage subscribers");
  std::string bsfConfig;
  bsf->add_option("--config", bsfConfig, "BSF configuration file (TOML); see docs/configuration.md")
      ->check(CLI::ExistingFile);
  checkOption(bsf);
  auto* subscriber = bsf->add_subcommand("subscriber", "HSS subscribers: add, list");
  auto* subscriberAdd = subscriber->add_subcommand("add", "Add a subscriber (IMPI, K, OPc or OP, GUSS)");
  auto* subscriberList = subscriber->add_subcommand("list", "List subscribers (no keys)");
  std::string subscriberConfig, impi, kFile, opcFile, opFile, guss;
  bool uicc = false, subscriberJson = false;
  for (auto* cmd : {subscriberAdd, subscriberList})
    cmd->add_option("--config", subscriberConfig, "BSF configuration file")->required()->check(CLI::ExistingFile);
  subscriberList->add_flag("--json", subscriberJson, "print JSON");
  subscriberAdd
      ->add_option("--impi", impi, "IMS Private Identity, e.g. 001010123456789@ims.mnc001.mcc001.3gppnetwork.org")
      ->required();
  subscriberAdd->add_option("--k-file", kFile, "file holding K, 32 hex digits (mode 0600)")->required();
  subscriberAdd->add_option("--opc-file", opcFile, "file holding OPc, 32 hex digits (mode 0600)");
  subscriberAdd->add_option("--op-file", opFile, "file holding OP (OPc is derived, TS 35.206 4.1)");
  subscriberAdd->add_option("--guss", guss, "NAF FQDNs the subscriber may use, comma-separated (GUSS)")->required();
  subscriberAdd->add_flag("--uicc", uicc, "GBA_U capable UICC: the BSF also gives NAFs Ks_int_NAF");
  subscriber->require_subcommand(1);

  // --- connect
  auto* connect = app.add_subcommand(
      "connect", "Open a TLS-PSK channel to an Enrolment Target with a provisioned key and send one request");
  enrolee::TargetRequest targetRequest;
  std::string connectCredentials = "rspf-credentials.json", connectCredentialKey, identity = "auto", usage;
  targetRequest.request.method = "GET";
  targetRequest.request.target = "/whoami";
  connect->add_option("--credentials", connectCredentials, "credential file written by `rspf enrol`")
      ->capture_default_str();
  connect->add_option("--credential-key", connectCredentialKey, "key file sealing the credential file");
  connect
      ->add_option("--target", targetRequest.targetUrl,
                   "target URL, https://host:port or coaps://host:port (its listen_coaps)")
      ->required();
  connect->add_option("--target-id", targetRequest.targetId, "Target-ID the key was derived for (also sent as SNI)")
      ->required();
  connect->add_option("--usage", usage, "SAEF, ESPrim or ESData when several keys exist for the target");
  connect
      ->add_option("--identity", identity,
                   "psk_identity: auto (KeId first, then the derived key identifier), keid or derived")
      ->check(CLI::IsMember({"auto", "keid", "derived"}))
      ->capture_default_str();
  connect->add_flag("--even-if-expired", targetRequest.evenIfExpired,
                    "attempt the handshake even after the Enrolment Expiry (to test a target)");
  connect->add_option("--method", targetRequest.request.method, "HTTP method")->capture_default_str();
  connect->add_option("--path", targetRequest.request.target, "request path")->capture_default_str();

  // --- demo
  auto* demo = app.add_subcommand("demo", "Run every provisioning step end to end on loopback with a temporary store");
  bool keep = false, verbose = false;
  demo->add_flag("--keep", keep, "keep the temporary folder (configs, stores, logs)");
  demo->add_flag("--verbose", verbose, "show the servers' logs at the end");

  auto runAdmin = rspf::cli::addAdminCommands(app);
  auto runMafConnect = rspf::cli::addMafConnectCommand(app);
  auto runCompletion = rspf::cli::addCompletionCommand(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli::usageError(app, e);
  }

  try {
    setUpLogging(logLevel, logFormat);
    if (*mef) {
      if (check) return checkOnly(mefConfig, mef::mefConfigSchema(), [](const auto& f) { mef::loadMefConfig(f); });
      cli::ServedRole role{"MEF", mefConfig, mef::mefConfigSchema(), logLevelOption->count() > 0};
      auto signals = cli::blockServerSignals();
      auto config = mef::loadMefConfig(mefConfig);
      cli::applyConfiguredLogLevel(role);
      mef::MefServer server(config);
      return cli::serveUntilSignalled(server, signals, config.readyFile, config.host, role);
    }
    if (*bsf) {
      if (*subscriberAdd || *subscriberList) {
        auto config = bsf::loadBsfConfig(subscriberConfig);
        if (*subscriberAdd && config.kekFile && !std::filesystem::exists(*config.kekFile)) {
          store::KeyEncryptionKey::generateFile(*config.kekFile);
          std::cerr << "created key-encryption key " << config.kekFile->string()
                    << " (mode 0600; back it up apart from the store)\n";
        }
        bsf::SubscriberStore store(config.store, store::KeyEncryptionKey::load(config.kekFile));
        if (*subscriberList) {
          nlohmann::json all = nlohmann::json::array();
          for (const auto& s : store.listSubscribers()) {
            all.push_back({{"impi", s.impi}, {"sqn", s.sqn}, {"guss", s.guss.nafFqdns}, {"uicc", s.guss.uicc}});
            if (!subscriberJson)
              std::cout << s.impi << "  sqn " << s.sqn << "  guss " << nlohmann::json(s.guss.nafFqdns).dump()
                        << (s.guss.uicc ? "  uicc" : "") << "\n";
          }
          if (subscriberJson) std::cout << all.dump(2) << "\n";
          return 0;
        }
        if (opcFile.empty() == opFile.empty()) throw Error(ErrorCode::Config, "give one of --opc-file and --op-file");
        bsf::Subscriber s;
        s.impi = impi;
        crypto::requireAsciiIdentifier(impi, "IMPI");
        s.k = readHexKeyFile(kFile, "K", crypto::kMilenageKeySize);
        s.opc = opcFile.empty() ? crypto::deriveOpc(s.k, readHexKeyFile(opFile, "OP", crypto::kMilenageKeySize).view())
                                : readHexKeyFile(opcFile, "OPc", crypto::kMilenageKeySize);
        for (std::size_t start = 0; start <= guss.size();) {
          auto end = std::min(guss.find(',', start), guss.size());
          if (end > start) s.guss.nafFqdns.push_back(guss.substr(start, end - start));
          start = end + 1;
        }
        s.guss.uicc = uicc;
        store.addSubscriber(s);
        std::cout << "added subscriber " << impi << " (GUSS " << guss << (uicc ? ", GBA_U" : "") << ")\n";
        return 0;
      }
      if (bsfConfig.empty()) throw Error(ErrorCode::Config, "rspf bsf needs --config FILE");
      if (check) return checkOnly(bsfConfig, bsf::bsfConfigSchema(), [](const auto& f) { bsf::loadBsfConfig(f); });
      cli::ServedRole role{"BSF", bsfConfig, bsf::bsfConfigSchema(), logLevelOption->count() > 0};
      auto signals = cli::blockServerSignals();
      auto config = bsf::loadBsfConfig(bsfConfig);
      cli::applyConfiguredLogLevel(role);
      bsf::BsfServer server(config);
      return cli::serveUntilSignalled(server, signals, config.readyFile, config.host, role);
    }
    if (*caServe) {
      if (check)
        return checkOnly(caConfig, ca_server::caServerConfigSchema(),
                         [](const auto& f) { ca_server::loadCaServerConfig(f); });
      cli::ServedRole role{"EST Certificate Authority", caConfig, ca_server::caServerConfigSchema(),
                           logLevelOption->count() > 0};
      auto signals = cli::blockServerSignals();
      auto config = ca_server::loadCaServerConfig(caConfig);
      cli::applyConfiguredLogLevel(role);
      ca_server::CaServer server(config);
      return cli::serveUntilSignalled(server, signals, config.readyFile, config.host, role);
    }
    if (*target) {
      if (check)
        return checkOnly(targetConfig, target::targetConfigSchema(),
                         [](const auto& f) { target::loadTargetConfig(f); });
      cli::ServedRole role{"Enrolment Target", targetConfig, target::targetConfigSchema(), logLevelOption->count() > 0};
      auto signals = cli::blockServerSignals();
      auto config = target::loadTargetConfig(targetConfig);
      cli::applyConfiguredLogLevel(role);
      as_enrolee::TargetEnrolment ownEnrolment(config);
      target::EnrolmentTargetServer server(config, ownEnrolment);
      return cli::serveUntilSignalled(server, signals, config.readyFile, config.host, role);
    }
    if (*mafCommand) {
      if (check) return checkOnly(mafConfig, maf::mafConfigSchema(), [](const auto& f) { maf::loadMafConfig(f); });
      cli::ServedRole role{"MAF", mafConfig, maf::mafConfigSchema(), logLevelOption->count() > 0};
      auto signals = cli::blockServerSignals();
      auto config = maf::loadMafConfig(mafConfig);
      cli::applyConfiguredLogLevel(role);
      as_enrolee::MafCertificateRenewal certificateRenewal(config);
      maf::MafServer server(config, certificateRenewal);
      return cli::serveUntilSignalled(server, signals, config.readyFile, config.host, role);
    }
    if (*enrol) {
      if (!bundleFile.empty() || !bundleSigner.empty()) {
        if (bundleFile.empty() || bundleSigner.empty())
          throw Error(ErrorCode::Config, "--bundle and --bundle-signer go together");
        auto instructions = config::verifyBootstrapInstructions(readTextFile(bundleFile, "the bundle"),
                                                                *config::loadBundleSigner(bundleSigner));
        if (enrolOptions.mefUrl.empty()) enrolOptions.mefUrl = instructions.mefUri;
        if (enrolOptions.mefFqdn.empty()) enrolOptions.mefFqdn = instructions.mefFqdn;
        if (enrolOptions.kpmId.empty() && bootstrapCertificate.empty()) enrolOptions.kpmId = instructions.kpmId;
        if (token.empty() && tokenFile.empty() && instructions.enrolmentToken) token = *instructions.enrolmentToken;
        if (configured.enrolmentTargetIds.empty()) configured.enrolmentTargetIds = instructions.enrolmentTargetIds;
        if (enrolmentExpiry.empty()) configured.enrolmentExpiry = instructions.enrolmentExpiry;
        if (mefTrustAnchors.empty() && !bootstrapCertificate.empty() && !instructions.mefTrustAnchorsPem.empty()) {
          mefTrustAnchors = credentials + ".mef-trust-anchors.pem";
          writeTextFile(mefTrustAnchors, instructions.mefTrustAnchorsPem, kPublicFileMode);
        }
      }
      // Re-keying (issue 5 items 3 and 4): from the credentials of an earlier enrolment.
      std::optional<enrolee::EnroleeCredentials> kept;
      if ((reauth || !renewBefore.empty()) && std::filesystem::exists(credentials))
        kept =
            enrolee::CredentialFile{
                credentials, credentialKey.empty() ? std::nullopt : std::optional<std::filesystem::path>(credentialKey)}
                .load();
      if (!renewBefore.empty()) {
        auto margin = std::optional(parseBoundedDuration(renewBefore, "--renew-before", ErrorCode::Config, true));
        if (kept && kept->expiry - now() > *margin) {
          std::cout << "credentials valid until " << toRfc3339(kept->expiry) << ", more than " << renewBefore
                    << " from now: nothing to do\n";
          return 0;
        }
        if (kept && kept->expiry > now()) reauth = true;
      }
      if (reauth) {
        if (!kept) throw Error(ErrorCode::Config, "--reauth needs the credential file of an earlier enrolment");
        if (kept->expiry <= now())
          throw Error(ErrorCode::Forbidden, "the credentials expired at " + toRfc3339(kept->expiry) +
                                                ": enrol again with the bootstrap credential");
        if (enrolOptions.mefUrl.empty()) enrolOptions.mefUrl = kept->mefUrl;
        if (enrolOptions.mefFqdn.empty()) enrolOptions.mefFqdn = kept->mefFqdn;
        enrolOptions.kpmId = kept->kreId;
        enrolOptions.kpm = kept->kre;
        bootstrapCertificate.clear();
      }
      if (enrolOptions.mefUrl.empty() || enrolOptions.mefFqdn.empty())
        throw Error(ErrorCode::Config, "name the MEF: --mef and --mef-fqdn, or --bundle with --bundle-signer");
      if (!approvalWait.empty()) {
        enrolOptions.approvalWait = parseBoundedDuration(approvalWait, "--approval-wait", ErrorCode::Config, true);
      }
      if (reauth) {
        // KreId/Kre from the credential file (above).
      } else if (!bootstrapCertificate.empty()) {
        if (bootstrapKey.empty() || mefTrustAnchors.empty())
          throw Error(ErrorCode::Config, "--cert needs --cert-key and --mef-trust-anchors");
        enrolOptions.certificateBootstrap =
            enrolee::CertificateBootstrapFiles{bootstrapCertificate, bootstrapKey, mefTrustAnchors};
        if (!crlFile.empty()) enrolOptions.certificateBootstrap->crl = crlFile;
      } else if (gba || enrolOptions.gbaUicc) {
        if (usimFile.empty() || bsfEndpoint.url.empty() || bsfEndpoint.fqdn.empty() || bsfEndpoint.trustAnchors.empty())
          throw Error(ErrorCode::Config, "--gba needs --usim, --bsf, --bsf-fqdn and --bsf-trust-anchors");
        if (enrolOptions.tls13)
          throw Error(ErrorCode::Config,
                      "GBA runs over TLS 1.2 (TS 33.222 profiles it; NAF_Id needs its suite): drop --tls13");
      } else if (enrolOptions.kpmId.empty()) {
        throw Error(ErrorCode::Config, "name the bootstrap credential: --kpm-id (with --kpm-file), --cert or --gba");
      } else {
        enrolOptions.kpm = readKpm(kpmFile);
      }
      if (!tokenFile.empty()) token = readFirstLine(tokenFile, "the enrolment token");
      if (!token.empty()) enrolOptions.enrolmentToken = token;
      if (renew) {
        if (!enrolOptions.certificateBootstrap)
          throw Error(ErrorCode::Config, "--renew needs --cert, --cert-key and --mef-trust-anchors");
        auto renewed = enrolee::renewCertificate(enrolOptions);
        auto newKey = std::filesystem::path(bootstrapKey + ".new");
        std::filesystem::remove(newKey);
        ca::savePrivateKeyPemFile(newKey, *renewed.privateKey);
        ca::saveCertificatesPemFile(bootstrapCertificate, {renewed.certificate.get()});
        std::filesystem::rename(newKey, bootstrapKey);
        std::cout << "renewed " << bootstrapCertificate << " (new key in " << bootstrapKey << ")\n";
        return 0;
      }
      // Issue 10 item 6: the MEF's CRL, kept beside the credentials for `rspf maf-connect`.
      enrolOptions.mefCrlFile = credentials + ".crl.der";
      std::optional<enrolee::EnroledCertificate> certificate;
      enrolee::CredentialFile file{
          credentials, credentialKey.empty() ? std::nullopt : std::optional<std::filesystem::path>(credentialKey)};
      bool gbaReused = false;
      auto result = [&] {
        if (!(gba || enrolOptions.gbaUicc)) return enrolee::enrol(enrolOptions, certificate);
        auto usim = enrolee::SimulatedUsim::load(usimFile);
        enrolee::BootstrappedKeyFile keyFile{gbaSession.empty() ? credentials + ".gba" : gbaSession, file};
        return enrolee::enrolWithGba(enrolOptions, bsfEndpoint, usim, keyFile, certificate, gbaReused);
      }();
      // Issue 10 item 7: what this Enrolee was configured with, against what the MEF instructed.
      if (!enrolmentExpiry.empty()) {
        auto d = parseDuration(enrolmentExpiry);
        if (!d) throw Error(ErrorCode::Config, "--enrolment-expiry takes a duration such as 30d");
        configured.enrolmentExpiry = *d;
      }
      for (const auto& warning : enrolee::checkInstructions(result, configured))
        std::cerr << "rspf: warning: " << warning << "\n";
      file.save(result);
      nlohmann::json certificateFiles = nullptr;
      if (certificate) {
        // Installed beside the credential file: the key 0600, certificate and trust anchors public.
        std::filesystem::path certFile = credentials + ".certificate.pem",
                              keyFile = credentials + ".certificate-key.pem",
                              anchorsFile = credentials + ".trust-anchors.pem";
        std::filesystem::remove(keyFile);
        ca::savePrivateKeyPemFile(keyFile, *certificate->privateKey);
        ca::saveCertificatesPemFile(certFile, {certificate->certificate.get()});
        std::vector<const X509*> anchors;
        for (const auto& a : certificate->trustAnchors) anchors.push_back(a.get());
        ca::saveCertificatesPemFile(anchorsFile, anchors);
        certificateFiles = {{"certificate", certFile.string()},
                            {"privateKey", keyFile.string()},
                            {"trustAnchors", anchorsFile.string()}};
      }
      nlohmann::json summary = {{"keId", result.keId},
                                {"kreId", result.kreId},
                                {"expiry", toRfc3339(result.expiry)},
                                {"keyProfile", crypto::keyProfileName(result.keyProfile)},
                                {"instructions", result.instructions},
                                {"credentials", credentials},
                                {"certificateFiles", certificateFiles}};
      if (gba || enrolOptions.gbaUicc)
        summary["gba"] = {{"pskIdentity", result.pskIdentity}, {"reusedBootstrapping", gbaReused}};
      // 8.3.3.1 steps 7-8: Remote MAF Enrolment when instructed (the credentials are saved first).
      if (enrolOptions.mafEnrolment && enrolee::mafInstructionOf(result)) {
        auto mafCertificate = enrolee::certificateFilesBeside(credentials);
        if (!certificate && enrolOptions.certificateBootstrap)
          mafCertificate = {bootstrapCertificate, bootstrapKey, mefTrustAnchors};
        auto enrolled = enrolee::performRemoteMafEnrolment(result, mafCertificate);
        file.save(result);
        summary["mafEnrolment"] = {{"mafId", enrolled.mafId},
                                   {"credentialType", enrolled.credentialType},
                                   {"kmId", enrolled.kmId},
                                   {"usages", enrolled.usages}};
      }
      if (enrolJson) {
        std::cout << summary.dump(2) << "\n";
      } else {
        if (gba || enrolOptions.gbaUicc)
          std::cout << "GBA: " << (gbaReused ? "reused the kept" : "bootstrapped a new") << " Ks; psk_identity "
                    << result.pskIdentity << "\n";
        std::cout << "Enrolled with " << enrolOptions.mefUrl << "\n"
                  << "  KeId     " << result.keId << "\n  KreId    " << result.kreId << "\n  expires  "
                  << toRfc3339(result.expiry) << "\n  profile  " << crypto::keyProfileName(result.keyProfile) << "\n";
        for (const auto& k : result.targetKeys)
          std::cout << "  key for  " << k.targetId << " (" << k.usage << "): " << k.keyIdentifier << "\n";
        for (const auto& i : result.instructions)
          if (i.value("type", "") == "configuration")
            std::cout << "  registrar CSE-ID " << i.value("registrarCseId", "") << "\n";
        if (summary.contains("mafEnrolment")) {
          const auto& m = summary["mafEnrolment"];
          std::cout << "  MAF      " << m["mafId"].get<std::string>() << " (" << m["credentialType"].get<std::string>()
                    << ")";
          if (!m["kmId"].get<std::string>().empty()) std::cout << ", KmId " << m["kmId"].get<std::string>();
          std::cout << "\n";
        }
        std::cout << "  saved to " << credentials << "\n";
        if (certificate)
          std::cout << "  certificate " << certificateFiles["certificate"].get<std::string>() << " (key "
                    << certificateFiles["privateKey"].get<std::string>() << ", trust anchors "
                    << certificateFiles["trustAnchors"].get<std::string>() << ")\n";
      }
      return 0;
    }
    if (*connect) {
      enrolee::CredentialFile file{
          connectCredentials,
          connectCredentialKey.empty() ? std::nullopt : std::optional<std::filesystem::path>(connectCredentialKey)};
      auto creds = file.load();
      if (!usage.empty()) targetRequest.usage = usage;
      targetRequest.identity = identity == "keid"      ? enrolee::IdentityChoice::KeId
                               : identity == "derived" ? enrolee::IdentityChoice::DerivedKeyIdentifier
                                                       : enrolee::IdentityChoice::Automatic;
      auto response = enrolee::requestTarget(creds, targetRequest);
      file.save(creds);
      std::cout << response.body << "\n";
      return response.status >= 200 && response.status < 300 ? 0 : 1;
    }
    if (*demo) return rspf::demo::runDemo(keep, verbose);
    if (auto status = runMafConnect()) return *status;
    if (auto status = runCompletion()) return *status;
    return runAdmin();
  } catch (const Error& e) {
    std::cerr << "rspf: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "rspf: error: " << e.what() << "\n";
    return 1;
  }
}
