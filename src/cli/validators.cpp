// SPDX-License-Identifier: MIT
#include "validators.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

#include "flowreplay/core/errors.hpp"

namespace flowreplay::cli {

namespace {

std::string text_of(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

CLI::Validator finite_range(double lo, double hi) {
  const std::string range = text_of(lo) + " to " + text_of(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& s) -> std::string {
        double v = 0;
        const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return "expected a number, got '" + s + "'";
        if (v < lo || v > hi) return "'" + s + "' is outside " + range;
        return {};
      },
      "NUMBER in " + range);
}

CLI::Validator whole_range(std::uint64_t lo, std::uint64_t hi) {
  const std::string range = std::to_string(lo) + " to " + std::to_string(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& s) -> std::string {
        std::uint64_t v = 0;
        const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec == std::errc::result_out_of_range || (ec == std::errc() && ptr == s.data() + s.size() && (v < lo || v > hi))) {
          return "'" + s + "' is outside " + range;
        }
        if (ec != std::errc() || ptr != s.data() + s.size()) return "expected a whole number, got '" + s + "'";
        return {};
      },
      "INT in " + range);
}

void add_partial_flag(CLI::App* app, bool& no_partial) {
  app->add_flag("--no-partial", no_partial,
                "Write each output file under its own name from the start (default: NAME.partial, renamed to NAME "
                "once the run completed, so an interrupted or failed run never leaves a complete-looking file)");
}

void add_shard_option(CLI::App* app, std::string& shard) {
  app->add_option("--shard", shard,
                  "Only the flows of shard K of N (K/N, 0 <= K < N): flows are split by a stable hash of their key, so "
                  "the N shards' outputs together are the whole output (docs/cli.md); for one task per shard");
}

Shard parse_shard(const std::string& text, const std::string& command) {
  if (text.empty()) return {};
  const auto shard = Shard::parse(text);
  if (!shard) throw UsageError(command + ": --shard expects K/N with 0 <= K < N <= 65536, such as 0/4, got '" + text + "'");
  return *shard;
}

std::string help_footer(const std::string& examples) {
  return "\nExamples:\n" + examples +
         "\nExit codes: 0 success; 1 runtime failure (an output could not be written, an input is unreadable or "
         "truncated, a collector lost records); 2 usage or configuration error. Full reference: docs/cli.md.";
}

}  // namespace flowreplay::cli
