// SPDX-License-Identifier: MIT
// An allocator for large arrays that are read at random (flow tables, the records `compare`
// matches): allocations of 2 MiB or more are mapped on their own and marked MADV_HUGEPAGE, so
// the kernel backs them with 2 MiB pages when transparent huge pages are in "madvise" mode
// (Debian's default). One TLB entry then covers 512 times the memory; `compare` on a million
// flows runs about 1.8 times as fast (docs/performance.md). Smaller allocations go to new/delete.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <new>

namespace flowreplay {

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;  // NOLINT(readability-identifier-naming): the name std::allocator_traits looks up
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>& /*other*/) noexcept {}  // NOLINT(google-explicit-constructor): rebinding

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return static_cast<T*>(::operator new(bytes, std::align_val_t{alignof(T)}));
    void* p = mmap(nullptr, rounded(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    madvise(p, rounded(bytes), MADV_HUGEPAGE);  // advice only: without THP the pages stay small
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) {
      ::operator delete(p, std::align_val_t{alignof(T)});
    } else {
      munmap(p, rounded(bytes));
    }
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>& /*other*/) const noexcept {
    return true;
  }

 private:
  static std::size_t rounded(std::size_t bytes) { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }
};

}  // namespace flowreplay
