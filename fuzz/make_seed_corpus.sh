#!/usr/bin/env bash
# Writes the seed corpora of fuzz/corpus/ (committed; rerun only to change them). Needs openssl.
# Each seed is a small valid input of its target, plus a few near misses.
set -euo pipefail
cd "$(dirname "$0")/corpus"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seed() {  # seed TARGET NAME < content
  mkdir -p "$1"
  cat >"$1/$2"
}
crlf() { sed 's/$/\r/'; }

# --- HTTP request path
printf 'GET /healthz HTTP/1.1\r\nHost: mef\r\n\r\n' | seed http_request get
printf 'POST /enrolment/exchange HTTP/1.1\r\nHost: mef\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}' | seed http_request post
printf 'POST /x HTTP/1.1\r\nHost: mef\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\nX-Trailer: t\r\n\r\n' | seed http_request chunked
printf 'GET /a HTTP/1.1\r\nHost: m\r\n\r\nGET /b?label=x HTTP/1.0\r\n\r\n' | seed http_request keepalive
printf 'POST /x HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n' | seed http_request too_large

# --- URLs, Digest headers, query strings, identifiers
printf 'https://mef.example.com:8443/path?q=1' | seed url https
printf 'http://[::1]:8080/approve' | seed url ipv6
printf '127.0.0.1:8443' | seed url hostport
printf 'Digest username="impi@ims.example", realm="bsf.example", nonce="AAAA", uri="/", response="00ff", qop=auth-int, nc=00000001, cnonce="c", opaque="o", algorithm=AKAv1-MD5' | seed digest_header authorization
printf 'Digest realm="bsf.example", nonce="base64==", qop="auth-int", opaque="op", algorithm=AKAv1-MD5' | seed digest_header challenge
printf '/zn/keys?btid=abc%%3D%%40bsf&nafId=0102' | seed query_string zn
printf '/admin/v1/ca?label=&nextUpdate=7d' | seed query_string admin
printf '0123456789abcdef0123456789abcdef@mef.example.com' | seed identifiers keid
printf '0123456789ABCDEF0123456789ABCDEF-22@mef.example.com' | seed identifiers derived
printf '0123456789abcdef0123456789abcdef' | seed identifiers relative
printf 'km-0123456789abcdef0123456789abcdef@maf.example.com' | seed identifiers kmid
printf '0123456789abcdef0123456789abcdef@mef.fuzz.example' | seed identifiers keid_mef
printf 'KREID' | seed psk_identity kreid  # cse1's KreId (fuzz_mef.hpp)
printf 'ae1-kpm' | seed psk_identity kpmid
printf '3GPP-bootstrapping.AAAAAAAAAAAAAAAAAAAAAA==@bsf.fuzz.example' | seed psk_identity gba
printf '3GPP-bootstrapping-uicc.AAAAAAAAAAAAAAAAAAAAAA==@bsf.fuzz.example' | seed psk_identity gba_uicc

# --- Bulk import, documents
printf 'enroleeId,kpmId,kpmHex,directKeys,expiry\r\nae1.example.com,ae1-kpm,,cse1.example.com:SAEF;cse2.example.com:ESData,12h\r\n"ae2.example.com","a""b",,,\r\n' | seed csv_table import
printf 'a,"multi\nline",c\n\nd,e,f\n' | seed csv_table quoted
printf '\x00enroleeId,kpmId,gbaImpi,token,enrolmentApproval\nae1.example.com,ae1-kpm,impi@ims.example,required,webhook\nbad\n' | seed enrolee_import csv
printf '\x01[{"enroleeId":"ae1.example.com","kpmId":"ae1-kpm","kpmHex":"000102030405060708090a0b0c0d0e0f","directKeys":["cse1.example.com:SAEF"]},{"enroleeId":"ae2.example.com","rawPublicKey":"ni:///sha-256;AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},7]' | seed enrolee_import json
printf '{"enroleeId":"ae1.example.com","kpmId":"ae1-kpm","gbaImpi":"impi@ims.example","directKeys":["cse1.example.com:SAEF"],"expiry":"12h","token":"required"}' | seed enrolee_document registration
printf '{"directKeys":[{"targetId":"cse2.example.com","usage":"ESData"}],"registrarCseId":"cse1.example.com","enrolmentExpiry":"30d","token":"optional","enrolmentApproval":"none","maf":{"mafId":"maf1.example.com","mafUri":"https://maf1.example.com:8443","credentialType":"symmetric","usages":["SAEF"]},"certificate":{"subjectType":"ae","usages":["SAEF"],"validity":"365d","caLabel":"","requireApproval":true}}' | seed enrolee_document policy
printf 'cse1.example.com:SAEF' | seed enrolee_document pair

