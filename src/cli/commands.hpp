// SPDX-License-Identifier: MIT
// The subcommands of the flowreplay executable. Each registers its options on the app and
// returns the function that runs it once the command line has parsed.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace flowreplay::cli {

using Runner = std::function<int()>;

Runner add_gen(CLI::App& app);
Runner add_features(CLI::App& app);
Runner add_export(CLI::App& app);
Runner add_profile(CLI::App& app);
Runner add_compare(CLI::App& app);
Runner add_replay(CLI::App& app);
Runner add_stats(CLI::App& app);
Runner add_fit(CLI::App& app);
Runner add_plot(CLI::App& app);

}  // namespace flowreplay::cli
