#pragma once
// The Enrolee's side of Remote MAF Enrolment (seed 8.3.3.4; 8.3.3.1 steps 7-8) and its later use of
// the MAF. The mafEnrolment instruction names the MAF (mafId, mafUri), the credential type and the
// usages the MAF may serve (recorded with the instructions in the credential file, step 2).
//   symmetric:   Km was derived with the other keys of the instructions (per the key profile); the
//                first handshake presents KeId, the MAF fetches Km from the MEF and assigns a KmId,
//                which is kept in the credential file and presented afterwards;
//   certificate: the Enrolee's EST certificate, the MAF's certificate verified against the
//                provisioned trust anchors (step 3: nothing else to provision).
// Completion is reported to the MEF (8.3.3.1 step 8).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "enrolee/enrolee_credentials.hpp"
#include "enrolee/target_connection.hpp"

namespace rspf::enrolee {

// The certificate credential type: the Enrolee's certificate and key, and the trust anchors the
// MAF's certificate must chain to.
struct MafCertificateFiles {
  std::filesystem::path certificate;
  std::filesystem::path privateKey;
  std::filesystem::path trustAnchors;
};
// The files `rspf enrol` installs beside the credential file after Certificate Enrolment.
MafCertificateFiles certificateFilesBeside(const std::filesystem::path& credentialFile);

// The mafEnrolment instruction, or nullptr.
const nlohmann::json* mafInstructionOf(const EnroleeCredentials& credentials);

struct MafRequest {
  std::string mafUrl;  // empty: the instruction's mafUri
  IdentityChoice identity = IdentityChoice::Automatic;
  bool evenIfExpired = false;
  std::optional<MafCertificateFiles> certificate;  // for the certificate credential type
  std::optional<std::filesystem::path> crl;        // the MAF's certificate is checked against it
  transport::HttpRequest request;
};

// One request to the MAF over a fresh handshake of the instructed credential type. Throws
// Error(Config) without a mafEnrolment instruction (or certificate files), Error(Tls) when refused.
transport::HttpResponse requestMaf(EnroleeCredentials& credentials, const MafRequest& request);

struct RemoteMafEnrolment {
  std::string mafId;
  std::string credentialType;
  std::string kmId;  // symmetric only
  std::vector<std::string> usages;
};

// The first MAF handshake and GET /enrolment (the KmId is stored in `credentials`), then the
// completion report on a re-authentication session (KreId/Kre) with the MEF. Throws Error.
RemoteMafEnrolment performRemoteMafEnrolment(EnroleeCredentials& credentials,
                                             const std::optional<MafCertificateFiles>& certificate,
                                             const std::string& mafUrl = "");

}  // namespace rspf::enrolee
