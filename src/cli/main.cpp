// SPDX-License-Identifier: MIT
// flowreplay: synthesize, replay and meter network traffic at packet level.
// Exit codes: 0 success, 1 runtime failure (I/O, unreachable collector), 2 usage or config error.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "flowreplay/core/errors.hpp"
#include "flowreplay/core/stop.hpp"
#include "flowreplay/version.hpp"

namespace {

// Levenshtein distance, for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// "unknown command 'frobnicate'", with the nearest command when one is close.
std::string unknown_command(const CLI::App& app, const std::string& given) {
  std::string list;
  std::string best;
  std::size_t best_distance = 3;  // suggest only within two edits
  for (const CLI::App* sub : app.get_subcommands({})) {
    const std::string& name = sub->get_name();
    list += (list.empty() ? "" : ", ") + name;
    const std::size_t d = edit_distance(given, name);
    if (d < best_distance || (name.rfind(given, 0) == 0 && !given.empty())) {
      best_distance = std::min(d, best_distance);
      best = name;
    }
  }
  std::string message = "unknown command '" + given + "'";
  if (!best.empty()) message += " (did you mean '" + best + "'?)";
  return message + "; commands: " + list + ". Run 'flowreplay --help'.";
}

}  // namespace

int main(int argc, char** argv) {
  // A closed pipe must come back as EPIPE from write(), reported with exit code 1, not kill us.
  std::signal(SIGPIPE, SIG_IGN);
  // SIGINT, SIGTERM, SIGHUP: finish the packet or row in hand, close every output (they keep
  // their .partial names), print the summary, exit 128 + the signal. A second one kills at once.
  struct sigaction stop {};
  stop.sa_handler = [](int sig) { flowreplay::request_stop(sig); };
  stop.sa_flags = SA_RESETHAND | SA_RESTART;
  sigemptyset(&stop.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &stop, nullptr);

  CLI::App app{"flowreplay " FLOWREPLAY_VERSION
               ": synthesize network traffic into nanosecond pcapng, replay it, and meter captures.\n"
               "Run 'flowreplay COMMAND --help' for a command's options; docs/cli.md has them all."};
  app.set_version_flag("--version", "flowreplay " FLOWREPLAY_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);
  app.footer("\nExit codes: 0 success; 1 runtime failure; 2 usage or configuration error.");
  // Every parse error is one line on stderr, as every other error is.
  app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
    std::string where;  // the subcommand being parsed, if any
    if (failed != nullptr) {
      const auto parsed = failed->get_subcommands();
      if (!parsed.empty()) where = parsed.front()->get_name();
    }
    return "flowreplay: " + (where.empty() ? std::string() : where + ": ") + e.what() + " (see 'flowreplay " +
           (where.empty() ? std::string() : where + " ") + "--help')\n";
  });
  const flowreplay::cli::Runner gen = flowreplay::cli::add_gen(app);
  const flowreplay::cli::Runner features = flowreplay::cli::add_features(app);
  const flowreplay::cli::Runner export_records = flowreplay::cli::add_export(app);
  const flowreplay::cli::Runner profile = flowreplay::cli::add_profile(app);
  const flowreplay::cli::Runner compare = flowreplay::cli::add_compare(app);
  const flowreplay::cli::Runner replay = flowreplay::cli::add_replay(app);
  const flowreplay::cli::Runner stats = flowreplay::cli::add_stats(app);
  const flowreplay::cli::Runner fit = flowreplay::cli::add_fit(app);
  const flowreplay::cli::Runner plot = flowreplay::cli::add_plot(app);

  const auto is_command = [&](const char* name) {
    for (const CLI::App* sub : app.get_subcommands({})) {
      if (sub->get_name() == name) return true;
    }
    return false;
  };
  if (argc > 1 && argv[1][0] != '-' && !is_command(argv[1])) {
    std::fprintf(stderr, "flowreplay: %s\n", unknown_command(app, argv[1]).c_str());
    return 2;
  }
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
    int code = 2;
    if (app.got_subcommand("gen")) code = gen();
    if (app.got_subcommand("features")) code = features();
    if (app.got_subcommand("export")) code = export_records();
    if (app.got_subcommand("profile")) code = profile();
    if (app.got_subcommand("compare")) code = compare();
    if (app.got_subcommand("replay")) code = replay();
    if (app.got_subcommand("stats")) code = stats();
    if (app.got_subcommand("fit")) code = fit();
    if (app.got_subcommand("plot")) code = plot();
    if (const int sig = flowreplay::stop_signal(); sig != 0) {
      const std::string name = sigabbrev_np(sig) != nullptr ? std::string("SIG") + sigabbrev_np(sig) : "a signal";
      if (app.got_subcommand("replay")) {  // it writes no files
        std::fprintf(stderr, "flowreplay: interrupted by %s\n", name.c_str());
      } else {
        std::fprintf(stderr, "flowreplay: interrupted by %s: the outputs hold what was done and keep their .partial names\n",
                     name.c_str());
      }
      return 128 + sig;
    }
    return code;
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
