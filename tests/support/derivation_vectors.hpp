#pragma once
// Cases 0 and 1 of tests/vectors/key-derivation.json (independently computed; MEF-FQDN
// mef.example.com), for tests that need fixed Enrolment Key material.
namespace rspf::testing::vectors {

inline constexpr const char* kExporter1 =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f";
inline constexpr const char* kRelative1 = "000102030405060708090a0b0c0d0e0f";
inline constexpr const char* kKe1 = "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f";
inline constexpr const char* kKeId1 = "000102030405060708090a0b0c0d0e0f@mef.example.com";
inline constexpr const char* kKre1 = "1814aa99e325442fde22bc6f07c8fa62f86fbe52119caacc47f85ce462a4670f";
inline constexpr const char* kKreId1 = "f865c01789b3a957b7474a17b4dead5b@mef.example.com";
inline constexpr const char* kExporter2 =
    "e55761870f47db28acf649f2716f95070209060000acebe114823fbe5b3e86bf2a73fa0cde1a5aa29e6a72518a85557d";
inline constexpr const char* kRelative2 = "e55761870f47db28acf649f2716f9507";
inline constexpr const char* kKeId2 = "e55761870f47db28acf649f2716f9507@mef.example.com";
inline constexpr const char* kKreId2 = "59d4b8d35703c9fdb3b68f4d6aea7eec@mef.example.com";

}  // namespace rspf::testing::vectors
