// SPDX-License-Identifier: MIT
// flowreplay: synthesize, replay and meter network traffic at packet level.
// Exit codes: 0 success, 1 runtime failure (I/O, unreachable collector), 2 usage or config error.
#include <csignal>
#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "flowreplay/core/errors.hpp"
#include "flowreplay/version.hpp"

int main(int argc, char** argv) {
  // A closed pipe must come back as EPIPE from write(), reported with exit code 1, not kill us.
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"flowreplay " FLOWREPLAY_VERSION
               ": synthesize network traffic into nanosecond pcapng, replay it, and meter captures.\n"
               "Run 'flowreplay COMMAND --help' for a command's options; docs/cli.md has them all."};
  app.set_version_flag("--version", "flowreplay " FLOWREPLAY_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);
  const flowreplay::cli::Runner gen = flowreplay::cli::add_gen(app);
  const flowreplay::cli::Runner features = flowreplay::cli::add_features(app);
  const flowreplay::cli::Runner export_records = flowreplay::cli::add_export(app);
  const flowreplay::cli::Runner profile = flowreplay::cli::add_profile(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  try {
    if (app.got_subcommand("gen")) return gen();
    if (app.got_subcommand("features")) return features();
    if (app.got_subcommand("export")) return export_records();
    if (app.got_subcommand("profile")) return profile();
  } catch (const flowreplay::ConfigError& e) {
    std::fprintf(stderr, "flowreplay: config error: %s\n", e.what());
    return 2;
  } catch (const flowreplay::UsageError& e) {
    std::fprintf(stderr, "flowreplay: %s\n", e.what());
    return 2;
  } catch (const flowreplay::IoError& e) {
    std::fprintf(stderr, "flowreplay: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "flowreplay: error: %s\n", e.what());
    return 1;
  }
  return 2;
}
