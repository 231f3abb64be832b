// SPDX-License-Identifier: MIT
// CICFlowMeter's CSV: the header of each mode and a row, printed as the Java tool prints it
// (integers as integers, doubles through Double.toString, guarded empty blocks as "0").
#include <charconv>

#include "flowreplay/ingest/cic/cic_meter.hpp"
#include "flowreplay/ingest/cic/java_format.hpp"

namespace flowreplay {

namespace {

// HEAD since 2020-05-28 (FlowFeature.getHeader()).
constexpr std::string_view kHeadHeader =
    "Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow Duration,Total Fwd Packet,Total Bwd packets,"
    "Total Length of Fwd Packet,Total Length of Bwd Packet,Fwd Packet Length Max,Fwd Packet Length Min,"
    "Fwd Packet Length Mean,Fwd Packet Length Std,Bwd Packet Length Max,Bwd Packet Length Min,Bwd Packet Length Mean,"
    "Bwd Packet Length Std,Flow Bytes/s,Flow Packets/s,Flow IAT Mean,Flow IAT Std,Flow IAT Max,Flow IAT Min,"
    "Fwd IAT Total,Fwd IAT Mean,Fwd IAT Std,Fwd IAT Max,Fwd IAT Min,Bwd IAT Total,Bwd IAT Mean,Bwd IAT Std,"
    "Bwd IAT Max,Bwd IAT Min,Fwd PSH Flags,Bwd PSH Flags,Fwd URG Flags,Bwd URG Flags,Fwd Header Length,"
    "Bwd Header Length,Fwd Packets/s,Bwd Packets/s,Packet Length Min,Packet Length Max,Packet Length Mean,"
    "Packet Length Std,Packet Length Variance,FIN Flag Count,SYN Flag Count,RST Flag Count,PSH Flag Count,"
    "ACK Flag Count,URG Flag Count,CWR Flag Count,ECE Flag Count,Down/Up Ratio,Average Packet Size,"
    "Fwd Segment Size Avg,Bwd Segment Size Avg,Fwd Bytes/Bulk Avg,Fwd Packet/Bulk Avg,Fwd Bulk Rate Avg,"
    "Bwd Bytes/Bulk Avg,Bwd Packet/Bulk Avg,Bwd Bulk Rate Avg,Subflow Fwd Packets,Subflow Fwd Bytes,"
    "Subflow Bwd Packets,Subflow Bwd Bytes,FWD Init Win Bytes,Bwd Init Win Bytes,Fwd Act Data Pkts,"
    "Fwd Seg Size Min,Active Mean,Active Std,Active Max,Active Min,Idle Mean,Idle Std,Idle Max,Idle Min,Label";

// 2018-02 to 2020-02-04 (FlowFeature.java at eaa853d): the CSE-CIC-IDS2018 names.
constexpr std::string_view kV4Header =
    "Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow Duration,Tot Fwd Pkts,Tot Bwd Pkts,"
    "TotLen Fwd Pkts,TotLen Bwd Pkts,Fwd Pkt Len Max,Fwd Pkt Len Min,Fwd Pkt Len Mean,Fwd Pkt Len Std,"
    "Bwd Pkt Len Max,Bwd Pkt Len Min,Bwd Pkt Len Mean,Bwd Pkt Len Std,Flow Byts/s,Flow Pkts/s,Flow IAT Mean,"
    "Flow IAT Std,Flow IAT Max,Flow IAT Min,Fwd IAT Tot,Fwd IAT Mean,Fwd IAT Std,Fwd IAT Max,Fwd IAT Min,"
    "Bwd IAT Tot,Bwd IAT Mean,Bwd IAT Std,Bwd IAT Max,Bwd IAT Min,Fwd PSH Flags,Bwd PSH Flags,Fwd URG Flags,"
    "Bwd URG Flags,Fwd Header Len,Bwd Header Len,Fwd Pkts/s,Bwd Pkts/s,Pkt Len Min,Pkt Len Max,Pkt Len Mean,"
    "Pkt Len Std,Pkt Len Var,FIN Flag Cnt,SYN Flag Cnt,RST Flag Cnt,PSH Flag Cnt,ACK Flag Cnt,URG Flag Cnt,"
    "CWE Flag Count,ECE Flag Cnt,Down/Up Ratio,Pkt Size Avg,Fwd Seg Size Avg,Bwd Seg Size Avg,Fwd Byts/b Avg,"
    "Fwd Pkts/b Avg,Fwd Blk Rate Avg,Bwd Byts/b Avg,Bwd Pkts/b Avg,Bwd Blk Rate Avg,Subflow Fwd Pkts,"
    "Subflow Fwd Byts,Subflow Bwd Pkts,Subflow Bwd Byts,Init Fwd Win Byts,Init Bwd Win Byts,Fwd Act Data Pkts,"
    "Fwd Seg Size Min,Active Mean,Active Std,Active Max,Active Min,Idle Mean,Idle Std,Idle Max,Idle Min,Label";

void append_int(std::string& out, long long v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

std::string_view cic_header(CicMode mode) {
  return (mode == CicMode::k2018 || mode == CicMode::k2020) ? kV4Header : kHeadHeader;
}

void append_cic_row(std::string& out, const CicFeatures& f, CicMode mode, const TimeZone& zone) {
  out += f.flow_id;
  out += ',';
  out += f.src.to_string();
  out += ',';
  append_int(out, f.src_port);
  out += ',';
  out += f.dst.to_string();
  out += ',';
  append_int(out, f.dst_port);
  out += ',';
  append_int(out, f.protocol);
  out += ',';
  out += java_timestamp(f.start_us, mode != CicMode::k2018, zone);
  for (const CicValue& v : f.values) {
    out += ',';
    switch (v.kind) {
      case CicKind::kInteger: append_int(out, static_cast<long long>(v.value)); break;
      case CicKind::kZero: out += '0'; break;
      case CicKind::kDouble: append_java_double(out, v.value); break;
    }
  }
  out += ',';
  if (!f.label.empty()) {
    out += f.label;
    out += '\n';
  } else {
    out += (mode == CicMode::k2018 || mode == CicMode::k2020) ? "No Label\n" : "NeedManualLabel\n";
  }
}

}  // namespace flowreplay