# --- TOML configuration of each role
seed role_config mef <<'EOF'
# the MEF
[mef]
fqdn = "mef.example.com"
uri = "https://mef.example.com:8443"
listen = "127.0.0.1:8443"
threads = 2
workers = 8
rekey_grace = "300s"
key_profile = "current"
max_body_bytes = 16384
est_retry_after = 10
configuration_key = "config.key"
[store]
sqlite = "mef.db"
kek_file = "kek"
[tls]
certificate = "mef.crt"
private_key = "mef.key"
client_trust_anchors = "clients.pem"
crl = "ca.crl"
[approval]
webhook = "http://127.0.0.1:9000/approve"
timeout_ms = 2000
[upstream_ca]
url = "https://ca.example.com:9443"
server_name = "ca.example.com"
certificate = "ra.crt"
private_key = "ra.key"
trust_anchors = "ca.pem"
[gba]
bsf_url = "https://bsf.example.com:8447"
bsf_fqdn = "bsf.example.com"
bsf_trust_anchors = "bsf.pem"
key_cache_lifetime = "1h"
[observability]
listen = "127.0.0.1:9100"
ready_file = "ready"
[admin_api]
listen = "127.0.0.1:8444"
token_file = "admin.token"
max_body_bytes = 4194304
EOF
seed role_config target <<'EOF'
[target]
id = "cse1.example.com"
type = "CSE"
usage = "SAEF"
listen = "127.0.0.1:8445"
threads = 2
revalidate_after = "5m"
[mef]
url = "https://mef.example.com:8443"
fqdn = "mef.example.com"
credentials = "target.json"
trust_anchors = "mef.pem"
EOF
seed role_config maf <<'EOF'
[maf]
id = "maf1.example.com"
listen = "127.0.0.1:8448"
certificate = "maf.crt"
certificate_key = "maf.key"
enrolee_trust_anchors = "enrolees.pem"
[mef]
url = "https://mef.example.com:8443"
fqdn = "mef.example.com"
kpm_id = "maf-kpm"
kpm_file = "maf.kpm"
trust_anchors = "mef.pem"
EOF
seed role_config bsf <<'EOF'
[bsf]
fqdn = "bsf.example.com"
listen = "127.0.0.1:8446"
threads = 2
workers = 4
[store]
sqlite = "bsf.db"
kek_file = "kek"
[tls]
certificate = "bsf.crt"
private_key = "bsf.key"
EOF
seed role_config ca <<'EOF'
[ca]
fqdn = "ca.example.com"
listen = "127.0.0.1:9443"
label = ""
validity = "365d"
hold_for_approval = false
retry_after = 30
[store]
sqlite = "ca.db"
kek_file = "kek"
[tls]
certificate = "ca.crt"
private_key = "ca.key"
client_trust_anchors = "ras.pem"
EOF

