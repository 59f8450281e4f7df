// vaultx entry point: harden the process, build the command tree from the
// registry, run one command, and turn its outcome into an exit code.
#include <algorithm>
#include <iostream>

#include <vaultx/secure/hardening.hpp>
#include <vaultx/version.hpp>

#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

namespace {

using vaultx::cli::Command;

int usage_error(const std::string& message, const std::string& hint) {
  vaultx::cli::print_error(vaultx::Error(vaultx::Errc::usage, message, hint));
  return 2;
}

// The name of an unknown long option ("--name", without any "=value"), or ""
// if `arg` does not look like one. Only such names are echoed back.
std::string unknown_option_name(const std::string& arg) {
  const std::string name = arg.substr(0, arg.find('='));
  if (name.size() < 3 || name.size() > 64 || !name.starts_with("--")) return {};
  for (char c : name.substr(2)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return {};
  }
  return name;
}

// CLI11 quotes unexpected arguments back; they may be a value typed on the
// command line by mistake, so they are never echoed (an option's name is).
int report_parse_error(const CLI::ParseError& e, const CLI::App& app, const CLI::App* chosen) {
  const std::string where = chosen != nullptr ? "vaultx " + chosen->get_name() : "vaultx";
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    const auto extras = app.remaining(true);  // with fallthrough, a subcommand's extras land here
    const std::string first = extras.empty() ? std::string() : extras.front();
    if (const auto option = unknown_option_name(first); !option.empty()) {
      return usage_error("unknown option '" + option + "' for '" + where + "'", "see '" + where + " --help'");
    }
    if (chosen == nullptr) {
      return usage_error("unknown command '" + first + "'", "run 'vaultx help' for the list of commands");
    }
    return usage_error("unexpected extra argument(s) to '" + where + "' (not shown, in case they are secrets)",
                       "values are read from stdin or a prompt, never from the command line; see '" + where +
                           " --help'");
  }
  return usage_error(e.what(), "see '" + where + " --help'");
}

// `vaultx exec ... -- CMD ARGS`: the words after `--` go to the child exactly
// as typed. CLI11 would otherwise re-split some of them (it reads "[a,b]" as
// a list), so they are cut off before parsing. Returns the index of that
// `--`, or argc if the command is not exec or has none.
// The index of the command word: the first word after the global options
// (argc if there is none).
int command_index(int argc, char** argv) {
  int i = 1;
  while (i < argc && argv[i][0] == '-') {
    i += std::string_view(argv[i]) == "--store" ? 2 : 1;
  }
  return std::min(i, argc);
}

int exec_separator(int argc, char** argv) {
  const int i = command_index(argc, argv);
  if (i >= argc) return argc;
  // `vaultx git ARGS...`: every word after `git` is git's, options included.
  if (std::string_view(argv[i]) == "git") return i + 1;
  if (std::string_view(argv[i]) != "exec") return argc;
  for (int j = i + 1; j < argc; ++j) {
    if (std::string_view(argv[j]) == "--") return j;
  }
  return argc;
}

}  // namespace

int main(int argc, char** argv) {
  if (auto st = vaultx::secure::initialize_sodium(); !st) {
    vaultx::cli::print_error(st.error());
    return 1;
  }
  if (auto st = vaultx::secure::harden_process(); !st) {
    vaultx::cli::print_error(st.error());
    return 1;
  }

  CLI::App app{"vaultx: encrypted secrets for the command line and the agents you run", "vaultx"};
  app.require_subcommand(0, 1);
  app.fallthrough();
  app.set_help_all_flag("--help-all", "Print help for every command");
  vaultx::cli::Context ctx(app);
  app.add_option("--store", ctx.store_option, "Store directory (else VAULTX_STORE, else ~/.local/share/vaultx)")
      ->type_name("DIR");
  bool show_version = false;
  bool verbose = false;
  app.add_flag("--version", show_version, "Print the version and exit");
  app.add_flag("--verbose", verbose, "With --version: also the library versions it was built against");

  auto commands = vaultx::cli::make_all_commands();
  // Building every command's options was a third of a `get`'s instructions:
  // only the command named is defined, unless help needs them all or the
  // word is no command's name (an alias, a typo: CLI11 sorts those out).
  const int word_at = command_index(argc, argv);
  const std::string_view word = word_at < argc ? std::string_view(argv[word_at]) : std::string_view();
  const bool define_all = word.empty() || word == "help" ||
                          std::none_of(commands.begin(), commands.end(), [&](const auto& c) { return c->name() == word; });
  std::vector<std::pair<CLI::App*, Command*>> subcommands;
  for (auto& cmd : commands) {
    CLI::App* sub = app.add_subcommand(cmd->name(), cmd->summary());
    sub->group(cmd->group());
    if (define_all || cmd->name() == word) cmd->define(*sub);
    subcommands.emplace_back(sub, cmd.get());
  }

  auto chosen = [&]() -> std::pair<CLI::App*, Command*> {
    for (auto& [sub, cmd] : subcommands) {
      if (sub->parsed()) return {sub, cmd};
    }
    return {nullptr, nullptr};
  };

  int separator = exec_separator(argc, argv);
  // For git the separator is the word after `git`, which is git's own.
  const bool git_words = separator < argc && separator > 0 && std::string_view(argv[separator - 1]) == "git" &&
                         std::string_view(argv[separator]) != "--";
  for (int i = git_words ? separator : separator + 1; i < argc; ++i) ctx.command_after_separator.emplace_back(argv[i]);
  ctx.has_separator = separator < argc;
  try {
    app.parse(separator, argv);
  } catch (const CLI::CallForHelp&) {
    // `vaultx nosuchcmd --help` is a mistake, not a request for the overview.
    if (chosen().first == nullptr) {
      const auto extras = app.remaining(true);
      if (!extras.empty() && !extras.front().starts_with("-")) {
        return usage_error("unknown command '" + extras.front() + "'", "run 'vaultx help' for the list of commands");
      }
    }
    // Passing "vaultx" makes the usage line read "vaultx get ...", not "get ...".
    std::cout << (chosen().first != nullptr ? chosen().first->help("vaultx") : app.help());
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& e) {
    const int status = report_parse_error(e, app, chosen().first);
    // exec follows env(1): any failure before the child runs is its own code (125).
    const auto* cmd = chosen().second;
    return cmd != nullptr ? cmd->exit_code_for(vaultx::Error(vaultx::Errc::usage, e.what())) : status;
  }

  if (show_version) {
    std::cout << vaultx::version_text(verbose);
    return 0;
  }
  auto [sub, cmd] = chosen();
  if (cmd == nullptr) {
    std::cerr << app.help();
    return 2;
  }
  auto result = cmd->run(ctx);
  // In a store kept in git, whatever the command wrote is committed, even if
  // it failed half way: the history then shows what is on disk.
  std::string op = cmd->name();
  for (const CLI::App* nested : sub->get_subcommands()) op += " " + nested->get_name();
  auto committed = ctx.commit_changes(op);
  if (!result) {
    vaultx::cli::print_error(result.error());
    if (!committed) vaultx::cli::print_error(committed.error());
    return cmd->exit_code_for(result.error());
  }
  if (!committed) {
    vaultx::cli::print_error(committed.error());
    return *result == 0 ? 1 : *result;
  }
  return *result;
}
