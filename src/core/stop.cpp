// SPDX-License-Identifier: MIT
#include "flowreplay/core/stop.hpp"

#include <atomic>

namespace flowreplay {

namespace {
std::atomic<int> g_stop_signal{0};
std::atomic<bool> g_failed{false};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free atomic");
}  // namespace

void request_stop(int signal) noexcept {
  int none = 0;
  g_stop_signal.compare_exchange_strong(none, signal, std::memory_order_relaxed);
}

int stop_signal() noexcept { return g_stop_signal.load(std::memory_order_relaxed); }

void clear_stop() noexcept {
  g_stop_signal.store(0, std::memory_order_relaxed);
  g_failed.store(false, std::memory_order_relaxed);
}

void mark_run_failed() noexcept { g_failed.store(true, std::memory_order_relaxed); }

bool run_failed() noexcept { return g_failed.load(std::memory_order_relaxed); }

}  // namespace flowreplay