# --- Bundles, answers
printf '\x01{"enroleeId":"ae1.example.com","enrolmentExpirySeconds":3600,"enrolmentTargetIds":["cse1.example.com"],"format":"rspf-bootstrap-instructions/1","issuedAt":"2026-01-01T00:00:00Z","kpmId":"ae1-kpm","mefFqdn":"mef.example.com","mefUri":"https://mef.example.com:8443","enrolmentToken":"t"}' | seed bootstrap_bundle payload
printf '\x00{"format":"rspf-bootstrap-instructions/1","payload":"e30","signature":"MEUCIQ","signer":"-----BEGIN PUBLIC KEY-----\\nMFkw\\n-----END PUBLIC KEY-----\\n"}' | seed bootstrap_bundle bundle
printf '\x00{"ksNaf":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=","impi":"impi@ims.example","expiry":"2030-01-01T00:00:00Z"}' | seed zn_answer me
printf '\x00{"ksNaf":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=","ksIntNaf":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=","impi":"impi@ims.example","expiry":"2030-01-01T00:00:00+01:00"}' | seed zn_answer uicc
printf '\x02{"Status":false,"ErrorString":"NAF not authorised"}' | seed zn_answer refused
printf '\x00{"approved":true}' | seed approval_webhook_answer approved
printf '\x00{"approved":false,"reason":"not on the list"}' | seed approval_webhook_answer denied
printf '\x02oops' | seed approval_webhook_answer error

