// SPDX-License-Identifier: MIT
// The application dialogue of MongoDB.
#include "head_writer.hpp"

namespace flowreplay {

using namespace apps;  // NOLINT(google-build-using-namespace): the dialogues share its helpers

// MongoDB wire protocol OP_MSG (opcode 2013) with one body section each way: a find by a text
// key, answered by a cursor whose first batch holds one document; BSON (bsonspec.org) lengths
// count themselves and the trailing zero. The first round trip is the driver's "hello".
void AppScript::mongodb(Message& m) {
  HeadWriter w(m);
  constexpr std::uint32_t kOpMsg = 2013;
  // Header, flagBits and the body section's kind byte; the caller then writes one BSON document
  // of doc_len bytes (its head part here, the rest in body and tail).
  auto header = [&](std::uint32_t doc_len, std::uint32_t request_id, std::uint32_t response_to) {
    w.u32le(16 + 4 + 1 + doc_len).u32le(request_id).u32le(response_to).u32le(kOpMsg).u32le(0).u8(0);
  };
  auto element_name = [&](std::uint8_t type, std::string_view name) { w.u8(type).str(name).u8(0); };
  auto string_element = [&](std::string_view name, std::string_view value) {
    element_name(0x02, name);
    w.u32le(static_cast<std::uint32_t>(value.size() + 1)).str(value).u8(0);
  };
  const std::uint32_t last = 2 * rounds_ + 2;
  const std::uint32_t request_id = 1 + step_ / 2;
  if (step_ == 0 || step_ == last) {
    // {hello: 1, $db: "admin"} first; {endSessions: [], $db: "admin"} last.
    m.dir = 0;
    const bool hello = step_ == 0;
    const std::uint32_t doc = hello ? 4 + (1 + 6 + 4) + (1 + 4 + 4 + 6) + 1 : 4 + (1 + 12 + 5) + (1 + 4 + 4 + 6) + 1;
    header(doc, request_id, 0);
    w.u32le(doc);
    if (hello) {
      element_name(0x10, "hello");
      w.u32le(1);
    } else {
      element_name(0x04, "endSessions");
      w.u32le(5).u8(0);  // an empty array
    }
    string_element("$db", "admin");
    w.u8(0);
  } else if (step_ == 1) {
    // {isWritablePrimary: true, maxWireVersion: 17, ok: 1.0}
    m.dir = 1;
    const std::uint32_t doc = 4 + (1 + 18 + 1) + (1 + 15 + 4) + (1 + 3 + 8) + 1;
    header(doc, static_cast<std::uint32_t>(rng_.between(1, 1 << 30)), request_id);
    w.u32le(doc);
    element_name(0x08, "isWritablePrimary");
    w.u8(1);
    element_name(0x10, "maxWireVersion");
    w.u32le(17);
    element_name(0x01, "ok");
    w.u64le(0x3ff0000000000000ULL);  // 1.0
    w.u8(0);
  } else if (step_ % 2 == 0) {
    // {find: "events", filter: {k: "<key>"}, $db: "inventory"}: the key is base64 text from the pool.
    m.dir = 0;
    constexpr std::uint32_t kDbElement = 1 + 4 + 4 + 10;
    const std::uint32_t fixed_doc = 4 + (1 + 5 + 4 + 7) + (1 + 7) + 4 + (1 + 2 + 4) + 1 + 1 + kDbElement + 1;
    const std::uint32_t target = draw(spec_.pattern->request_bytes);
    const std::uint32_t key = target > fixed_doc + 21 ? target - fixed_doc - 21 : 1;
    const std::uint32_t doc = fixed_doc + key;
    header(doc, request_id, 0);
    w.u32le(doc);
    string_element("find", "events");
    element_name(0x03, "filter");
    w.u32le(4 + (1 + 2 + 4) + key + 1 + 1);
    element_name(0x02, "k");
    w.u32le(key + 1);
    body(m, pools_.text, key);
    std::uint8_t* t = m.tail.data();
    std::size_t n = 0;
    t[n++] = 0;  // the string's terminator
    t[n++] = 0;  // end of filter
    t[n++] = 0x02;
    std::memcpy(t + n, "$db", 4);
    n += 4;
    wire::put32le(t + n, 10);  // "inventory" and its terminator
    n += 4;
    std::memcpy(t + n, "inventory", 10);
    n += 10;
    t[n++] = 0;  // end of document
    m.tail_len = static_cast<std::uint8_t>(n);
  } else {
    // {cursor: {id: 0, ns: "inventory.events", firstBatch: [{_id: N, v: "<value>"}]}, ok: 1.0}
    m.dir = 1;
    constexpr std::string_view kNs = "inventory.events";
    const std::uint32_t fixed_item = 4 + (1 + 4 + 8) + (1 + 2 + 4) + 1 + 1;  // + value
    const std::uint32_t fixed_batch = 4 + (1 + 2) + 1;                      // + item
    const std::uint32_t fixed_cursor =
        4 + (1 + 3 + 8) + (1 + 3 + 4 + static_cast<std::uint32_t>(kNs.size()) + 1) + (1 + 11) + 1;  // + batch
    const std::uint32_t fixed_doc = 4 + (1 + 7) + (1 + 3 + 8) + 1;                                // + cursor
    const std::uint32_t fixed = fixed_doc + fixed_cursor + fixed_batch + fixed_item;
    const std::uint32_t target = draw(spec_.pattern->response_bytes);
    const std::uint32_t value = target > fixed + 21 ? target - fixed - 21 : 1;
    const std::uint32_t item = fixed_item + value;
    const std::uint32_t batch = fixed_batch + item;
    const std::uint32_t cursor = fixed_cursor + batch;
    const std::uint32_t doc = fixed_doc + cursor;
    header(doc, static_cast<std::uint32_t>(rng_.between(1, 1 << 30)), request_id);
    w.u32le(doc);
    element_name(0x03, "cursor");
    w.u32le(cursor);
    element_name(0x12, "id");
    w.u64le(0);
    string_element("ns", kNs);
    element_name(0x04, "firstBatch");
    w.u32le(batch);
    element_name(0x03, "0");
    w.u32le(item);
    element_name(0x12, "_id");
    w.u64le(rng_.below(1'000'000'000));
    element_name(0x02, "v");
    w.u32le(value + 1);
    body(m, pools_.text, value);
    std::uint8_t* t = m.tail.data();
    std::size_t n = 0;
    t[n++] = 0;  // the string's terminator
    t[n++] = 0;  // end of the batch's document
    t[n++] = 0;  // end of firstBatch
    t[n++] = 0;  // end of cursor
    t[n++] = 0x01;
    std::memcpy(t + n, "ok", 3);
    n += 3;
    wire::put64le(t + n, 0x3ff0000000000000ULL);  // 1.0
    n += 8;
    t[n++] = 0;  // end of document
    m.tail_len = static_cast<std::uint8_t>(n);
    ++round_;
  }
}

}  // namespace flowreplay
