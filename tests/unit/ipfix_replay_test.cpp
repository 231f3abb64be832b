// SPDX-License-Identifier: MIT
// IPFIX messages rewritten for replay, on messages laid out here byte by byte (RFC 7011).
#include "flowreplay/exporters/ipfix_replay.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "flowreplay/core/errors.hpp"

namespace flowreplay {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put(Bytes& b, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
// Appends byte by byte (GCC 12 warns falsely about vector::insert here).
void append(Bytes& to, const Bytes& from) {
  for (const std::uint8_t x : from) to.push_back(x);
}
std::uint64_t at(const Bytes& b, std::size_t pos, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | b[pos + static_cast<std::size_t>(i)];
  return v;
}

Bytes message(std::uint32_t export_time, std::uint32_t sequence, std::uint32_t domain, const Bytes& sets) {
  Bytes m;
  put(m, 10, 2);
  put(m, 16 + sets.size(), 2);
  put(m, export_time, 4);
  put(m, sequence, 4);
  put(m, domain, 4);
  append(m, sets);
  return m;
}

// Template 300: flowStartSeconds(150, 4), flowEndMilliseconds(153, 8), an enterprise field
// (PEN 6871, id 1, 2 bytes), applicationName-like variable field (96, varlen),
// flowStartNanoseconds(156, 8, NTP format).
Bytes template_set() {
  Bytes s;
  put(s, 2, 2);
  put(s, 4 + 4 + 5 * 4 + 4, 2);
  put(s, 300, 2);
  put(s, 5, 2);
  put(s, 150, 2), put(s, 4, 2);
  put(s, 153, 2), put(s, 8, 2);
  put(s, 0x8001, 2), put(s, 2, 2), put(s, 6871, 4);
  put(s, 96, 2), put(s, 65535, 2);
  put(s, 156, 2), put(s, 8, 2);
  return s;
}

// Two records of template 300 (names of 3 and 0 bytes) and 3 bytes of padding.
Bytes data_set() {
  Bytes r;
  for (int i = 0; i < 2; ++i) {
    put(r, 1'700'000'000 + i, 4);
    put(r, 1'700'000'000'500ULL + static_cast<unsigned>(i), 8);
    put(r, 0xabcd, 2);
    if (i == 0) {
      r.push_back(3);
      append(r, Bytes{'w', 'e', 'b'});
    } else {
      r.push_back(0);
    }
    put(r, (std::uint64_t{3'908'988'800U + static_cast<unsigned>(i)} << 32) | 0x80000000U, 8);  // NTP seconds, 0.5 s
  }
  Bytes s;
  put(s, 300, 2);
  put(s, 4 + r.size() + 3, 2);
  append(s, r);
  append(s, Bytes{0, 0, 0});
  return s;
}

TEST(IpfixRetimer, CountsRecordsShiftsEveryTimeAndRenumbers) {
  IpfixRetimer t;
  Bytes sets = template_set();
  const Bytes data = data_set();
  append(sets, data);
  Bytes m = message(1'700'000'010, 777, 5, sets);
  const Bytes original = m;
  const auto r = t.rewrite(m, 100, "m");
  EXPECT_EQ(r.data_records, 2u);
  EXPECT_EQ(r.export_time, 1'700'000'110u);
  EXPECT_EQ(at(m, 4, 4), 1'700'000'110u);
  EXPECT_EQ(at(m, 8, 4), 0u);  // the first message of domain 5 in this session
  const std::size_t rec = 16 + template_set().size() + 4;
  EXPECT_EQ(at(m, rec, 4), 1'700'000'100u);                    // seconds + 100
  EXPECT_EQ(at(m, rec + 4, 8), 1'700'000'000'500ULL + 100'000);  // ms + 100 000
  EXPECT_EQ(at(m, rec + 12, 2), 0xabcdu);                      // the enterprise field is left alone
  EXPECT_EQ(at(m, rec + 18, 4), 3'908'988'900u);               // NTP seconds + 100
  EXPECT_EQ(at(m, rec + 22, 4), 0x80000000u);                  // its fraction unchanged
  const std::size_t rec2 = rec + 26;
  EXPECT_EQ(at(m, rec2, 4), 1'700'000'101u);
  EXPECT_EQ(at(m, rec2 + 15 + 0, 4), 3'908'988'901u);  // after a zero-length name
  // Everything else is as it was.
  EXPECT_EQ(m.size(), original.size());
  EXPECT_EQ(Bytes(m.end() - 3, m.end()), Bytes({0, 0, 0}));
  // The next message's sequence number counts the two records; no shift leaves the times.
  Bytes next = message(1'700'000'011, 9, 5, data_set());
  const auto r2 = t.rewrite(next, 0, "m2");
  EXPECT_EQ(r2.data_records, 2u);
  EXPECT_EQ(at(next, 8, 4), 2u);
  EXPECT_EQ(next, [&] {
    Bytes want = message(1'700'000'011, 2, 5, data_set());
    return want;
  }());
}

TEST(IpfixRetimer, DataOfAnUnknownTemplateIsSentUnchangedAndCounted) {
  IpfixRetimer t;
  Bytes m = message(1, 0, 7, data_set());  // template 300 never defined in domain 7
  const Bytes original = m;
  const auto r = t.rewrite(m, 50, "m");
  EXPECT_EQ(r.data_records, 0u);
  EXPECT_EQ(t.unknown_sets(), 1u);
  EXPECT_EQ(Bytes(m.begin() + 16, m.end()), Bytes(original.begin() + 16, original.end()));
}

TEST(IpfixRetimer, ASetRunningPastTheMessageIsAnError) {
  IpfixRetimer t;
  Bytes sets = template_set();
  sets[3] = 200;  // the set claims 200 bytes
  Bytes m = message(1, 0, 1, sets);
  EXPECT_THROW(t.rewrite(m, 0, "m"), IoError);
}

}  // namespace
}  // namespace flowreplay
