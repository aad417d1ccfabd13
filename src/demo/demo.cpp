// `rspf demo`: the pre-provisioned symmetric key, certificate and GBA frameworks end to end, as real processes on
// loopback with a temporary embedded store. Exit status 0 only if every step did what it should.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "admin/administration.hpp"
#include "ca/certificate_verifier.hpp"
#include "ca/embedded_ca.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "ca/serial_number.hpp"
#include "cli/commands.hpp"
#include "common/child_process.hpp"
#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "enrolee/enrolee_credentials.hpp"
#include "enrolee/simulated_usim.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "procedures/enrolment_token.hpp"
#include "store/open/open_store.hpp"
#include "support/cse_stand_in.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::demo {
namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

constexpr const char* kMefFqdn = "mef.demo.example";
constexpr const char* kTargetId = "cse1.demo.example";
constexpr const char* kFrontId = "cse3.demo.example";  // a target in front of a oneM2M CSE (docs/cse-front.md)
constexpr const char* kEnroleeId = "ae1.demo.example";
constexpr const char* kShortLivedId = "ae2.demo.example";
constexpr const char* kCertificateEnroleeId = "cse2.demo.example";
constexpr const char* kMafId = "maf.demo.example";
constexpr const char* kMafEnroleeId = "ae3.demo.example";
constexpr const char* kGbaEnroleeId = "ae4.demo.example";
constexpr const char* kCoapsEnroleeId = "ae5.demo.example";
constexpr const char* kBsfFqdn = "bsf.demo.example";
constexpr const char* kImpi = "001010000000001@ims.mnc001.mcc001.3gppnetwork.org";
constexpr int kShortLifetimeSeconds = 3;

struct Demo {
  fs::path dir;
  fs::path exe = currentExecutable();
  int step = 0;
  bool ok = true;
  std::string mefUrl, mefCoapsUrl, targetUrl, targetCoapsUrl, mafUrl, bsfUrl;

  // Runs one step; `body` returns the line to show (or throws). Stops the demo on failure.
  bool run(const std::string& title, const std::function<std::string()>& body) {
    if (!ok) return false;
    ++step;
    auto start = Steady::now();
    std::string detail;
    try {
      detail = body();
    } catch (const std::exception& e) {
      ok = false;
      detail = e.what();
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start).count();
    std::cout << (ok ? " ok  " : " FAIL") << " [" << step << "] " << title << " (" << ms << " ms)\n";
    std::istringstream lines(detail);
    for (std::string line; std::getline(lines, line);) std::cout << "          " << line << "\n";
    std::cout.flush();
    return ok;
  }

  void writeFile(const fs::path& p, const std::string& content) {
    std::ofstream out(p);
    out << content;
    out.close();
    fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write);
  }

  ProcessResult rspf(std::vector<std::string> args) {
    args.insert(args.begin(), exe.string());
    return runProcess(args, "", std::chrono::seconds(20));
  }

  static std::string lastLine(const std::string& text) {
    auto trimmed = text.substr(0, text.find_last_not_of('\n') + 1);
    auto nl = trimmed.rfind('\n');
    return nl == std::string::npos ? trimmed : trimmed.substr(nl + 1);
  }

  ProcessResult enrol(const std::string& who, const std::string& token = "", std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"enrol",
                                     "--mef",
                                     mefUrl,
                                     "--mef-fqdn",
                                     kMefFqdn,
                                     "--kpm-id",
                                     who + "-kpm",
                                     "--kpm-file",
                                     (dir / (who + ".kpm")).string(),
                                     "--credentials",
                                     (dir / (who + ".json")).string()};
    if (!token.empty()) args.insert(args.end(), {"--token-file", (dir / "token").string()});
    args.insert(args.end(), extra.begin(), extra.end());
    return rspf(args);
  }

  ProcessResult enrolByGba() {
    return rspf({"enrol", "--gba", "--usim", (dir / "ae3.usim").string(), "--bsf", bsfUrl, "--bsf-fqdn", kBsfFqdn,
                 "--bsf-trust-anchors", (dir / "ca.pem").string(), "--mef", mefUrl, "--mef-fqdn", kMefFqdn,
                 "--credentials", (dir / (std::string(kGbaEnroleeId) + ".json")).string()});
  }

  ProcessResult connect(const std::string& who, const std::string& path, const std::string& url = "") {
    return rspf({"connect", "--credentials", (dir / (who + ".json")).string(), "--target",
                 url.empty() ? targetUrl : url, "--target-id", kTargetId, "--path", path});
  }
};

