// SPDX-License-Identifier: MIT
// A minimal C++20 coroutine that only suspends: a flow's timeline is written as straight-line
// code that suspends after each packet it plans. One frame is allocated per flow, none per packet.
#pragma once

#include <coroutine>
#include <exception>
#include <utility>

namespace flowreplay {

class Steps {
 public:
  struct promise_type {  // NOLINT(readability-identifier-naming): the name the coroutine machinery looks up
    Steps get_return_object() { return Steps(std::coroutine_handle<promise_type>::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(int /*unused*/) noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() { error = std::current_exception(); }
    std::exception_ptr error;
  };

  Steps() = default;
  explicit Steps(std::coroutine_handle<promise_type> h) : h_(h) {}
  Steps(Steps&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Steps& operator=(Steps&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  Steps(const Steps&) = delete;
  Steps& operator=(const Steps&) = delete;
  ~Steps() { reset(); }

  // The coroutine's frame (its locals), for prefetching; null when there is none.
  [[nodiscard]] const void* frame() const { return h_ ? h_.address() : nullptr; }

  // Runs to the next suspension; false once the coroutine has finished.
  bool resume() {
    if (!h_ || h_.done()) return false;
    h_.resume();
    if (h_.promise().error) std::rethrow_exception(std::exchange(h_.promise().error, {}));
    return !h_.done();
  }

 private:
  void reset() {
    if (h_) h_.destroy();
    h_ = {};
  }
  std::coroutine_handle<promise_type> h_;
};

}  // namespace flowreplay
