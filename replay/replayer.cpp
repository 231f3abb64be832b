// SPDX-License-Identifier: MIT
#include "flowreplay/replay/replayer.hpp"

#include <sys/prctl.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "flowreplay/core/stop.hpp"
#include "flowreplay/replay/pacer.hpp"

namespace flowreplay {

namespace {

constexpr int kEthernet = 1;                                // LINKTYPE_ETHERNET
constexpr Duration kProgressEvery = 500 * kNanosPerMilli;  // progress callback period
constexpr std::uint64_t kTopspeedClockEvery = 1024;         // packets between clock reads at top speed

std::size_t bucket_of(std::uint64_t v, std::size_t sub) {
  if (v < sub) return v;
  const auto e = static_cast<std::size_t>(std::bit_width(v) - 1);  // >= 4
  const std::size_t shift = e - 4;
  return (e - 3) * sub + ((v >> shift) & (sub - 1));
}

// The largest value of bucket b.
std::uint64_t bucket_top(std::size_t b, std::size_t sub) {
  if (b < sub) return b;
  const std::size_t e = b / sub + 3;
  const std::uint64_t low = (sub + b % sub) << (e - 4);
  return low + (std::uint64_t{1} << (e - 4)) - 1;
}

}  // namespace

void TimingHistogram::add(Duration error) {
  const auto v = static_cast<std::uint64_t>(std::max<Duration>(error, 0));
  ++buckets_[std::min(bucket_of(v, kSub), buckets_.size() - 1)];
  ++count_;
  max_ = std::max<Duration>(max_, static_cast<Duration>(v));
}

Duration TimingHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    seen += buckets_[b];
    if (seen >= std::max<std::uint64_t>(rank, 1)) return std::min<Duration>(static_cast<Duration>(bucket_top(b, kSub)), max_);
  }
  return max_;
}

Replayer::Replayer(const ReplayOptions& options, Clock& clock, InterfaceSender& sender, FrameRewriter* rewriter)
    : options_(options), clock_(clock), sender_(sender), rewriter_(rewriter) {}

