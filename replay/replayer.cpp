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

PacedSender::PacedSender(const ReplayOptions& options, Clock& clock, InterfaceSender& sender)
    : options_(options),
      clock_(clock),
      sender_(sender),
      paced_(options.speed != ReplaySpeed::kTopspeed),
      multiplier_(options.multiplier > 0 ? options.multiplier : 1.0) {
  sender_.set_batch(paced_ ? 1 : options.batch);
  // Sleeps end up to the thread's timer slack (50 µs by default) late: ask for none.
  if (paced_) static_cast<void>(prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL));
}

Timestamp PacedSender::deadline(Timestamp ts) {
  Duration offset = 0;
  switch (options_.speed) {
    case ReplaySpeed::kOriginal:
      if (!first_of_input_) {
        if (ts < previous_) {
          ++stats_.backwards;
        } else {
          trace_ += ts - previous_;
        }
      }
      offset = static_cast<Duration>(static_cast<double>(trace_) / multiplier_);
      break;
    case ReplaySpeed::kPps:
      offset = static_cast<Duration>(static_cast<double>(stats_.packets) * 1e9 / options_.pps);
      break;
    case ReplaySpeed::kMbps:
      offset = static_cast<Duration>(static_cast<double>(bits_) * 1e3 / options_.mbps);
      break;
    case ReplaySpeed::kTopspeed:
      break;
  }
  if (ts >= previous_ || first_of_input_) previous_ = ts;
  first_of_input_ = false;
  // The first frame is released at once: its release is the origin of every deadline.
  if (!started_) {
    started_ = true;
    wall0_ = last_release_ = clock_.now();
  }
  return wall0_ + offset + delays_;
}

bool PacedSender::past_duration(Timestamp due) const {
  return options_.duration != 0 && started_ && due - wall0_ > options_.duration;
}

void PacedSender::send(Timestamp due, Timestamp ts, std::size_t len) {
  Timestamp release = 0;
  if (paced_) release = wait_until(clock_, due);
  sender_.commit(ts, len);
  ++stats_.packets;
  stats_.bytes += len;
  bits_ += std::uint64_t{len} * 8;
  if (paced_) {
    last_release_ = release;
    stats_.timing.add(release - due);
  } else if (stats_.packets % kTopspeedClockEvery == 0) {
    last_release_ = clock_.now();
  }
}

void PacedSender::finish() {
  sender_.flush();
  if (started_) last_release_ = clock_.now();  // the end of the last send
}

const ReplayStats& PacedSender::stats() {
  stats_.send_errors = sender_.send_errors();
  if (started_) stats_.elapsed = last_release_ - wall0_;
  return stats_;
}

Replayer::Replayer(const ReplayOptions& options, Clock& clock, InterfaceSender& sender, FrameRewriter* rewriter)
    : options_(options), clock_(clock), sender_(sender), rewriter_(rewriter) {}

ReplayStats Replayer::run(std::size_t inputs, const FrameSourceOpener& open,
                          const std::function<void(const ReplayStats&)>& progress) {
  const ReplayOptions& o = options_;
  PacedSender paced(o, clock_, sender_);
  // What the sender does not see: frames skipped before they reach it, loops, truncated inputs.
  ReplayStats own;
  Timestamp next_progress = 0;
  bool done = false;
  auto finished = [&] { return done || stop_requested() || (o.limit != 0 && paced.stats().packets >= o.limit); };

  for (std::uint64_t loop = 0; (o.loops == 0 || loop < o.loops) && !finished(); ++loop) {
    if (loop > 0) paced.add_delay(o.loop_delay);
    for (std::size_t input = 0; input < inputs && !finished(); ++input) {
      const std::unique_ptr<FrameSource> source = open(input);
      paced.next_input();
      CapturedFrame f;
      while (!finished() && source->next(f)) {
        const int link = f.link_type >= 0 ? f.link_type : source->link_type();
        if (link != kEthernet) {
          ++own.skipped_link;
          continue;
        }
        if (f.caplen < f.origlen) ++own.cut_frames;
        const Timestamp due = paced.deadline(f.ts);
        if (next_progress == 0) next_progress = paced.origin() + kProgressEvery;
        if (paced.past_duration(due)) {
          done = true;
          break;
        }
        // The frame is copied (and rewritten) before the wait, so that only the send call is
        // left after it.
        std::uint8_t* out = paced.reserve(std::size_t{f.caplen} + FrameRewriter::kGrowth);
        std::memcpy(out, f.data, f.caplen);
        const std::size_t len = rewriter_ != nullptr ? rewriter_->rewrite(out, f.caplen, loop) : f.caplen;
        if (o.max_frame != 0 && len > o.max_frame) {
          ++own.skipped_oversize;  // the reservation is simply not committed
          continue;
        }
        paced.send(due, f.ts, len);
        if (o.speed == ReplaySpeed::kTopspeed && o.duration != 0 && paced.last_release() - paced.origin() > o.duration) {
          done = true;
        }
        if (progress && paced.last_release() >= next_progress) {
          next_progress = paced.last_release() + kProgressEvery;
          ReplayStats now = paced.stats();
          now.skipped_link = own.skipped_link, now.skipped_oversize = own.skipped_oversize;
          progress(now);
        }
      }
      if (source->truncated() && loop == 0) own.truncated.push_back(source->truncation_message());
    }
    if (!finished()) ++own.loops_done;
  }
  paced.finish();
  ReplayStats stats = paced.stats();
  stats.skipped_link = own.skipped_link;
  stats.skipped_oversize = own.skipped_oversize;
  stats.cut_frames = own.cut_frames;
  stats.loops_done = own.loops_done;
  stats.truncated = std::move(own.truncated);
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
