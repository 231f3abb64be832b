// SPDX-License-Identifier: MIT
// flow-models' columnar `binary` flow format (docs/stats.md, "flow-models binary"): a directory
// with one file per field, named FIELD.TYPECODE after Python's array type codes, each a plain
// array of native-endian values, one per unidirectional flow record:
//   af.B prot.B inif.H outif.H sa0.I sa1.I sa2.I sa3.I da0.I da1.I da2.I da3.I sp.H dp.H
//   first.I first_ms.H last.I last_ms.H packets.Q octets.Q aggs.I
// Addresses as nfdump's pipe output gives them: IPv4 in sa3/da3 (sa0..sa2 zero) with af 2, IPv6 in
// the four words with af 10, each word the number its four bytes make in network order. flow-models
// 2.x reads such a directory with `-i binary`; its older versions named the key fields with a
// leading underscore (_sa0.I), which the reader here accepts too.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "flowreplay/core/flow_record.hpp"

namespace flowreplay {

// Writes each direction with packets of every biflow record as one flow-models record (its own
// first and last packet times when the record has them, else the record's). The files are written
// as NAME.partial and renamed by finish() (io/output_file.hpp).
class FlowModelsWriter : public FlowRecordSink {
 public:
  // Creates `dir` if needed; IoError when it cannot.
  FlowModelsWriter(const std::string& dir, bool partial = true);
  ~FlowModelsWriter() override;
  FlowModelsWriter(const FlowModelsWriter&) = delete;
  FlowModelsWriter& operator=(const FlowModelsWriter&) = delete;
  void write(const FlowRecord& record) override;
  void finish() override;
  [[nodiscard]] std::uint64_t records() const { return records_; }
  [[nodiscard]] std::uint32_t records_for(const FlowRecord& r) const override {
    return (r.packets > 0 ? 1U : 0U) + (r.packets_rev > 0 ? 1U : 0U);
  }

 private:
  struct Columns;
  std::unique_ptr<Columns> columns_;
  std::uint64_t records_ = 0;
};

// Reads such a directory record by record (files read in blocks). IoError when a field's file is
// missing (only `packets` and `octets` are required; others read as 0) or the files' lengths
// disagree.
class FlowModelsReader {
 public:
  explicit FlowModelsReader(const std::string& dir);
  ~FlowModelsReader();
  FlowModelsReader(const FlowModelsReader&) = delete;
  FlowModelsReader& operator=(const FlowModelsReader&) = delete;
  // The next record as a one-way FlowRecord (packets_rev 0; start_fwd/end_fwd set); false at the end.
  bool next(FlowRecord& record);
  [[nodiscard]] std::uint64_t size() const { return size_; }

 private:
  struct Column;
  std::vector<std::unique_ptr<Column>> columns_;
  std::uint64_t size_ = 0;
  std::uint64_t at_ = 0;
};

// Whether `dir` looks like a flow-models binary directory (has packets.Q or _packets.Q... any
// packets.* file).
bool is_flow_models_dir(const std::string& dir);

}  // namespace flowreplay