ReplayStats Replayer::run(std::size_t inputs, const FrameSourceOpener& open,
                          const std::function<void(const ReplayStats&)>& progress) {
  ReplayStats stats;
  const ReplayOptions& o = options_;
  const bool paced = o.speed != ReplaySpeed::kTopspeed;
  sender_.set_batch(paced ? 1 : o.batch);
  // Sleeps end up to the thread's timer slack (50 µs by default) late: ask for none.
  if (paced) static_cast<void>(prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL));
  const double multiplier = o.multiplier > 0 ? o.multiplier : 1.0;

  bool started = false;
  Timestamp wall0 = 0;          // the first frame's release
  Timestamp last_departure = 0;
  Timestamp next_progress = 0;
  Duration trace = 0;           // kOriginal: trace time since the first packet, backwards steps removed
  Duration delays = 0;          // loop delays so far, on the wall clock
  std::uint64_t bits = 0;       // kMbps: bits sent before this packet
  bool done = false;
  auto finished = [&] { return done || stop_requested() || (o.limit != 0 && stats.packets >= o.limit); };

  for (std::uint64_t loop = 0; (o.loops == 0 || loop < o.loops) && !finished(); ++loop) {
    if (loop > 0) delays += o.loop_delay;
    for (std::size_t input = 0; input < inputs && !finished(); ++input) {
      const std::unique_ptr<FrameSource> source = open(input);
      bool first_of_input = true;
      Timestamp previous = 0;
      CapturedFrame f;
      while (!finished() && source->next(f)) {
        const int link = f.link_type >= 0 ? f.link_type : source->link_type();
        if (link != kEthernet) {
          ++stats.skipped_link;
          continue;
        }
        if (f.caplen < f.origlen) ++stats.cut_frames;
        // The frame's deadline, counted from the first departure.
        Duration offset = 0;
        switch (o.speed) {
          case ReplaySpeed::kOriginal:
            if (!first_of_input) {
              if (f.ts < previous) {
                ++stats.backwards;
              } else {
                trace += f.ts - previous;
              }
            }
            offset = static_cast<Duration>(static_cast<double>(trace) / multiplier);
            break;
          case ReplaySpeed::kPps:
            offset = static_cast<Duration>(static_cast<double>(stats.packets) * 1e9 / o.pps);
            break;
          case ReplaySpeed::kMbps:
            offset = static_cast<Duration>(static_cast<double>(bits) * 1e3 / o.mbps);
            break;
          case ReplaySpeed::kTopspeed:
            break;
        }
        if (f.ts >= previous || first_of_input) previous = f.ts;
        first_of_input = false;
        // The first frame is released at once: its release is the origin of every deadline.
        if (!started) {
          started = true;
          wall0 = clock_.now();
          next_progress = wall0 + kProgressEvery;
        }
        const Timestamp due = wall0 + offset + delays;
        if (o.duration != 0 && due - wall0 > o.duration) {
          done = true;
          break;
        }
        // The frame is copied (and rewritten) first, so that nothing but the send call is left
        // after the wait.
        std::uint8_t* out = sender_.reserve(std::size_t{f.caplen} + FrameRewriter::kGrowth);
        std::memcpy(out, f.data, f.caplen);
        const std::size_t len = rewriter_ != nullptr ? rewriter_->rewrite(out, f.caplen, loop) : f.caplen;
        if (o.max_frame != 0 && len > o.max_frame) {
          ++stats.skipped_oversize;  // the reservation is simply not committed
          continue;
        }
        Timestamp release = 0;
        if (paced) {
          release = wait_until(clock_, due);
          if (stop_requested()) break;
        }
        sender_.commit(f.ts, len);
        ++stats.packets;
        stats.bytes += len;
        bits += std::uint64_t{len} * 8;
        if (paced) {
          last_departure = release;
          stats.timing.add(release - due);
        } else if (stats.packets % kTopspeedClockEvery == 0) {
          last_departure = clock_.now();
          if (o.duration != 0 && last_departure - wall0 > o.duration) done = true;
        } else {
          continue;
        }
        if (progress && last_departure >= next_progress) {
          next_progress = last_departure + kProgressEvery;
          stats.send_errors = sender_.send_errors();
          stats.elapsed = last_departure - wall0;
          progress(stats);
        }
      }
      if (source->truncated() && loop == 0) stats.truncated.push_back(source->truncation_message());
    }
    if (!finished()) ++stats.loops_done;
  }
  sender_.flush();
  if (started) stats.elapsed = clock_.now() - wall0;
  stats.send_errors = sender_.send_errors();
  return stats;
}

class MemoryFrames::Source : public FrameSource {
 public:
  explicit Source(const MemoryFrames& frames) : frames_(frames) {}
  bool next(CapturedFrame& frame) override {
    if (next_ >= frames_.frames_.size()) return false;
    const Stored& s = frames_.frames_[next_++];
    frame.ts = s.ts;
    frame.data = frames_.bytes_.data() + s.offset;
    frame.caplen = s.caplen;
    frame.origlen = s.origlen;
    frame.link_type = s.link_type;
    return true;
  }
  [[nodiscard]] int link_type() const override { return frames_.link_type_; }
  [[nodiscard]] bool truncated() const override { return frames_.truncated_; }
  [[nodiscard]] std::string truncation_message() const override { return frames_.message_; }

 private:
  const MemoryFrames& frames_;
  std::size_t next_ = 0;
};

MemoryFrames::MemoryFrames(FrameSource& source) {
  CapturedFrame f;
  while (!stop_requested() && source.next(f)) {
    frames_.push_back({f.ts, bytes_.size(), f.caplen, f.origlen, f.link_type});
    bytes_.insert(bytes_.end(), f.data, f.data + f.caplen);
  }
  link_type_ = source.link_type();
  truncated_ = source.truncated();
  message_ = source.truncation_message();
}

std::unique_ptr<FrameSource> MemoryFrames::open() const { return std::make_unique<Source>(*this); }

}  // namespace flowreplay
