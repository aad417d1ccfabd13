#include "ca/pem.hpp"

#include <fcntl.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "ca/key_pair.hpp"
#include "common/file_descriptor.hpp"
#include "common/text_file.hpp"
#include "crypto/encoding.hpp"

namespace rspf::ca {
namespace {

constexpr std::size_t kMaxPemFileBytes = 1 << 20;

bool looksLikePem(ByteView data) {
  static constexpr std::string_view kBegin = "-----BEGIN";
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  return text.find(kBegin) != std::string_view::npos;
}

BioPtr memoryBio(ByteView data) {
  return BioPtr(checkPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())), "BIO_new_mem_buf"));
}

std::string bioText(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

std::string quoted(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

Bytes readFile(const std::filesystem::path& file, const char* what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCode::Config, std::string("cannot read ") + what + " file " + quoted(file));
  Bytes data;
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.insert(data.end(), buf, buf + in.gcount());
    if (data.size() > kMaxPemFileBytes)
      throw Error(ErrorCode::Config, std::string(what) + " file " + quoted(file) + " is larger than 1 MiB");
  }
  return data;
}

void writeAll(int fd, const char* data, std::size_t size, const std::filesystem::path& file) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(ErrorCode::Config, "cannot write " + quoted(file) + ": " + std::strerror(errno));
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace

X509Ptr parseCertificate(ByteView derOrPem) {
  if (looksLikePem(derOrPem)) {
    auto bio = memoryBio(derOrPem);
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) {
      takeOpenSslErrors();
      throw Error(ErrorCode::BadRequest, "not a PEM certificate");
    }
    return cert;
  }
  const unsigned char* p = derOrPem.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(derOrPem.size())));
  if (!cert || p != derOrPem.data() + derOrPem.size()) {
    takeOpenSslErrors();
    throw Error(ErrorCode::BadRequest, "not a DER certificate");
  }
  return cert;
}

std::vector<X509Ptr> parseCertificates(ByteView derOrPem) {
  std::vector<X509Ptr> out;
  if (!looksLikePem(derOrPem)) {
    out.push_back(parseCertificate(derOrPem));
    return out;
  }
  auto bio = memoryBio(derOrPem);
  while (true) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    out.push_back(std::move(cert));
  }
  takeOpenSslErrors();  // the end of the bundle reads as "no start line"
  if (out.empty()) throw Error(ErrorCode::BadRequest, "no PEM certificate found");
  return out;
}

Bytes certificateDer(const X509& certificate) { return toDer(i2d_X509, &certificate, "cannot encode a certificate"); }

std::string certificatePem(const X509& certificate) {
  BioPtr bio(checkPtr(BIO_new(BIO_s_mem()), "BIO_new"));
  check(PEM_write_bio_X509(bio.get(), &certificate), "PEM_write_bio_X509");
  return bioText(bio.get());
}

std::string crlPem(ByteView crlDer) {
  BioPtr bio(checkPtr(BIO_new(BIO_s_mem()), "BIO_new"));
  // PEM_write_bio returns the number of bytes written.
  check(PEM_write_bio(bio.get(), "X509 CRL", "", crlDer.data(), static_cast<long>(crlDer.size())) > 0 ? 1 : 0,
        "PEM_write_bio");
  return bioText(bio.get());
}

X509StorePtr loadTrustStoreFile(const std::filesystem::path& file) {
  X509StorePtr anchors(checkPtr(X509_STORE_new(), "X509_STORE_new"));
  for (const auto& anchor : loadCertificatesFile(file))
    if (X509_STORE_add_cert(anchors.get(), anchor.get()) != 1)
      throw Error(ErrorCode::Config, "cannot use the trust anchors of " + file.string() + ": " + takeOpenSslErrors());
  return anchors;
}

X509Ptr duplicate(const X509& certificate) { return X509Ptr(checkPtr(X509_dup(&certificate), "X509_dup")); }

X509Ptr loadCertificateFile(const std::filesystem::path& file) {
  auto data = readFile(file, "certificate");
  try {
    return parseCertificate(data);
  } catch (const Error& e) {
    throw Error(ErrorCode::Config, "certificate file " + quoted(file) + ": " + e.what());
  }
}

