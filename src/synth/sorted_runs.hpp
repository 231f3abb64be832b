// SPDX-License-Identifier: MIT
// An external merge sort for fixed-size records: up to `run` records are kept in memory; beyond
// that, each full buffer is sorted (stably) and spilled to an unlinked temporary file in $TMPDIR
// (default /tmp), and next() merges the runs, so memory stays bounded by the run size however
// many records there are. Ties keep the order of add(). Internal to the synth stage.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <queue>
#include <string>
#include <type_traits>
#include <vector>

#include "flowreplay/core/errors.hpp"

namespace flowreplay {

template <typename T, typename Less>
class SortedRuns {
  static_assert(std::is_trivially_copyable_v<T>, "records are spilled as raw bytes");

 public:
  // At most this many runs are open at once; more are first merged into one.
  static constexpr std::size_t kMaxOpenRuns = 128;

  SortedRuns(std::size_t run, Less less) : run_(std::max<std::size_t>(run, 1)), less_(less) {}
  SortedRuns(const SortedRuns&) = delete;  // the merge heap's comparator points here
  SortedRuns& operator=(const SortedRuns&) = delete;
  ~SortedRuns() = default;

  void add(const T& record) {
    if (buffer_.size() >= run_) spill();
    buffer_.push_back(Item{record, added_++});
  }

  // Sorts what is buffered and starts the merge; call once, after the last add().
  void finish() {
    if (runs_.empty()) {
      std::stable_sort(buffer_.begin(), buffer_.end(), [&](const Item& a, const Item& b) { return less_(a.record, b.record); });
      return;
    }
    if (!buffer_.empty()) spill();
    buffer_.clear();
    buffer_.shrink_to_fit();
    open_merge(runs_);
  }

  // The next record in order; false after the last.
  bool next(T& out) {
    if (runs_.empty()) {
      if (at_ >= buffer_.size()) return false;
      out = buffer_[at_++].record;
      return true;
    }
    Item item;
    if (!pop(item)) return false;
    out = item.record;
    return true;
  }

  [[nodiscard]] std::uint64_t size() const { return added_; }
  [[nodiscard]] std::size_t spilled_runs() const { return spilled_; }

 private:
  struct Item {
    T record;
    std::uint64_t order;  // position in add() order: ties keep it
  };
  struct Head {
    Item item;
    std::size_t run;
  };
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  using File = std::unique_ptr<std::FILE, FileCloser>;

  [[nodiscard]] bool before(const Item& a, const Item& b) const {
    if (less_(a.record, b.record)) return true;
    if (less_(b.record, a.record)) return false;
    return a.order < b.order;
  }

  static File temporary() {
    const char* dir = std::getenv("TMPDIR");
    std::string path = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/flowreplay-sort-XXXXXX";
    const int fd = ::mkstemp(path.data());
    if (fd < 0) throw IoError(path, "cannot create a temporary file for sorting (set TMPDIR to a writable folder)", errno);
    ::unlink(path.c_str());
    std::FILE* f = ::fdopen(fd, "w+b");
    if (f == nullptr) {
      const int err = errno;
      ::close(fd);
      throw IoError(path, "cannot open a temporary file for sorting", err);
    }
    return File(f);
  }

  static void write(std::FILE* f, const Item& item) {
    if (std::fwrite(&item, sizeof item, 1, f) != 1) {
      throw IoError("$TMPDIR", "cannot write a sort run (is the temporary folder full?)", errno);
    }
  }

  static bool read(std::FILE* f, Item& item) {
    if (std::fread(&item, sizeof item, 1, f) == 1) return true;
    if (std::ferror(f) != 0) throw IoError("$TMPDIR", "cannot read back a sort run", errno);
    return false;
  }

  static void rewind(std::FILE* f) {
    if (std::fflush(f) != 0) throw IoError("$TMPDIR", "cannot write a sort run (is the temporary folder full?)", errno);
    std::rewind(f);
  }

  void spill() {
    std::stable_sort(buffer_.begin(), buffer_.end(), [&](const Item& a, const Item& b) { return less_(a.record, b.record); });
    File f = temporary();
    for (const Item& item : buffer_) write(f.get(), item);
    rewind(f.get());
    runs_.push_back(std::move(f));
    buffer_.clear();
    ++spilled_;
    if (runs_.size() >= kMaxOpenRuns) {  // merge them into one longer run
      File merged = temporary();
      open_merge(runs_);
      Item item;
      while (pop(item)) write(merged.get(), item);
      rewind(merged.get());
      runs_.clear();
      runs_.push_back(std::move(merged));
    }
  }

  void open_merge(const std::vector<File>& runs) {
    heap_ = Heap(HeadAfter{this});
    for (std::size_t i = 0; i < runs.size(); ++i) {
      Item item;
      if (read(runs[i].get(), item)) heap_.push(Head{item, i});
    }
  }

  bool pop(Item& out) {
    if (heap_.empty()) return false;
    const Head top = heap_.top();
    heap_.pop();
    out = top.item;
    Item item;
    if (read(runs_[top.run].get(), item)) heap_.push(Head{item, top.run});
    return true;
  }

  struct HeadAfter {
    const SortedRuns* self;
    bool operator()(const Head& a, const Head& b) const { return self->before(b.item, a.item); }
  };
  using Heap = std::priority_queue<Head, std::vector<Head>, HeadAfter>;

  std::size_t run_;
  Less less_;
  std::vector<Item> buffer_;
  std::size_t at_ = 0;
  std::uint64_t added_ = 0;
  std::size_t spilled_ = 0;
  std::vector<File> runs_;
  Heap heap_{HeadAfter{this}};
};

}  // namespace flowreplay
