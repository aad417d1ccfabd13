#pragma once
// Where SecretBytes keep their bytes: pages marked MADV_DONTDUMP, so that a core dump (when the
// process allows them at all: common/process_hygiene) leaves key material out. Small blocks come
// from such pages by size class and are reused; freed memory stays in the pool (it is wiped first
// by SecretBytes). Thread-safe.
#include <cstddef>
#include <cstdint>
#include <new>

namespace rspf::crypto {

void* allocateSecretMemory(std::size_t bytes);
void releaseSecretMemory(void* block, std::size_t bytes) noexcept;

template <class T>
struct SecretAllocator {
  using value_type = T;
  SecretAllocator() = default;
  template <class U>
  SecretAllocator(const SecretAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(allocateSecretMemory(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { releaseSecretMemory(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const SecretAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace rspf::crypto
