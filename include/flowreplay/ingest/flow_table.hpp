// SPDX-License-Identifier: MIT
// The open flows of a meter, by FlowKey: open addressing with linear probing on a power-of-two
// array of (hash, flow) slots kept at most half full, deletion by backward shift (no tombstones).
// One probe usually touches one cache line, where a node-based map touches three. Every meter
// (CIC features, NetFlow-style records) keeps its flows here; `Flow` has a `key` member.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "flowreplay/core/flow_key.hpp"

namespace flowreplay {

template <typename Flow>
class FlowTable {
 public:
  FlowTable() : slots_(kInitialSlots), mask_(kInitialSlots - 1) {}
  ~FlowTable() {
    for (auto& s : slots_) delete s.flow;
  }
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  static std::uint64_t hash_of(const FlowKey& key) { return FlowKeyHash{}(key); }

  [[nodiscard]] Flow* find(const FlowKey& key, std::uint64_t hash) const {
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.flow == nullptr) return nullptr;
      if (s.hash == hash && s.flow->key == key) return s.flow;
    }
  }

  // Brings the home slot of `hash` into the cache ahead of a find() or insert().
  void prefetch(std::uint64_t hash) const { __builtin_prefetch(&slots_[hash & mask_]); }
  // The table owns the flow from here on.
  void insert(std::unique_ptr<Flow> flow, std::uint64_t hash) { insert_raw(flow.release(), hash); }

  // Removes and returns the flow (ownership passes to the caller); null when absent.
  std::unique_ptr<Flow> take(const FlowKey& key, std::uint64_t hash) {
    std::size_t i = hash & mask_;
    while (slots_[i].flow != nullptr && !(slots_[i].hash == hash && slots_[i].flow->key == key)) i = (i + 1) & mask_;
    if (slots_[i].flow == nullptr) return nullptr;
    std::unique_ptr<Flow> out(slots_[i].flow);
    // Backward shift: pull later entries of the probe run into the hole when their home slot is
    // at or before it, so lookups never meet a gap inside a run.
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & mask_; slots_[j].flow != nullptr; j = (j + 1) & mask_) {
      const std::size_t home = slots_[j].hash & mask_;
      if (((j - home) & mask_) >= ((j - hole) & mask_)) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = {};
    --size_;
    return out;
  }

  [[nodiscard]] std::size_t size() const { return size_; }

  // Removes every flow, handing each to `visit` (as a unique_ptr) in slot order.
  template <typename F>
  void drain(F&& visit) {
    for (auto& s : slots_) {
      if (s.flow != nullptr) {
        std::unique_ptr<Flow> f(s.flow);
        s = {};
        visit(std::move(f));
      }
    }
    size_ = 0;
  }

 private:
  static constexpr std::size_t kInitialSlots = 1024;
  struct Slot {
    std::uint64_t hash = 0;
    Flow* flow = nullptr;
  };

  void insert_raw(Flow* flow, std::uint64_t hash) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    std::size_t i = hash & mask_;
    while (slots_[i].flow != nullptr) i = (i + 1) & mask_;
    slots_[i] = {hash, flow};
    ++size_;
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    size_ = 0;
    for (const Slot& s : old) {
      if (s.flow != nullptr) insert_raw(s.flow, s.hash);
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_;
  std::size_t size_ = 0;
};

// An intrusive doubly linked list of flows (members `prev` and `next`), oldest first: a meter
// keeps its flows in order of last activity so that the idle sweep looks at the front only.
template <typename Flow>
class FlowList {
 public:
  [[nodiscard]] Flow* front() const { return head_; }
  void push_back(Flow* f) {
    f->prev = tail_;
    f->next = nullptr;
    if (tail_ != nullptr) tail_->next = f; else head_ = f;
    tail_ = f;
  }
  void unlink(Flow* f) {
    if (f->prev != nullptr) f->prev->next = f->next; else head_ = f->next;
    if (f->next != nullptr) f->next->prev = f->prev; else tail_ = f->prev;
    f->prev = f->next = nullptr;
  }
  void move_to_back(Flow* f) {
    unlink(f);
    push_back(f);
  }

 private:
  Flow* head_ = nullptr;
  Flow* tail_ = nullptr;
};

}  // namespace flowreplay