# --- PKI: a CA, a leaf, a CSR, a CRL, a certs-only PKCS#7
cat >"$tmp/ca.cnf" <<'EOF'
[ca]
default_ca = fuzz
[fuzz]
database = TMP/index.txt
crlnumber = TMP/crlnumber
default_md = sha256
default_crl_days = 7
[v3_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
subjectAltName = DNS:cse1.fuzz.example
extendedKeyUsage = clientAuth, serverAuth
EOF
sed -i "s|TMP|$tmp|" "$tmp/ca.cnf"
: >"$tmp/index.txt"
echo 01 >"$tmp/crlnumber"
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/ca.key"
openssl req -x509 -new -key "$tmp/ca.key" -subj "/CN=seed CA" -days 3650 -config "$tmp/ca.cnf" -extensions v3_ca -out "$tmp/ca.pem"
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/leaf.key"
openssl req -new -key "$tmp/leaf.key" -subj "/CN=cse1.fuzz.example" \
  -addext "subjectAltName=DNS:cse1.fuzz.example" -addext "extendedKeyUsage=clientAuth" \
  -addext "challengePassword=secret" -outform DER -out "$tmp/leaf.csr" 2>/dev/null ||
  openssl req -new -key "$tmp/leaf.key" -subj "/CN=cse1.fuzz.example" \
    -addext "subjectAltName=DNS:cse1.fuzz.example" -addext "extendedKeyUsage=clientAuth" -outform DER -out "$tmp/leaf.csr"
openssl x509 -req -inform DER -in "$tmp/leaf.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -set_serial 7 -days 30 \
  -extfile "$tmp/ca.cnf" -extensions leaf -out "$tmp/leaf.pem" 2>/dev/null
openssl ca -config "$tmp/ca.cnf" -gencrl -keyfile "$tmp/ca.key" -cert "$tmp/ca.pem" -out "$tmp/crl.pem" 2>/dev/null
seed certificate_request p256 <"$tmp/leaf.csr"
openssl base64 -in "$tmp/leaf.csr" | seed est_body p256
openssl x509 -in "$tmp/leaf.pem" -outform DER | seed certificate leaf_der
cat "$tmp/leaf.pem" "$tmp/ca.pem" | seed certificate chain_pem
openssl crl -in "$tmp/crl.pem" -outform DER | seed crl der
seed crl pem <"$tmp/crl.pem"
openssl crl2pkcs7 -nocrl -certfile "$tmp/leaf.pem" -certfile "$tmp/ca.pem" -outform DER | seed pkcs7 certs_only
openssl crl2pkcs7 -nocrl -certfile "$tmp/leaf.pem" -outform DER | openssl base64 | seed pkcs7 est_body
openssl ec -in "$tmp/leaf.key" -pubout 2>/dev/null | seed raw_public_key pem
openssl ec -in "$tmp/leaf.key" -pubout -outform DER 2>/dev/null | seed raw_public_key der
printf 'ni:///sha-256;UyaQV-Ev4rdLoHyJJWCi11OHfrYv9E1aGQAlMO2X_-Q' | seed raw_public_key ni
printf 'ni://example.com/sha-256;UyaQV-Ev4rdLoHyJJWCi11OHfrYv9E1aGQAlMO2X_-Q?ct=x' | seed raw_public_key ni_authority

# The MEF and the admin API: the first byte of a router input picks the peer (mef_router_fuzzer.cpp).
printf '\x00POST /enrolment/exchange HTTP/1.1\r\nContent-Length: 29\r\n\r\n{"certificateEnrolment":true}' | seed mef_router exchange
printf '\x00POST /enrolment/exchange/complete HTTP/1.1\r\nContent-Length: 31\r\n\r\n{"step":"certificateEnrolment"}' | seed mef_router complete
printf '\x01GET /fetchCredentials/KEID/22 HTTP/1.1\r\nX-M2M-Origin: cse1.fuzz.example\r\n\r\nGET /fetchCredentials/KEID HTTP/1.1\r\nFrom: cse1.fuzz.example\r\n\r\n' | seed mef_router key_retrieval
printf '\x00GET /.well-known/est/cacerts HTTP/1.1\r\n\r\nGET /.well-known/est/csrattrs HTTP/1.1\r\n\r\n' | seed mef_router est_get
csr64=$(openssl base64 -in "$tmp/leaf.csr")
printf '\x00POST /.well-known/est/simpleenroll HTTP/1.1\r\nContent-Type: application/pkcs10\r\nContent-Length: %d\r\n\r\n%s' "${#csr64}" "$csr64" | seed mef_router simpleenroll
printf '\x03POST /.well-known/est/simplereenroll HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s' "${#csr64}" "$csr64" | seed mef_router simplereenroll
post() { printf 'POST %s HTTP/1.1\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s' "$1" "$2" "${#3}" "$3"; }
put() { printf 'PUT %s HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s' "$1" "${#2}" "$2"; }
post /admin/v1/enrolees application/json '{"enroleeId":"ae9.fuzz.example","kpmId":"ae9-kpm","directKeys":["cse1.fuzz.example:SAEF"],"expiry":"12h"}' | seed admin_router add_enrolee
put /admin/v1/enrolees/ae1.fuzz.example/policy '{"directKeys":[{"targetId":"cse1.fuzz.example","usage":"ESData"}],"token":"required","certificate":{"subjectType":"ae","usages":["SAEF"],"requireApproval":true}}' | seed admin_router policy
post /admin/v1/enrolees/import text/csv "$(printf 'enroleeId,kpmId,directKeys\nae8.fuzz.example,ae8-kpm,cse1.fuzz.example:SAEF\n')" | seed admin_router import_csv
post /admin/v1/tokens application/json '{"enroleeId":"ae1.fuzz.example","auxInfo":"x","expires":"1h"}' | seed admin_router token
post /admin/v1/targets application/json '{"targetId":"cse7.fuzz.example","type":"AE"}' | seed admin_router target
printf 'GET /admin/v1/enrolees HTTP/1.1\r\n\r\nGET /admin/v1/enrolees/ae1.fuzz.example HTTP/1.1\r\n\r\nDELETE /admin/v1/enrolees/ae1.fuzz.example HTTP/1.1\r\n\r\n' | seed admin_router reads

# CSR attributes (the form of RFC 7030 4.5.2's example)
cat >"$tmp/csrattrs.cnf" <<'EOF'
asn1 = SEQUENCE:attrs
[attrs]
cp = OID:challengePassword
ec = SEQUENCE:ecattr
sig = OID:ecdsa-with-SHA256
[ecattr]
type = OID:id-ecPublicKey
values = SET:curve
[curve]
c = OID:prime256v1
EOF
openssl asn1parse -genconf "$tmp/csrattrs.cnf" -out "$tmp/csrattrs.der" >/dev/null
seed csr_attributes rfc7030 <"$tmp/csrattrs.der"