std::string requireSuccess(const ProcessResult& r, const std::string& what) {
  if (r.exitCode != 0) throw std::runtime_error(what + " failed: " + Demo::lastLine(r.err.empty() ? r.out : r.err));
  return r.out;
}

store::EnrolmentPolicy directKeyPolicy() {
  store::EnrolmentPolicy p;
  p.directKeys = {{kTargetId, "SAEF"}};
  return p;
}

// The BSF's certificate from the demo's embedded CA, its configuration and KEK, the subscriber's K
// and OPc (TS 35.207 set 1), and the Enrolee's simulated USIM holding the same.
void writeBsfFiles(Demo& d, store::Store& store, const store::KeyEncryptionKey& kek) {
  auto authority = procedures::loadCertificateAuthority(store, kek, "");
  auto key = ca::generateP256Key();
  auto certificate =
      ca::parseCertificate(authority->issueServerCertificate(kBsfFqdn, *key, std::chrono::hours(24)).der);
  ca::savePrivateKeyPemFile(d.dir / "bsf.key", *key);
  ca::saveCertificatesPemFile(d.dir / "bsf.pem", {certificate.get()});
  ca::saveCertificatesPemFile(d.dir / "ca.pem", {&authority->certificate()});
  store::KeyEncryptionKey::generateFile(d.dir / "bsf.kek");
  d.writeFile(d.dir / "bsf.toml", std::string("[bsf]\nfqdn = \"") + kBsfFqdn +
                                      "\"\nlisten = \"127.0.0.1:0\"\nready_file = \"bsf.ready\"\n\n[store]\nsqlite = "
                                      "\"bsf.db\"\nkek_file = \"bsf.kek\"\n\n[tls]\ncertificate = \"bsf.pem\"\n"
                                      "private_key = \"bsf.key\"\nnaf_trust_anchors = \"ca.pem\"\n");
  const char* k = "465b5ce8b199b49faa5f0a2ee238a6bc";
  const char* opc = "cd63cb71954a9f4e48a5994e37a02baf";
  d.writeFile(d.dir / "usim.k", std::string(k) + "\n");
  d.writeFile(d.dir / "usim.opc", std::string(opc) + "\n");
  enrolee::SimulatedUsim::create(d.dir / "ae3.usim", kImpi, crypto::SecretBytes(*crypto::fromHex(k)),
                                 crypto::SecretBytes(*crypto::fromHex(opc)), 0);
}

}  // namespace

