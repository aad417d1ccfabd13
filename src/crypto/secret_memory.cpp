#include "crypto/secret_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <mutex>

namespace rspf::crypto {
namespace {

constexpr std::size_t kSmallestClass = 32;
constexpr std::size_t kClasses = 8;  // 32, 64, ..., 4096 bytes
constexpr std::size_t kLargestClass = kSmallestClass << (kClasses - 1);
constexpr std::size_t kChunkBytes = 64 * 1024;

// Pages excluded from core dumps (Linux 3.4+). Throws std::bad_alloc.
void* mapPages(std::size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  ::madvise(p, bytes, MADV_DONTDUMP);  // best effort: an older kernel still gets the memory
  return p;
}

std::size_t pageRounded(std::size_t bytes) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return (bytes + page - 1) / page * page;
}

std::size_t classOf(std::size_t bytes) {
  std::size_t c = 0;
  while ((kSmallestClass << c) < bytes) ++c;
  return c;
}

struct FreeBlock {
  FreeBlock* next;
};

class Pool {
 public:
  void* take(std::size_t c) {
    std::lock_guard lock(mutex_);
    if (free_[c] == nullptr) carve(c);
    FreeBlock* block = free_[c];
    free_[c] = block->next;
    return block;
  }
  void give(void* p, std::size_t c) {
    std::lock_guard lock(mutex_);
    auto* block = static_cast<FreeBlock*>(p);
    block->next = free_[c];
    free_[c] = block;
  }

 private:
  void carve(std::size_t c) {  // under mutex_
    const std::size_t size = kSmallestClass << c;
    auto* chunk = static_cast<std::uint8_t*>(mapPages(kChunkBytes));
    for (std::size_t offset = 0; offset + size <= kChunkBytes; offset += size) {
      auto* block = reinterpret_cast<FreeBlock*>(chunk + offset);
      block->next = free_[c];
      free_[c] = block;
    }
  }
  std::mutex mutex_;
  std::array<FreeBlock*, kClasses> free_{};
};

Pool& pool() {
  static Pool* p = new Pool;  // never destroyed: SecretBytes in static storage may outlive it
  return *p;
}

}  // namespace

void* allocateSecretMemory(std::size_t bytes) {
  if (bytes == 0) bytes = 1;
  if (bytes > kLargestClass) return mapPages(pageRounded(bytes));
  return pool().take(classOf(bytes));
}

void releaseSecretMemory(void* block, std::size_t bytes) noexcept {
  if (block == nullptr) return;
  if (bytes == 0) bytes = 1;
  if (bytes > kLargestClass) {
    ::munmap(block, pageRounded(bytes));
    return;
  }
  pool().give(block, classOf(bytes));
}

}  // namespace rspf::crypto
