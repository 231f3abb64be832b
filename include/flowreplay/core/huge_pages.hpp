// SPDX-License-Identifier: MIT
// An allocator for large arrays that are read at random (flow tables, the records `compare`
// matches): allocations of 2 MiB or more are mapped on their own and marked MADV_HUGEPAGE, so
// the kernel backs them with 2 MiB pages when transparent huge pages are in "madvise" mode
// (Debian's default). One TLB entry then covers 512 times the memory; `compare` on a million
// flows runs about 1.8 times as fast (docs/performance.md). Smaller allocations go to new/delete.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <thread>
#include <utility>
#include <vector>

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

// Faults fresh mappings in on a thread of its own: MADV_POPULATE_WRITE (Linux 5.14) has the
// kernel allocate and clear their pages there, on the second core, while the caller fills them
// from the front. Clearing fresh pages is dear on a VM (about 1.4 ms per MiB here, a quarter of
// `profile`'s time from an IPFIX file: docs/performance.md). Ranges are faulted in the order
// given, front to back in 4 MiB steps; the destructor stops and joins. Ranges that are not
// page-aligned or smaller than a huge page (memory from operator new) are left alone. A range
// must stay mapped while this runs, or madvise fails and the thread ends early: give a vector's
// reserved capacity only if it will not grow past it (if it does, nothing worse happens).
class Prefaulter {
 public:
  using Range = std::pair<void*, std::size_t>;  // start, bytes

  explicit Prefaulter(std::vector<Range> ranges) {
    std::erase_if(ranges, [](const Range& r) {
      return r.second < HugePageAllocator<char>::kHugePage || reinterpret_cast<std::uintptr_t>(r.first) % kPage != 0;
    });
    if (!ranges.empty()) thread_ = std::thread([this, todo = std::move(ranges)] { run(todo); });
  }
  Prefaulter(const Prefaulter&) = delete;
  Prefaulter& operator=(const Prefaulter&) = delete;
  ~Prefaulter() { stop(); }

  // Stops after the step in progress and waits for the thread.
  void stop() {
    stop_.store(true, std::memory_order_relaxed);
    if (thread_.joinable()) thread_.join();
  }

 private:
  static constexpr std::size_t kPage = 4096;
  static constexpr std::size_t kStep = std::size_t{4} << 20;

  void run(const std::vector<Range>& ranges) const {
    for (const auto& [start, bytes] : ranges) {
      auto* p = static_cast<char*>(start);
      for (std::size_t off = 0; off < bytes; off += kStep) {
        if (stop_.load(std::memory_order_relaxed)) return;
        if (madvise(p + off, std::min(kStep, bytes - off), MADV_POPULATE_WRITE) != 0) return;  // unmapped, or an old kernel
      }
    }
  }

  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A vector's reserved capacity as a Prefaulter range.
template <typename V>
Prefaulter::Range capacity_of(V& v) {
  return {static_cast<void*>(v.data()), v.capacity() * sizeof(typename V::value_type)};
}

}  // namespace flowreplay
