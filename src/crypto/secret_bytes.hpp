#pragma once
// A byte string that holds key material: never printed, wiped when freed.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/secret_memory.hpp"

namespace rspf::crypto {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView asBytes(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size);
  explicit SecretBytes(ByteView bytes);
  SecretBytes(const SecretBytes& other);
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(const SecretBytes& other);
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes();

  std::uint8_t* data() { return bytes_.data(); }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  ByteView view() const { return {bytes_.data(), bytes_.size()}; }

  // Wipes and empties.
  void clear();

 private:
  // In memory excluded from core dumps (crypto/secret_memory.hpp).
  std::vector<std::uint8_t, SecretAllocator<std::uint8_t>> bytes_;
};

// Constant-time equality of two byte strings (length is not secret).
bool constantTimeEqual(ByteView a, ByteView b);

// Wipes a buffer the compiler may not optimise away.
void wipe(void* data, std::size_t size);

}  // namespace rspf::crypto
