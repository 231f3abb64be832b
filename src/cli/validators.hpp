// SPDX-License-Identifier: MIT
// Checks of command-line values that CLI11's own validators let through: NaN and infinities
// (CLI::Range and CLI::PositiveNumber compare false with NaN, so they pass), and negative numbers
// given to an unsigned option (which the conversion would wrap to 2^64 - n).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "flowreplay/core/flow_key.hpp"

namespace flowreplay::cli {

// A finite number within [lo, hi].
CLI::Validator finite_range(double lo, double hi);

// A whole number without a sign, within [lo, hi].
CLI::Validator whole_range(std::uint64_t lo, std::uint64_t hi);

// --shard K/N: only the flows of shard K of N (core/flow_key.hpp's stable hash); registers the
// option, which the command reads with parse_shard.
void add_shard_option(CLI::App* app, std::string& shard);
// "K/N" with 0 <= K < N <= 65536; UsageError naming the command otherwise. Empty: every flow.
Shard parse_shard(const std::string& text, const std::string& command);

// --no-partial: write outputs under their own names from the start (io/output_file.hpp).
void add_partial_flag(CLI::App* app, bool& no_partial);

// The footer of a subcommand's --help: examples, then the exit codes every command shares.
std::string help_footer(const std::string& examples);

}  // namespace flowreplay::cli
