#!/usr/bin/env python3
"""Independent reference for tests/vectors/key-derivation.json (PROTOCOL.md section 3).

Recomputes every derived value of every case from its exporter output, MEF-FQDN and identifiers,
using only the Python standard library (hmac, hashlib, json), and exits non-zero if any stored
value differs. This documents the recipe; it shares no code with the C++ implementation.

    python3 tests/vectors/reference_derivation.py [path/to/key-derivation.json]

Recipe (all HMACs are HMAC-SHA-256; a label is its ASCII bytes, no terminator, no separator;
identifiers follow directly as UTF-8; the SUID is its two decimal ASCII digits):
    X            = RFC 5705 exporter output, 48 bytes
    RelativeKeId = X[0..15]             Ke = X[16..47]
    KeId         = hex(RelativeKeId) "@" MEF-FQDN
    Kre          = HMAC(Ke, "oneM2M Enrolment Key to Re-authentication Key derivation")
    KreId        = hex(HMAC(Ke, "oneM2M Enrolment Key to Re-authentication Key Identifier derivation")[0..15]) "@" MEF-FQDN
    Km           = HMAC(Ke, "oneM2M Enrolment Key to Master Credential derivation" || MAF-ID)
    Kpsa         = HMAC(Ke, "oneM2M Enrolment Key to Provisioned Secure Connection Key derivation" || Enrolee-B-ID)
    usage key    = HMAC(Ke, "oneM2M Enrolment Key to Usage-Constrained Symmetric Key derivation" || SUID || Target-ID)
    derived id   = hex(RelativeKeId) "-" SUID "@" MEF-FQDN
"""
import hashlib
import hmac
import json
import os
import sys

KRE_LABEL = b"oneM2M Enrolment Key to Re-authentication Key derivation"
KRE_ID_LABEL = b"oneM2M Enrolment Key to Re-authentication Key Identifier derivation"
KM_LABEL = b"oneM2M Enrolment Key to Master Credential derivation"
KPSA_LABEL = b"oneM2M Enrolment Key to Provisioned Secure Connection Key derivation"
USAGE_LABEL = b"oneM2M Enrolment Key to Usage-Constrained Symmetric Key derivation"
SUIDS = {"MAF": 21, "SAEF": 22, "ESData": 23, "ESPrim": 24}


def mac(key, *parts):
    return hmac.new(key, b"".join(parts), hashlib.sha256).digest()


def check_case(index, case):
    failures = []

    def expect(name, actual, expected):
        if actual != expected:
            failures.append(f"case {index}: {name}: computed {actual}, file has {expected}")

    x = bytes.fromhex(case["exporter_output"])
    if len(x) != 48:
        failures.append(f"case {index}: exporter output is {len(x)} bytes, not 48")
        return failures
    fqdn = case["mef_fqdn"]
    relative, ke = x[:16], x[16:]
    expect("relative_ke_id", relative.hex(), case["relative_ke_id"])
    expect("ke", ke.hex(), case["ke"])
    expect("ke_id", relative.hex() + "@" + fqdn, case["ke_id"])
    expect("kre", mac(ke, KRE_LABEL).hex(), case["kre"])
    expect("kre_id", mac(ke, KRE_ID_LABEL)[:16].hex() + "@" + fqdn, case["kre_id"])
    expect("km", mac(ke, KM_LABEL, case["km"]["maf_id"].encode("utf-8")).hex(), case["km"]["value"])
    expect("kpsa", mac(ke, KPSA_LABEL, case["kpsa"]["enrolee_b_id"].encode("utf-8")).hex(),
           case["kpsa"]["value"])
    for usage_key in case["usage_keys"]:
        usage = usage_key["usage"]
        suid = usage_key["suid"]
        expect(f"{usage} suid", suid, SUIDS[usage])
        suid_text = f"{suid:02d}".encode("ascii")
        value = mac(ke, USAGE_LABEL, suid_text, usage_key["target_id"].encode("utf-8"))
        expect(f"{usage} value", value.hex(), usage_key["value"])
        expect(f"{usage} key_id", f"{relative.hex()}-{suid:02d}@{fqdn}", usage_key["key_id"])
    return failures


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                              "key-derivation.json")
    with open(path, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    if not cases:
        print("no cases", file=sys.stderr)
        return 1
    failures = []
    for index, case in enumerate(cases):
        failures += check_case(index, case)
    for failure in failures:
        print(failure, file=sys.stderr)
    if failures:
        return 1
    print(f"{len(cases)} cases reproduced")
    return 0


if __name__ == "__main__":
    sys.exit(main())
