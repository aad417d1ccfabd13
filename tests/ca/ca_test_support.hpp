#pragma once
// Helpers for the CA tests: the openssl command line as the independent party (it makes CSRs, reads
// what we produce, verifies what we issue), files in a TempDir, and a test CA.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "ca/embedded_ca.hpp"
#include "ca/pem.hpp"
#include "common/child_process.hpp"
#include "support/temp_dir.hpp"

namespace rspf::ca::testing {

using rspf::testing::TempDir;

inline ProcessResult openssl(std::vector<std::string> args, const std::string& input = "") {
  args.insert(args.begin(), "openssl");
  return runProcess(args, input, std::chrono::seconds(60));
}

// Runs openssl and fails the test (with its stderr) unless it exits 0.
inline std::string opensslOk(const std::vector<std::string>& args, const std::string& input = "") {
  auto r = openssl(args, input);
  EXPECT_EQ(r.exitCode, 0) << "openssl " << args.front() << " failed: " << r.err << r.out;
  return r.out;
}

inline void writeFile(const std::filesystem::path& file, ByteView data) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}
inline void writeFile(const std::filesystem::path& file, const std::string& text) {
  writeFile(file, crypto::asBytes(text));
}
inline Bytes readFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Key generation options of `openssl req -newkey`.
inline std::vector<std::string> p256() { return {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"}; }
inline std::vector<std::string> p384() { return {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"}; }
inline std::vector<std::string> rsa2048() { return {"-newkey", "rsa:2048"}; }

struct CliCsr {
  Bytes der;
  std::filesystem::path keyFile;
  std::filesystem::path derFile;
};

// A CSR made by `openssl req` (OpenSSL 3.0 puts attributes such as challengePassword in the config's
// [req_attributes] section with prompt = no; extensions go through -addext).
inline CliCsr opensslCsr(const TempDir& dir, const std::string& name, const std::string& commonName,
                         const std::vector<std::string>& addext, const std::string& challengePassword = "",
                         const std::vector<std::string>& keyOptions = p256(),
                         const std::vector<std::string>& extra = {}) {
  auto config = dir / (name + ".cnf");
  std::string text =
      "[req]\nprompt = no\ndistinguished_name = dn\nattributes = attrs\n[dn]\nCN = " + commonName + "\n[attrs]\n";
  if (!challengePassword.empty()) text += "challengePassword = " + challengePassword + "\n";
  writeFile(config, text);
  CliCsr csr{{}, dir / (name + ".key"), dir / (name + ".csr.der")};
  std::vector<std::string> args{
      "req",      "-new", "-nodes", "-config",           config.string(), "-keyout", csr.keyFile.string(),
      "-outform", "DER",  "-out",   csr.derFile.string()};
  args.insert(args.end(), keyOptions.begin(), keyOptions.end());
  for (const auto& e : addext) {
    args.push_back("-addext");
    args.push_back(e);
  }
  args.insert(args.end(), extra.begin(), extra.end());
  opensslOk(args);
  csr.der = readFile(csr.derFile);
  return csr;
}

inline EmbeddedCa testCa(std::chrono::seconds validity = std::chrono::hours(24 * 3650)) {
  // DNS "example.com": the domain and every name below it; URI ".example.com": every host below it
  // (a URI subtree without the dot is one host, RFC 5280 4.2.1.10).
  return EmbeddedCa::create("rspf test CA", {"example.com"}, {".example.com"}, validity);
}

// The CA key as PEM for the openssl CLI (tests only: a pass-through "seal").
inline std::filesystem::path exportCaKey(const EmbeddedCa& ca, const TempDir& dir, const std::string& name) {
  auto pkcs8 = ca.sealPrivateKey([](ByteView plain) { return Bytes(plain.begin(), plain.end()); });
  auto key = parsePrivateKey(pkcs8);
  auto file = dir / name;
  savePrivateKeyPemFile(file, *key);
  return file;
}

inline std::filesystem::path writeCertificatePem(const TempDir& dir, const std::string& name, ByteView der) {
  auto cert = parseCertificate(der);
  auto file = dir / name;
  writeFile(file, certificatePem(*cert));
  return file;
}

}  // namespace rspf::ca::testing
