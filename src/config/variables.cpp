#include <vaultx/config/variables.hpp>

#include <algorithm>
#include <iterator>

namespace vaultx::config {

namespace {

// Whole families: the dynamic loader (LD_*, and DYLD_* for macOS builds),
// bash exported functions, git configuration injected through the
// environment (GIT_CONFIG, GIT_CONFIG_GLOBAL, GIT_CONFIG_KEY_0, ... can set
// core.pager or core.sshCommand), Python (PYTHONWARNINGS and
// PYTHONBREAKPOINT import modules too, not only PYTHONPATH) and vaultx's own.
constexpr std::string_view kDangerousPrefixes[] = {
    "LD_", "DYLD_", "BASH_FUNC_", "GIT_CONFIG", "PYTHON", "VAULTX_",
};

constexpr std::string_view kDangerousNames[] = {
    "BASHOPTS",          // shell options of bash children
    "BASH_ENV",          // file bash sources before a script
    "BROWSER",           // program run by xdg-open, python webbrowser, ...
    "CDPATH",            // changes what `cd` in a script reaches
    "CLASSPATH",         // where Java loads classes from
    "EDITOR",            // program run by git, crontab, ...
    "ENV",               // file sh/dash source at start
    "GCONV_PATH",        // glibc loads iconv modules from here
    "GETCONF_DIR",       // glibc unsafe-for-setuid list
    "GIT_ASKPASS",       // program git runs for credentials
    "GIT_EDITOR",        // program git runs
    "GIT_EXEC_PATH",     // where git finds its subcommands
    "GIT_EXTERNAL_DIFF", // program git runs for diffs
    "GIT_PAGER",         // program git runs
    "GIT_PROXY_COMMAND", // program git runs for git:// connections
    "GIT_SSH",           // program git runs instead of ssh
    "GIT_SSH_COMMAND",   // command git runs instead of ssh
    "GIT_TEMPLATE_DIR",  // hooks copied into new repositories
    "GLIBC_TUNABLES",    // glibc behaviour (and its CVE history)
    "HOME",              // where dotfiles (.bashrc, .gitconfig, ...) are read
    "HOSTALIASES",       // redirects host name lookups
    "IFS",               // word splitting in shell scripts
    "JAVA_TOOL_OPTIONS", // JVM options (-javaagent loads code)
    "JDK_JAVA_OPTIONS",  // JVM options
    "LESSCLOSE",         // command less runs
    "LESSOPEN",          // command less runs on every file
    "LOCALDOMAIN",       // changes name resolution
    "LOCPATH",           // glibc locale data location
    "MALLOC_TRACE",      // glibc writes a trace to this file
    "MANPAGER",          // program man runs
    "NIS_PATH",          // glibc unsafe-for-setuid list
    "NLSPATH",           // message catalogues location
    "NODE_OPTIONS",      // node options (--require loads code)
    "NODE_PATH",         // where node loads modules from
    "PAGER",             // program many tools run
    "PATH",              // which program a name runs
    "PERL5DB",           // perl debugger code
    "PERL5LIB",          // where perl loads modules from
    "PERL5OPT",          // perl options (-M loads code)
    "PERLLIB",           // where perl loads modules from
    "PROMPT_COMMAND",    // command bash runs before each prompt
    "PS4",               // expanded (and so can run commands) under set -x
    "RESOLV_HOST_CONF",  // glibc resolver configuration file
    "RES_OPTIONS",       // resolver options
    "RUBYLIB",           // where ruby loads code from
    "RUBYOPT",           // ruby options (-r loads code)
    "SHELL",             // shell that make, editors, ... run commands with
    "SHELLOPTS",         // shell options of bash children
    "SSH_ASKPASS",       // program ssh runs for credentials
    "TMPDIR",            // where temporary files go (glibc unsafe-for-setuid list)
    "TZDIR",             // glibc unsafe-for-setuid list
    "VISUAL",            // program run by git, crontab, ...
    "XDG_CONFIG_DIRS",   // where configuration is read
    "XDG_CONFIG_HOME",   // where configuration is read
    "ZDOTDIR",           // where zsh reads its startup files
    "_JAVA_OPTIONS",     // JVM options
};

}  // namespace

bool is_valid_variable_name(std::string_view name) {
  if (name.empty()) return false;
  const auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(name[0])) return false;
  return std::all_of(name.begin() + 1, name.end(), [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

bool is_reserved_variable(std::string_view name) { return name.substr(0, 7) == "VAULTX_"; }

bool is_dangerous_variable(std::string_view name) {
  for (std::string_view prefix : kDangerousPrefixes) {
    if (name.substr(0, prefix.size()) == prefix) return true;
  }
  return std::find(std::begin(kDangerousNames), std::end(kDangerousNames), name) != std::end(kDangerousNames);
}

}  // namespace vaultx::config
