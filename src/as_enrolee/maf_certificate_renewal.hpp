#pragma once
// The MAF as an Enrolee of the MEF for its own certificate (issue 10 item 1; seed 8.3.3.6
// pre-conditions): the Enrolee's EST client behind maf::OwnCertificateRenewer, /simplereenroll on
// the binding of [mef] url, authenticated by the MAF's current certificate and key files.
#include "maf/maf_config.hpp"
#include "maf/own_certificate_renewer.hpp"

namespace rspf::as_enrolee {

class MafCertificateRenewal : public maf::OwnCertificateRenewer {
 public:
  explicit MafCertificateRenewal(maf::MafConfig config) : config_(std::move(config)) {}
  maf::RenewedCertificate renew(const X509& current) override;

 private:
  maf::MafConfig config_;
};

}  // namespace rspf::as_enrolee
