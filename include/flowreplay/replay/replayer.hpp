// SPDX-License-Identifier: MIT
// Captured frames back onto the wire at their timing (flowreplay replay, docs/replay.md). Every
// packet has an absolute deadline counted from the first one, never from the packet before, so
// errors do not add up over a long capture; the wait sleeps while the deadline is far and spins on
// the monotonic clock for the last stretch (Pacer). Timestamps that go backwards are sent in file
// order at once and counted. Loops replay the inputs again, each after the last packet of the one
// before (plus --loop-delay).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "flowreplay/core/clock.hpp"
#include "flowreplay/core/frame_source.hpp"
#include "flowreplay/core/units.hpp"
#include "flowreplay/replay/frame_rewriter.hpp"
#include "flowreplay/replay/interface_sender.hpp"

namespace flowreplay {

enum class ReplaySpeed : std::uint8_t {
  kOriginal,  // the capture's own gaps, divided by the multiplier
  kPps,       // a fixed packet rate
  kMbps,      // a fixed bit rate (frame bytes, as captured)
  kTopspeed,  // as fast as the sender takes them, in batches
};

struct ReplayOptions {
  ReplaySpeed speed = ReplaySpeed::kOriginal;
  double multiplier = 1.0;
  double pps = 0;
  double mbps = 0;
  std::uint64_t limit = 0;    // packets to send, 0: all
  Duration duration = 0;      // stop after this long, 0: no limit
  std::uint64_t loops = 1;    // 0: until stopped
  Duration loop_delay = 0;    // between loops
  std::uint32_t max_frame = 0;  // larger frames are skipped and counted; 0: no limit
  std::size_t batch = 64;     // frames per send call at top speed
};

// Timing errors (departure minus schedule, ns), in log-linear buckets of 1/16 of a power of two:
// quantiles within 6 %, the maximum exact, in constant memory however long the run.
class TimingHistogram {
 public:
  void add(Duration error);
  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] Duration max() const { return max_; }
  // The error at quantile q (0..1): the upper bound of its bucket, never above max().
  [[nodiscard]] Duration quantile(double q) const;

 private:
  static constexpr std::size_t kSub = 16;
  std::array<std::uint64_t, 64 * kSub> buckets_{};
  std::uint64_t count_ = 0;
  Duration max_ = 0;
};

struct ReplayStats {
  std::uint64_t packets = 0;           // handed to the sender
  std::uint64_t bytes = 0;
  std::uint64_t send_errors = 0;       // frames the interface refused
  std::uint64_t skipped_oversize = 0;  // larger than the interface's MTU allows (after rewriting)
  std::uint64_t skipped_link = 0;      // not Ethernet frames (a pcapng interface of another link type)
  std::uint64_t backwards = 0;         // earlier than the frame before them: sent at once, in file order
  std::uint64_t cut_frames = 0;        // captured shorter than on the wire: sent as captured
  std::uint64_t loops_done = 0;        // whole passes over the inputs
  Duration elapsed = 0;                // first departure to last
  TimingHistogram timing;              // paced modes only
  std::vector<std::string> truncated;  // inputs cut off mid-record (what was before the cut went out)
};

// Frames onto a sender at their deadlines, from the options' speed mode: the frame's own time
// (divided by the multiplier; a time earlier than the latest so far is sent at once and counted),
// a packet rate or a bit rate, each counted from the first frame's release; at top speed in
// batches. The Replayer drives it frame by frame; as a PacketSink it takes the synthesizer's
// frames straight onto an interface (gen -i).
class PacedSender : public PacketSink {
 public:
  PacedSender(const ReplayOptions& options, Clock& clock, InterfaceSender& sender);
  // The absolute deadline (on the clock) of the next frame, stamped ts; the first call sets the origin.
  Timestamp deadline(Timestamp ts);
  // Whether a deadline lies past --duration.
  [[nodiscard]] bool past_duration(Timestamp due) const;
  // Waits for `due` (unless at top speed) and sends the frame reserved in the sender.
  void send(Timestamp due, Timestamp ts, std::size_t len);
  // The next frame starts another input (or loop): its time does not count from the frame before.
  void next_input() { first_of_input_ = true; }
  // Pushes every later deadline back (a loop delay).
  void add_delay(Duration d) { delays_ += d; }

  std::uint8_t* reserve(std::size_t max_len) override { return sender_.reserve(max_len); }
  void commit(Timestamp ts, std::size_t len) override { send(deadline(ts), ts, len); }
  void finish() override;
  [[nodiscard]] std::uint64_t bytes_written() const override { return stats_.bytes; }

  // Counts so far (elapsed and send errors brought up to date).
  [[nodiscard]] const ReplayStats& stats();
  // The latest release (or, at top speed, a recent clock reading).
  [[nodiscard]] Timestamp last_release() const { return last_release_; }
  [[nodiscard]] Timestamp origin() const { return wall0_; }

 private:
  ReplayOptions options_;
  Clock& clock_;
  InterfaceSender& sender_;
  ReplayStats stats_;
  bool paced_;
  double multiplier_;
  bool started_ = false;
  bool first_of_input_ = true;
  Timestamp wall0_ = 0;         // the first frame's release
  Timestamp last_release_ = 0;
  Timestamp previous_ = 0;      // the latest frame time of this input
  Duration trace_ = 0;          // original timing: trace time since the first frame, backwards steps left out
  Duration delays_ = 0;         // loop delays so far
  std::uint64_t bits_ = 0;      // bit rate: bits sent before this frame
};

// Opens input i for a pass (called once per input per loop).
using FrameSourceOpener = std::function<std::unique_ptr<FrameSource>(std::size_t input)>;

class Replayer {
 public:
  // `rewriter`, when given, rewrites each frame in the sender's buffer before it leaves.
  Replayer(const ReplayOptions& options, Clock& clock, InterfaceSender& sender, FrameRewriter* rewriter = nullptr);
  // Sends `inputs` inputs, in order, `loops` times; a stop request (core/stop.hpp) ends it after
  // the packet in hand. `progress` is called about twice a second.
  ReplayStats run(std::size_t inputs, const FrameSourceOpener& open,
                  const std::function<void(const ReplayStats&)>& progress = {});

 private:
  ReplayOptions options_;
  Clock& clock_;
  InterfaceSender& sender_;
  FrameRewriter* rewriter_;
};

// Frames held in memory (--preload, or stdin replayed more than once): read once from a source,
// replayed from memory by each pass.
class MemoryFrames {
 public:
  explicit MemoryFrames(FrameSource& source);
  [[nodiscard]] std::unique_ptr<FrameSource> open() const;
  [[nodiscard]] std::size_t size() const { return frames_.size(); }
  [[nodiscard]] bool truncated() const { return truncated_; }
  [[nodiscard]] const std::string& truncation_message() const { return message_; }

 private:
  struct Stored {
    Timestamp ts;
    std::size_t offset;
    std::uint32_t caplen, origlen;
    int link_type;
  };
  std::vector<std::uint8_t> bytes_;
  std::vector<Stored> frames_;
  int link_type_ = -1;
  bool truncated_ = false;
  std::string message_;
  class Source;
};

}  // namespace flowreplay