int runDemo(bool keep, bool verbose) {
  Demo d;
  char pattern[] = "/tmp/rspf-demo-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    std::cerr << "rspf demo: cannot create a temporary folder\n";
    return 1;
  }
  d.dir = pattern;
  std::cout << "rspf demo: the pre-provisioned key, certificate and GBA frameworks, Certificate Enrolment and Remote\n"
            << "           MAF Enrolment end to end on loopback\n"
            << "           (MEF " << kMefFqdn << ", Enrolment Target " << kTargetId << ", folder " << d.dir.string()
            << ")\n";
  auto started = Steady::now();
  std::unique_ptr<ChildProcess> mef, target, maf, bsf, front;
  std::unique_ptr<testing::CseStandIn> cse;
  std::string token;

  d.run("set up the MEF's store: Enrolees with generated Kpm, policies, a target, a token", [&] {
    auto kek = store::KeyEncryptionKey::generateFile(d.dir / "kek");
    auto store = store::openSqliteStore(d.dir / "mef.db", kek);
    auto add = [&](const std::string& id, store::EnrolmentPolicy policy) {
      auto result = admin::addEnrolee(*store, {id, id + "-kpm", std::nullopt, std::move(policy), {}});
      auto hex = crypto::toHex(result.generatedKpm->view());
      d.writeFile(d.dir / (id + ".kpm"), hex + "\n");
      crypto::wipe(hex.data(), hex.size());
    };
    add(kTargetId, {});
    admin::addTarget(*store, kTargetId, "CSE");
    add(kFrontId, {});
    admin::addTarget(*store, kFrontId, "CSE");
    store::EnrolmentPolicy ae1;
    ae1.directKeys = {{kTargetId, "SAEF"}, {kFrontId, "SAEF"}};
    ae1.registrarCseId = kTargetId;
    ae1.enrolmentExpiry = std::chrono::hours(1);
    ae1.token = store::TokenRequirement::Required;
    add(kEnroleeId, ae1);
    store::EnrolmentPolicy ae2;
    ae2.directKeys = {{kTargetId, "SAEF"}};
    ae2.enrolmentExpiry = std::chrono::seconds(kShortLifetimeSeconds);
    add(kShortLivedId, ae2);
    procedures::createCertificateAuthority(*store, kek, "", {"demo.example"}, {".demo.example"},
                                           std::chrono::hours(24 * 365));
    store::EnrolmentPolicy cse2;
    cse2.certificate = store::CertificatePolicy{"cse", {"SAEF", "ESData"}, std::chrono::hours(24 * 30), ""};
    add(kCertificateEnroleeId, cse2);
    admin::addTarget(*store, kMafId, "MAF");
    add(kMafEnroleeId, {});  // its MAF instruction follows once the MAF listens
    add(kGbaEnroleeId, directKeyPolicy());
    auto coapsPolicy = directKeyPolicy();  // and a certificate by EST-coaps
    coapsPolicy.certificate = store::CertificatePolicy{"ae", {"SAEF"}, std::chrono::hours(24 * 30), ""};
    add(kCoapsEnroleeId, coapsPolicy);
    store->addBootstrapIdentity({std::string(store::BootstrapIdentity::kGba), kImpi, kGbaEnroleeId, "", now()});
    writeBsfFiles(d, *store, kek);
    auto issued = procedures::issueEnrolmentToken(kEnroleeId, "site=plant-3; use=meter", std::nullopt);
    store->addToken(issued.record);
    d.writeFile(d.dir / "token", issued.value + "\n");
    return std::string("Enrolees ") + kTargetId + ", " + kEnroleeId + " (token required, 1h), " + kShortLivedId + " (" +
           std::to_string(kShortLifetimeSeconds) + "s), " + kCertificateEnroleeId + " (certificate), " + kGbaEnroleeId +
           " (GBA, IMPI " + kImpi + "); target " + kTargetId + "; token " + issued.record.tokenId +
           "; embedded CA for demo.example (it also certifies the BSF)";
  });

  d.run("start the GBA BSF with its HSS, one subscriber whose GUSS lists the MEF (rspf bsf)", [&] {
    requireSuccess(
        d.rspf({"bsf", "subscriber", "add", "--config", (d.dir / "bsf.toml").string(), "--impi", kImpi, "--k-file",
                (d.dir / "usim.k").string(), "--opc-file", (d.dir / "usim.opc").string(), "--guss", kMefFqdn}),
        "adding the subscriber");
    bsf = std::make_unique<ChildProcess>(
        std::vector<std::string>{d.exe.string(), "bsf", "--config", (d.dir / "bsf.toml").string()}, d.dir / "bsf.log");
    d.bsfUrl = "https://" + waitForReadyFile(d.dir / "bsf.ready", *bsf);
    return "listening at " + d.bsfUrl + " (Ub for Enrolees, Zn for the MEF's certificate)";
  });

  d.run("start the MEF (rspf mef), also a GBA NAF", [&] {
    d.writeFile(d.dir / "mef.toml", std::string("[mef]\nfqdn = \"") + kMefFqdn +
                                        "\"\nlisten = \"127.0.0.1:0\"\nlisten_coaps = \"127.0.0.1:0\"\nready_file = "
                                        "\"mef.ready\"\n\n[store]\nsqlite = "
                                        "\"mef.db\"\nkek_file = \"kek\"\n\n[gba]\nbsf_url = \"" +
                                        d.bsfUrl + "\"\nbsf_fqdn = \"" + kBsfFqdn +
                                        "\"\nbsf_trust_anchors = \"ca.pem\"\n");
    mef = std::make_unique<ChildProcess>(
        std::vector<std::string>{d.exe.string(), "mef", "--config", (d.dir / "mef.toml").string()}, d.dir / "mef.log");
    d.mefUrl = "https://" + waitForReadyFile(d.dir / "mef.ready", *mef);
    d.mefCoapsUrl = "coaps://" + waitForReadyFile(d.dir / "mef.ready.coaps", *mef);
    return "listening at " + d.mefUrl + " and " + d.mefCoapsUrl + " (UDP, DTLS 1.2)";
  });

  d.run("start the Enrolment Target, which enrols itself with the MEF (rspf target)", [&] {
    d.writeFile(d.dir / "target.toml", std::string("[target]\nid = \"") + kTargetId +
                                           "\"\ntype = \"CSE\"\nusage = \"SAEF\"\nlisten = "
                                           "\"127.0.0.1:0\"\nlisten_coaps = \"127.0.0.1:0\"\nready_file = "
                                           "\"target.ready\"\nrevalidate_after = \"1s\"\n\n[mef]\nurl = \"" +
                                           d.mefUrl + "\"\nfqdn = \"" + kMefFqdn + "\"\nkpm_id = \"" + kTargetId +
                                           "-kpm\"\nkpm_file = \"" + kTargetId +
                                           ".kpm\"\ncredentials = \"target-credentials.json\"\n");
    target = std::make_unique<ChildProcess>(
        std::vector<std::string>{d.exe.string(), "target", "--config", (d.dir / "target.toml").string()},
        d.dir / "target.log");
    d.targetUrl = "https://" + waitForReadyFile(d.dir / "target.ready", *target);
    d.targetCoapsUrl = "coaps://" + waitForReadyFile(d.dir / "target.ready.coaps", *target);
    return "listening at " + d.targetUrl + " and " + d.targetCoapsUrl + "; holds a KreId for MEF Key Retrieval";
  });

  d.run("enrol the Enrolee with KpmId/Kpm and its enrolment token (rspf enrol)",
        [&] { return requireSuccess(d.enrol(kEnroleeId, "token"), "enrolment"); });

  d.run(
      "enrol a constrained Enrolee over CoAPS: DTLS-PSK bootstrap, the exchange and a certificate by EST-coaps "
      "(rspf enrol --mef coaps:// --certificate)",
      [&] {
        auto saved = d.mefUrl;
        d.mefUrl = d.mefCoapsUrl;
        auto r = d.enrol(kCoapsEnroleeId, "", {"--certificate"});
        d.mefUrl = saved;
        auto out = requireSuccess(r, "CoAPS enrolment");
        auto certificate = ca::loadCertificateFile((d.dir / kCoapsEnroleeId).string() + ".json.certificate.pem");
        return out + "certificate " + ca::serialHex(*X509_get0_serialNumber(certificate.get())) +
               " by EST-coaps on the same DTLS session";
      });

  d.run("connect the CoAPS Enrolee to the target over DTLS with its derived key (rspf connect --target coaps://)", [&] {
    auto out = requireSuccess(d.connect(kCoapsEnroleeId, "/whoami", d.targetCoapsUrl), "connection");
    auto j = nlohmann::json::parse(out);
    if (j.value("enroleeId", "") != kCoapsEnroleeId)
      throw std::runtime_error("target saw '" + j.value("enroleeId", "") + "'");
    return "the target authenticated " + j["enroleeId"].get<std::string>() +
           " over DTLS-PSK with the key derived from the Enrolee's DTLS session with the MEF";
  });

  d.run("replaying the same enrolment token is refused", [&] {
    auto r = d.enrol(kEnroleeId, "token");
    if (r.exitCode == 0) throw std::runtime_error("a used token was accepted");
    return "refused as expected: " + Demo::lastLine(r.err);
  });

  d.run("connect the Enrolee to the target with KeId as psk_identity (rspf connect)", [&] {
    auto out = requireSuccess(d.connect(kEnroleeId, "/whoami"), "connection");
    auto j = nlohmann::json::parse(out);
    if (j.value("enroleeId", "") != kEnroleeId)
      throw std::runtime_error("target saw '" + j.value("enroleeId", "") + "'");
    return "the target fetched the key from the MEF and authenticated " + j["enroleeId"].get<std::string>() + " (" +
           j["credentialId"].get<std::string>() + ")";
  });

  d.run("connect again with the derived key identifier (key cached at the target)", [&] {
    auto out = requireSuccess(d.connect(kEnroleeId, "/whoami"), "connection");
    return "authenticated " + nlohmann::json::parse(out)["enroleeId"].get<std::string>();
  });

  d.run("the target's ServiceSubscribedAppRule", [&] {
    auto out = requireSuccess(d.connect(kEnroleeId, "/serviceSubscribedAppRule"), "reading the rule");
    auto j = nlohmann::json::parse(out);
    bool hasEnrolee = false;
    for (const auto& ae : j["allowedAEs"]) hasEnrolee |= ae == kEnroleeId;
    if (!hasEnrolee) throw std::runtime_error("allowedAEs lacks the Enrolee: " + out);
    return j.dump(2);
  });

  std::string frontUrl;
  d.run("put a target in front of a oneM2M CSE (the CSE stand-in on loopback; [target] upstream, rspf target)", [&] {
    cse = std::make_unique<testing::CseStandIn>();
    d.writeFile(d.dir / "front.toml",
                std::string("[target]\nid = \"") + kFrontId +
                    "\"\ntype = \"CSE\"\nlisten = \"127.0.0.1:0\"\nready_file = \"front.ready\"\nupstream = \"" +
                    cse->url() +
                    "\"\noriginator_prefix = \"C\"\noriginator_strip_suffix = \".demo.example\"\n"
                    "deny_originators = [\"/id-in\"]\ncse_admin_originator = \"CAdmin\"\n"
                    "cse_app_rule = \"/cse-in/asar-rspf\"\n\n[mef]\nurl = \"" +
                    d.mefUrl + "\"\nfqdn = \"" + kMefFqdn + "\"\nkpm_id = \"" + kFrontId + "-kpm\"\nkpm_file = \"" +
                    kFrontId + ".kpm\"\ncredentials = \"front-credentials.json\"\n");
    front = std::make_unique<ChildProcess>(
        std::vector<std::string>{d.exe.string(), "target", "--config", (d.dir / "front.toml").string()},
        d.dir / "front.log");
    frontUrl = "https://" + waitForReadyFile(d.dir / "front.ready", *front);
    return "listening at " + frontUrl + "; forwards to the CSE at " + cse->url() +
           " with the originator the credential names (Enrolee-ID -> C<name>)";
  });

  d.run("through the front, the Enrolee creates an AE and a contentInstance (one kept-alive TLS-PSK session)", [&] {
    auto credentials = enrolee::CredentialFile{d.dir / (std::string(kEnroleeId) + ".json"), std::nullopt}.load();
    const auto* key = credentials.findTargetKey(kFrontId, std::nullopt);
    if (key == nullptr) throw std::runtime_error("no key was provisioned for " + std::string(kFrontId));
    transport::HttpsClient session(*transport::parseHttpsUrl(frontUrl), tls::PskClientSettings{kFrontId, false},
                                   tls::PskClientCredentials{credentials.keId, key->key});
    auto create = [&](const std::string& parent, int ty, const std::string& ri, const nlohmann::json& body) {
      auto r = session.request(
          {"POST",
           parent,
           {{"X-M2M-RI", ri}, {"X-M2M-RVI", "3"}, {"Content-Type", "application/json;ty=" + std::to_string(ty)}},
           body.dump()});
      if (r.status != 201)
        throw std::runtime_error("create under " + parent + " answered " + std::to_string(r.status) + ": " + r.body);
      return r;
    };
    auto ae = create("/cse-in", 2, "demo-1", {{"m2m:ae", {{"rn", "meter"}, {"api", "Nrspf-demo"}, {"rr", false}}}});
    create("/cse-in/meter", 3, "demo-2", {{"m2m:cnt", {{"rn", "readings"}}}});
    auto cin =
        create("/cse-in/meter/readings", 4, "demo-3", {{"m2m:cin", {{"cnf", "text/plain:0"}, {"con", "42 kWh"}}}});
    auto aei = nlohmann::json::parse(ae.body)["m2m:ae"].value("aei", "");
    if (aei != "Cae1") throw std::runtime_error("the CSE registered the AE as '" + aei + "', not Cae1");
    auto location = cin.header("Content-Location").value_or("");
    auto stored = cse->resource(location);
    if (!stored || stored->value("con", "") != "42 kWh" || stored->value("cr", "") != "Cae1")
      throw std::runtime_error("the CSE holds no contentInstance by Cae1 at '" + location + "'");
    auto spoofed =
        session.request({"DELETE", "/cse-in/meter", {{"X-M2M-RI", "demo-4"}, {"X-M2M-Origin", "CAdmin"}}, ""});
    if (spoofed.status != 403) throw std::runtime_error("a spoofed originator was forwarded");
    return "AE: 201, X-M2M-RSC " + ae.header("X-M2M-RSC").value_or("?") + ", Content-Location " +
           ae.header("Content-Location").value_or("?") + ", aei " + aei + " (the credential's, not the client's)\n" +
           "contentInstance: 201, X-M2M-RSC " + cin.header("X-M2M-RSC").value_or("?") + ", Content-Location " +
           location + "\n" + "X-M2M-Origin: CAdmin from the Enrolee: " + std::to_string(spoofed.status) +
           ", X-M2M-RSC " + spoofed.header("X-M2M-RSC").value_or("?") + " (never passed on)";
  });

  d.run("the CSE's own <serviceSubscribedAppRule>, kept by the front (seed 8.3.1.2 NOTE 1-2)", [&] {
    for (int i = 0; i < 100 && !cse->resource("/cse-in/asar-rspf"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto rule = cse->resource("/cse-in/asar-rspf");
    if (!rule || rule->value("aae", nlohmann::json::array()) != nlohmann::json::array({"Cae1"}))
      throw std::runtime_error("the CSE's rule does not list Cae1");
    return "applicableCredIDs " + rule->at("apci").dump() + ", allowedAEs " + rule->at("aae").dump();
  });

  d.run("Certificate Enrolment (EST) on a pre-provisioned-key session (rspf enrol --certificate)", [&] {
    auto out = requireSuccess(d.enrol(kCertificateEnroleeId, "", {"--certificate"}), "certificate enrolment");
    auto base = (d.dir / (std::string(kCertificateEnroleeId) + ".json")).string();
    auto certificate = ca::loadCertificateFile(base + ".certificate.pem");
    std::vector<crypto::Bytes> anchors;
    for (const auto& a : ca::loadCertificatesFile(base + ".trust-anchors.pem"))
      anchors.push_back(ca::certificateDer(*a));
    ca::CertificateVerifier verifier(anchors);
    verifier.verify({ca::certificateDer(*certificate)});
    return "issued and verified against the MEF's trust anchor: " + base +
           ".certificate.pem (SAN DNS:" + kCertificateEnroleeId + ", usages SAEF, ESData)";
  });

  d.run("enrol again by certificate: the Certificate-Based framework, mutual TLS (rspf enrol --cert)", [&] {
    auto base = (d.dir / (std::string(kCertificateEnroleeId) + ".json")).string();
    auto out =
        requireSuccess(d.rspf({"enrol", "--mef", d.mefUrl, "--mef-fqdn", kMefFqdn, "--cert", base + ".certificate.pem",
                               "--cert-key", base + ".certificate-key.pem", "--mef-trust-anchors",
                               base + ".trust-anchors.pem", "--credentials", base + ".by-certificate.json"}),
                       "certificate bootstrap");
    return out + "(the MEF's own certificate, for " + kMefFqdn + ", was verified against the same trust anchor)";
  });

  d.run("start the MAF with a certificate from the embedded CA; it fetches keys from the MEF by it (rspf maf)", [&] {
    auto kek = store::KeyEncryptionKey::fromFile(d.dir / "kek");
    auto store = store::openSqliteStore(d.dir / "mef.db", kek);
    auto authority = procedures::loadCertificateAuthority(*store, kek, "");
    if (!authority) throw std::runtime_error("the store has no embedded CA");
    auto key = ca::generateP256Key();
    auto issued = authority->issueServerCertificate(kMafId, *key, std::chrono::hours(24));
    auto certificate = ca::parseCertificate(issued.der);
    ca::saveCertificatesPemFile(d.dir / "maf.pem", {certificate.get()});
    ca::savePrivateKeyPemFile(d.dir / "maf-key.pem", *key);
    d.writeFile(d.dir / "ca.pem", authority->certificatePem());
    d.writeFile(d.dir / "maf.toml", std::string("[maf]\nid = \"") + kMafId +
                                        "\"\nlisten = \"127.0.0.1:0\"\nready_file = \"maf.ready\"\ncertificate = "
                                        "\"maf.pem\"\ncertificate_key = \"maf-key.pem\"\nenrolee_trust_anchors = "
                                        "\"ca.pem\"\n\n[mef]\nurl = \"" +
                                        d.mefUrl + "\"\nfqdn = \"" + kMefFqdn + "\"\ntrust_anchors = \"ca.pem\"\n");
    maf = std::make_unique<ChildProcess>(
        std::vector<std::string>{d.exe.string(), "maf", "--config", (d.dir / "maf.toml").string()}, d.dir / "maf.log");
    d.mafUrl = "https://" + waitForReadyFile(d.dir / "maf.ready", *maf);
    store::EnrolmentPolicy ae3;
    ae3.maf = store::MafInstruction{kMafId, d.mafUrl, "symmetric", {"SAEF"}};
    ae3.enrolmentExpiry = std::chrono::hours(1);
    store->setEnroleePolicy(kMafEnroleeId, ae3);
    return "listening at " + d.mafUrl + "; " + kMafEnroleeId + " may use it for SAEF (symmetric credential)";
  });

  d.run(
      "Remote MAF Enrolment: KeId in the first MAF handshake, Km fetched from the MEF, a KmId assigned "
      "(rspf enrol --maf)",
      [&] { return requireSuccess(d.enrol(kMafEnroleeId, "", {"--maf"}), "Remote MAF Enrolment"); });

  d.run("use the MAF with the KmId for SAEF; a use outside the allowed usages (ESData) is refused", [&] {
    auto credentials = (d.dir / (std::string(kMafEnroleeId) + ".json")).string();
    auto out = requireSuccess(d.rspf({"maf-connect", "--credentials", credentials, "--use", "SAEF"}), "MAF use");
    auto refused = d.rspf({"maf-connect", "--credentials", credentials, "--use", "ESData"});
    if (refused.exitCode == 0) throw std::runtime_error("the MAF served a usage the MEF did not allow");
    return out + "refused as expected: " + Demo::lastLine(refused.err);
  });

  d.run("enrol by GBA: Ub (Digest AKA) with the BSF, then TLS-PSK with Ks_NAF (rspf enrol --gba)",
        [&] { return requireSuccess(d.enrolByGba(), "GBA enrolment"); });

  d.run("enrol by GBA again: the kept Ks and B-TID are reused (seed 8.3.2.3 step 2)", [&] {
    auto out = requireSuccess(d.enrolByGba(), "GBA enrolment");
    if (out.find("reused the kept") == std::string::npos) throw std::runtime_error("bootstrapped again:\n" + out);
    return out;
  });

  TimePoint shortExpiry{};
  d.run(std::string("enrol a short-lived Enrolee (Enrolment Expiry ") + std::to_string(kShortLifetimeSeconds) +
            "s) and connect it",
        [&] {
          requireSuccess(d.enrol(kShortLivedId), "enrolment");
          shortExpiry = now() + std::chrono::seconds(kShortLifetimeSeconds);
          auto out = requireSuccess(d.connect(kShortLivedId, "/whoami"), "connection");
          return "authenticated " + nlohmann::json::parse(out)["enroleeId"].get<std::string>();
        });

  d.run("after its Enrolment Expiry the target refuses the short-lived Enrolee", [&] {
    std::this_thread::sleep_until(Clock::now() + (shortExpiry - now()) + std::chrono::milliseconds(1100));
    auto r = d.rspf({"connect", "--credentials", (d.dir / (std::string(kShortLivedId) + ".json")).string(), "--target",
                     d.targetUrl, "--target-id", kTargetId, "--identity", "derived", "--even-if-expired"});
    if (r.exitCode == 0) throw std::runtime_error("an expired key was accepted");
    auto rule =
        nlohmann::json::parse(requireSuccess(d.connect(kEnroleeId, "/serviceSubscribedAppRule"), "reading the rule"));
    for (const auto& ae : rule["allowedAEs"])
      if (ae == kShortLivedId) throw std::runtime_error("the expired Enrolee is still in allowedAEs");
    return "refused: " + Demo::lastLine(r.err) + "\nits key and ServiceSubscribedAppRule entries were erased";
  });

  d.run(
      "revoke: disable the Enrolee (rspf admin enrolee disable); within the target's 1 s revalidation bound it is "
      "refused",
      [&] {
        auto admin = [&](std::vector<std::string> args) {
          args.insert(args.begin(), {"admin", "--config", (d.dir / "mef.toml").string()});
          return d.rspf(args);
        };
        requireSuccess(admin({"enrolee", "disable", kEnroleeId}), "disabling the Enrolee");
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        auto r = d.connect(kEnroleeId, "/whoami");
        if (r.exitCode == 0) throw std::runtime_error("the target still accepted a disabled Enrolee");
        auto verified = requireSuccess(admin({"audit", "verify"}), "verifying the audit log");
        return "refused: " + Demo::lastLine(r.err) + "\n" + Demo::lastLine(verified);
      });

  d.run("stop the servers", [&] {
    int f = front ? front->terminate() : 0;
    int a = target ? target->terminate() : 0;
    int m = maf ? maf->terminate() : 0;
    int b = mef ? mef->terminate() : 0;
    int c = bsf ? bsf->terminate() : 0;
    if (cse) cse->stop();
    if (a != 0 || m != 0 || b != 0 || c != 0 || f != 0)
      throw std::runtime_error("exit status target " + std::to_string(a) + ", front " + std::to_string(f) + ", MAF " +
                               std::to_string(m) + ", MEF " + std::to_string(b) + ", BSF " + std::to_string(c));
    return std::string("all exited cleanly");
  });
  front.reset();
  target.reset();
  maf.reset();
  mef.reset();
  bsf.reset();

  auto total = std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - started).count();
  if (verbose || !d.ok) {
    for (const char* log : {"mef.log", "target.log", "front.log", "maf.log", "bsf.log"}) {
      std::ifstream in(d.dir / log);
      if (!in) continue;
      std::cout << "---- " << log << "\n" << in.rdbuf() << "\n";
    }
  }
  std::cout << (d.ok ? "rspf demo: every step passed" : "rspf demo: FAILED") << " in " << total << " ms\n";
  if (keep) {
    std::cout << "kept " << d.dir.string() << "\n";
  } else {
    std::error_code ec;
    fs::remove_all(d.dir, ec);
  }
  return d.ok ? 0 : 1;
}

}  // namespace rspf::demo
