// SPDX-License-Identifier: MIT
// SortedRuns: records come back in the order std::stable_sort gives them, whether they fit in
// memory, spill to runs, or spill to so many runs that those are merged first.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "../../src/synth/sorted_runs.hpp"

namespace flowreplay {
namespace {

struct Rec {
  std::int64_t key;
  std::uint64_t id;  // position in input order, to check that ties keep it
};
struct ByKey {
  bool operator()(const Rec& a, const Rec& b) const { return a.key < b.key; }
};

std::vector<Rec> sorted_by_runs(const std::vector<Rec>& in, std::size_t run, std::size_t* spilled = nullptr) {
  SortedRuns<Rec, ByKey> s(run, ByKey{});
  for (const Rec& r : in) s.add(r);
  s.finish();
  std::vector<Rec> out;
  Rec r{};
  while (s.next(r)) out.push_back(r);
  if (spilled != nullptr) *spilled = s.spilled_runs();
  EXPECT_EQ(s.size(), in.size());
  return out;
}

void expect_stable_order(const std::vector<Rec>& in, const std::vector<Rec>& got) {
  std::vector<Rec> want = in;
  std::stable_sort(want.begin(), want.end(), ByKey{});
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(got[i].key, want[i].key) << i;
    ASSERT_EQ(got[i].id, want[i].id) << i << ": ties keep the input order";
  }
}

std::vector<Rec> random_records(std::size_t n, std::int64_t keys, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::vector<Rec> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back({static_cast<std::int64_t>(rng() % keys) - keys / 2, i});
  return v;
}

TEST(SortedRuns, InMemoryWhenTheRecordsFitOneRun) {
  const auto in = random_records(1000, 50, 1);
  std::size_t spilled = 9;
  expect_stable_order(in, sorted_by_runs(in, 1000, &spilled));
  EXPECT_EQ(spilled, 0U);
}

TEST(SortedRuns, SpilledRunsMergeInOrder) {
  const auto in = random_records(5000, 300, 2);
  std::size_t spilled = 0;
  expect_stable_order(in, sorted_by_runs(in, 64, &spilled));
  EXPECT_EQ(spilled, (5000 + 63) / 64);
}

TEST(SortedRuns, MoreRunsThanOpenFilesAreMergedFirst) {
  // 3-record runs: 1 334 runs, merged every 128 into one longer run on the way.
  const auto in = random_records(4000, 40, 3);
  std::size_t spilled = 0;
  expect_stable_order(in, sorted_by_runs(in, 3, &spilled));
  using Runs = SortedRuns<Rec, ByKey>;
  EXPECT_GT(spilled, 2 * Runs::kMaxOpenRuns);
}

TEST(SortedRuns, EmptyAndAlreadySortedInputs) {
  expect_stable_order({}, sorted_by_runs({}, 4));
  std::vector<Rec> ordered;
  for (std::uint64_t i = 0; i < 100; ++i) ordered.push_back({static_cast<std::int64_t>(i / 3), i});
  expect_stable_order(ordered, sorted_by_runs(ordered, 7));
}

TEST(SortedRuns, UnwritableTemporaryFolderIsAnIoError) {
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old != nullptr ? old : "";
  setenv("TMPDIR", "/nonexistent-flowreplay-dir", 1);
  SortedRuns<Rec, ByKey> s(2, ByKey{});
  s.add({1, 0});
  s.add({0, 1});
  EXPECT_THROW(s.add({2, 2}), IoError) << "the third record spills the first two";
  if (old != nullptr) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
}

}  // namespace
}  // namespace flowreplay