std::vector<X509Ptr> loadCertificatesFile(const std::filesystem::path& file) {
  auto data = readFile(file, "certificate");
  try {
    return parseCertificates(data);
  } catch (const Error& e) {
    throw Error(ErrorCode::Config, "certificate file " + quoted(file) + ": " + e.what());
  }
}

void saveCertificatesPemFile(const std::filesystem::path& file, const std::vector<const X509*>& certificates) {
  std::string text;
  for (const auto* c : certificates) text += certificatePem(*c);
  writeTextFile(file, text, kPublicFileMode);
}

EvpPkeyPtr parsePrivateKey(ByteView derOrPem) {
  if (looksLikePem(derOrPem)) {
    auto bio = memoryBio(derOrPem);
    // A null passphrase callback: encrypted PEM keys are refused rather than prompting.
    EvpPkeyPtr key(PEM_read_bio_PrivateKey(
        bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
    if (!key) {
      takeOpenSslErrors();
      throw Error(ErrorCode::BadRequest, "not an unencrypted PEM private key");
    }
    return key;
  }
  return privateKeyFromPkcs8Der(derOrPem);
}

EvpPkeyPtr parsePublicKey(ByteView derOrPem) {
  if (looksLikePem(derOrPem)) {
    auto bio = memoryBio(derOrPem);
    EvpPkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!key) {
      takeOpenSslErrors();
      throw Error(ErrorCode::BadRequest, "not a PEM public key");
    }
    return key;
  }
  return publicKeyFromSpkiDer(derOrPem);
}

std::string publicKeyPem(const EVP_PKEY& key) {
  BioPtr bio(checkPtr(BIO_new(BIO_s_mem()), "BIO_new"));
  check(PEM_write_bio_PUBKEY(bio.get(), &key), "PEM_write_bio_PUBKEY");
  return bioText(bio.get());
}

EvpPkeyPtr loadPrivateKeyFile(const std::filesystem::path& file) {
  FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0)
    throw Error(ErrorCode::Config, "cannot read private key file " + quoted(file) + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    throw Error(ErrorCode::Config, "private key file " + quoted(file) + " is not a regular file");
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    throw Error(ErrorCode::Config, "private key file " + quoted(file) +
                                       " is accessible by group or others; run: chmod 600 " + quoted(file));
  if (static_cast<std::size_t>(st.st_size) > kMaxPemFileBytes)
    throw Error(ErrorCode::Config, "private key file " + quoted(file) + " is larger than 1 MiB");
  crypto::SecretBytes data(static_cast<std::size_t>(st.st_size));
  std::size_t total = 0;
  while (total < data.size()) {
    ssize_t n = ::read(fd.get(), data.data() + total, data.size() - total);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    total += static_cast<std::size_t>(n);
  }
  if (total != data.size()) throw Error(ErrorCode::Config, "cannot read private key file " + quoted(file));
  try {
    return parsePrivateKey(data.view());
  } catch (const Error& e) {
    throw Error(ErrorCode::Config, "private key file " + quoted(file) + ": " + e.what());
  }
}

void savePrivateKeyPemFile(const std::filesystem::path& file, const EVP_PKEY& key) {
  // BIO_s_secmem frees (and so wipes) its buffer with OPENSSL_secure_clear_free.
  BioPtr bio(checkPtr(BIO_new(BIO_s_secmem()), "BIO_new"));
  check(PEM_write_bio_PrivateKey(bio.get(), &key, nullptr, nullptr, 0, nullptr, nullptr), "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  FileDescriptor fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600));
  if (fd.get() < 0)
    throw Error(ErrorCode::Config, "cannot create private key file " + quoted(file) + ": " + std::strerror(errno));
  try {
    writeAll(fd.get(), data, static_cast<std::size_t>(length), file);
    if (::fsync(fd.get()) != 0)
      throw Error(ErrorCode::Config, "cannot write " + quoted(file) + ": " + std::strerror(errno));
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(file, ec);
    throw;
  }
}

}  // namespace rspf::ca
