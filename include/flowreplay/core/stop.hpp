// SPDX-License-Identifier: MIT
// The process's stop request. The command-line tool's handlers for SIGINT, SIGTERM and SIGHUP
// record the signal here (signals are process-wide, so this is the one process-wide state of the
// library); long loops (synthesis, the capture loop, pacing) read it and end at the next packet
// boundary, so every output is finished and valid; a file finished after a stop keeps its
// `.partial` name (io/output_file.hpp), since it does not hold the whole run.
#pragma once

namespace flowreplay {

// Async-signal-safe: records `signal` (the first one wins).
void request_stop(int signal) noexcept;
// The signal that asked to stop, 0 while none has.
[[nodiscard]] int stop_signal() noexcept;
[[nodiscard]] inline bool stop_requested() noexcept { return stop_signal() != 0; }
// Forgets a request and a failure (tests, or a program that runs several jobs).
void clear_stop() noexcept;

// The run failed (an output or a collector): outputs finished from here on keep their .partial
// names too, since they do not hold the whole run.
void mark_run_failed() noexcept;
[[nodiscard]] bool run_failed() noexcept;

}  // namespace flowreplay
