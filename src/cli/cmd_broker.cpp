// vaultx broker --scope S: the credential broker of `exec --broker` as a
// long-running foreground process with no child. It prints, for each route
// of the scopes, the broker URL and the placeholder its clients need, then
// serves until SIGINT, SIGTERM or SIGHUP (exit 0), or until access through
// the agent is gone (`vaultx lock`, a revoked or expired grant: exit 3).
// docs/broker.md, "A long-running broker", describes it.
#include "broker_session.hpp"
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"
#include "scope_options.hpp"

#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <optional>

#include <vaultx/agent/client.hpp>
#include <vaultx/format/json.hpp>
#include <vaultx/store/fs.hpp>
#include <vaultx/store/pins.hpp>

namespace vaultx::cli {
namespace {

// The first line of every --env-file this command writes: what marks a file
// as one it may replace (a leftover of a broker that was killed).
constexpr std::string_view kEnvFileMarker = "# vaultx broker: ";

void append_text(secure::SecretBytes& out, std::string_view text) {
  out.append(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));  // NOLINT
}

// The file given with --env-file: written once the broker listens, removed
// when it stops, unless something else has replaced it meanwhile.
class EnvFile {
 public:
  explicit EnvFile(std::filesystem::path path) : path_(std::move(path)) {}
  EnvFile(const EnvFile&) = delete;
  EnvFile& operator=(const EnvFile&) = delete;
  ~EnvFile() { remove(); }

  // Errc::exists unless `path` is absent or a file an earlier broker of this user wrote.
  [[nodiscard]] Status check_replaceable() const {
    struct stat st {};
    if (::lstat(path_.c_str(), &st) != 0) {
      if (errno == ENOENT) return {};
      return Error(Errc::failure, "--env-file " + path_.string() + ": " + store::describe_errno(errno));
    }
    const Error refusal(Errc::exists, "--env-file " + path_.string() + " exists and was not written by vaultx broker",
                        "give another path, or remove the file if you no longer need it");
    if (!S_ISREG(st.st_mode) || st.st_uid != ::getuid()) return refusal;
    auto text = store::read_file(path_, 64 * 1024);
    if (!text || !text->starts_with(kEnvFileMarker)) return refusal;
    return {};
  }

  // Writes `contents` atomically, mode 0600, after the marker line.
  Status write(std::string_view lines) {
    VAULTX_TRY(check_replaceable());
    const std::string marker = std::string(kEnvFileMarker) + "written by pid " + std::to_string(::getpid()) +
                               ", removed when it stops\n";
    secure::SecretBytes text = secure::SecretBytes::copy_of(marker);
    append_text(text, lines);
    VAULTX_TRY(store::write_file_atomic(path_, text.view()));
    struct stat st {};
    if (::lstat(path_.c_str(), &st) == 0) written_ = std::make_pair(st.st_dev, st.st_ino);
    return {};
  }

  // Removes the file if it is still the one written here.
  void remove() {
    if (!written_) return;
    struct stat st {};
    if (::lstat(path_.c_str(), &st) == 0 && std::make_pair(st.st_dev, st.st_ino) == *written_) {
      if (auto st_removed = store::remove_file_durable(path_); !st_removed) {
        print_warning("cannot remove --env-file " + path_.string() + ": " + st_removed.error().message);
      }
    }
    written_.reset();
  }

 private:
  std::filesystem::path path_;
  std::optional<std::pair<dev_t, ino_t>> written_;
};

// The signals that stop the broker cleanly, blocked in every thread and
// taken with sigtimedwait; SIGPIPE is blocked too, so that a closed standard
// output is an error from write(2), not the end of the process. They stay
// blocked until the process exits: a second signal while the broker stops
// must not end it before it has removed --env-file and written its record.
struct StopSignals {
  sigset_t wait_for{};

  StopSignals() {
    sigemptyset(&wait_for);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&wait_for, sig);
    sigset_t blocked = wait_for;
    sigaddset(&blocked, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
  }

  // A stop signal, or 0 if none came within `ms`.
  int wait(long ms) const {
    const timespec tick{.tv_sec = 0, .tv_nsec = ms * 1'000'000L};
    siginfo_t info{};
    const int sig = ::sigtimedwait(&wait_for, &info, &tick);
    return sig > 0 ? sig : 0;
  }
};

std::string signal_name(int sig) {
  switch (sig) {
    case SIGINT: return "INT";
    case SIGTERM: return "TERM";
    case SIGHUP: return "HUP";
    default: return std::to_string(sig);
  }
}


class BrokerCommand final : public Command {
 public:
  std::string name() const override { return "broker"; }
  std::string summary() const override {
    return "Serve a scope's [broker.routes] until stopped, printing each route's URL and placeholder";
  }
  std::string group() const override { return "Scopes"; }

  void define(CLI::App& app) override {
    scopes_.define(app);
    app.add_option("--env-file", env_file_, "Also write the variables to FILE (mode 0600), removed when the broker "
                                            "stops")
        ->type_name("FILE");
    app.add_flag("--json", json_, "Print one JSON object instead of NAME=value lines");
  }

  Result<int> run(Context& ctx) override {
    std::optional<EnvFile> env_file;
    if (!env_file_.empty()) {
      env_file.emplace(std::filesystem::absolute(env_file_));
      VAULTX_TRY(env_file->check_replaceable());
    }
    event_ = audit::AuditEvent{.op = "broker-start", .scopes = scopes_.names};
    VAULTX_ASSIGN(auto store, ctx.record_if_failed(event_, ctx.open_store()));
    VAULTX_ASSIGN(auto config, ctx.record_if_failed(event_, scopes_.load(ctx, store)));
    store::PinStore pin_store(ctx.state_dir(), store.header().store_id);
    VAULTX_ASSIGN(auto pins, ctx.record_if_failed(event_, pin_store.load()));
    VAULTX_TRY(ctx.record_if_failed(event_, check_unbound(config, pins)));
    VAULTX_TRY(ctx.record_if_failed(event_, check_variables(config)));
    VAULTX_ASSIGN(auto vault, ctx.unlock(event_));
    VAULTX_TRY(ctx.record_if_failed(event_, scopes_.check_access(*vault)));
    std::unique_ptr<BrokerSession> session;
    std::optional<StopSignals> signals;
    {
      // Every secret of the scopes is decrypted (as exec does); only the
      // routes' ones are kept, by the broker, once this block ends.
      VAULTX_ASSIGN(auto secrets,
                    ctx.record_if_failed(event_, agent::load_scope_secrets(*vault, config, scopes_.names)));
      for (const auto& s : secrets) event_.names.push_back(s.secret_name);
      VAULTX_ASSIGN(auto routes, ctx.record_if_failed(event_, broker_routes(config, scopes_.names, secrets)));
      signals.emplace();  // before the broker's threads exist: they inherit the mask
      VAULTX_ASSIGN(session, ctx.record_if_failed(event_, BrokerSession::start(ctx, *vault, std::move(routes))));
    }
    session->record(event_);

    const secure::SecretBytes lines = dotenv_lines(*session);
    if (env_file) {
      if (auto written = env_file->write(lines.view()); !written) {
        return stop(*session, "cannot write --env-file", written.error());
      }
    }
    const secure::SecretBytes out = json_ ? json_object(*session) : secure::SecretBytes::copy_of(lines.span());
    if (auto printed = write_stdout(out.view()); !printed) {
      if (!env_file) return stop(*session, "cannot write to standard output", printed.error());
      print_warning(printed.error().message + "; the variables are in --env-file " + env_file_);
    }
    print_note(listening_note(*session));

    int sig = 0;
    while (sig == 0 && !session->access_lost()) sig = signals->wait(100);
    session->stop();
    if (env_file) env_file->remove();
    if (sig != 0) {
      finish(*session, format::AuditOutcome::ok, "signal " + signal_name(sig), 0);
      print_note("broker stopped (SIG" + signal_name(sig) + ")");
      return 0;
    }
    finish(*session, format::AuditOutcome::denied, "access revoked", 3);
    return Error(Errc::unlock,
                 "access through the agent is gone (vaultx lock, a revoked or expired grant, or the agent stopped): "
                 "every connection was closed and the broker stopped",
                 "unlock the agent ('vaultx unlock') or get a new grant ('vaultx agent grant --scope " +
                     scopes_.names.front() + "'), then start 'vaultx broker' again");
  }

 private:
  // A scope bound to programs (`commands`, or pins on this machine) is for
  // those programs only; with no child there is no program to check, and
  // whoever reads the placeholder could use the credential.
  Status check_unbound(const config::Config& config, const std::vector<format::CommandPin>& pins) const {
    for (const auto& scope : scopes_.names) {
      const bool pinned = std::any_of(pins.begin(), pins.end(), [&](const auto& p) { return p.scope == scope; });
      if (config.scopes.at(scope).commands.empty() && !pinned) continue;
      return Error(Errc::denied,
                   "scope " + scope + " may be given only to some programs (" +
                       (pinned ? "pins on this machine" : "its commands in " + config.source) +
                       "), and vaultx broker runs none to check",
                   "run the program through the broker with 'vaultx exec --scope " + scope +
                       " --broker -- PROGRAM', or serve a scope that is not bound to programs");
    }
    return {};
  }

  // Two routes of the scopes may not print the same variable (routes of one
  // scope cannot: vaultx.toml is checked for that).
  Status check_variables(const config::Config& config) const {
    std::vector<std::pair<std::string, std::string>> seen;  // variable, route
    for (const auto& r : config.routes) {
      if (std::find(scopes_.names.begin(), scopes_.names.end(), r.scope) == scopes_.names.end()) continue;
      for (const auto& variable : {r.base_url_env, r.placeholder_env}) {
        for (const auto& [v, route] : seen) {
          if (v != variable) continue;
          return Error(Errc::usage,
                       config.source + ": routes " + route + " and " + r.name + " both set " + variable,
                       "give one of them another base_url_env or placeholder_env, or serve their scopes apart");
        }
        seen.emplace_back(variable, r.name);
      }
    }
    return {};
  }

  // NAME=value, one a line, unquoted: URLs and placeholders are letters,
  // digits and ':/._' only, which every dotenv reader and sh take as they are.
  static secure::SecretBytes dotenv_lines(const BrokerSession& session) {
    secure::SecretBytes out(0);
    for (const auto& v : session.variables()) {
      append_text(out, v.name);
      append_text(out, "=");
      out.append(v.value.span());
      append_text(out, "\n");
    }
    return out;
  }

  // {"pid":N,"env":{NAME:value,...},"routes":[{"name","scope","upstream","url","base_url_env","placeholder_env"}]}
  static secure::SecretBytes json_object(const BrokerSession& session) {
    secure::SecretBytes out(0);
    append_text(out, "{\"pid\":" + std::to_string(::getpid()) + ",\"env\":{");
    bool first = true;
    for (const auto& v : session.variables()) {
      append_text(out, (first ? "" : ",") + format::json_string(v.name) + ":\"");
      out.append(v.value.span());  // letters, digits and ':/._': nothing to escape
      append_text(out, "\"");
      first = false;
    }
    append_text(out, "},\"routes\":[");
    first = true;
    for (const auto& r : session.routes()) {
      append_text(out, std::string(first ? "" : ",") + "{\"name\":" + format::json_string(r.name) +
                           ",\"scope\":" + format::json_string(r.scope) + ",\"upstream\":" +
                           format::json_string(r.upstream) + ",\"url\":" + format::json_string(r.url) +
                           ",\"base_url_env\":" + format::json_string(r.base_url_env) +
                           ",\"placeholder_env\":" + format::json_string(r.placeholder_env) + "}");
      first = false;
    }
    append_text(out, "]}\n");
    return out;
  }

  static std::string listening_note(const BrokerSession& session) {
    std::string routes;
    for (const auto& r : session.routes()) routes += (routes.empty() ? "" : ", ") + r.name + " -> " + r.upstream;
    const std::string url = session.routes().front().url;
    return "broker listening on " + url.substr(0, url.rfind('/')) + " (" + routes + "); stop it with Ctrl-C or SIGTERM";
  }

  // The broker-stop record, after the broker's last request records.
  void finish(BrokerSession& session, format::AuditOutcome outcome, const std::string& reason, int status) {
    session.record(audit::AuditEvent{.op = "broker-stop",
                                     .outcome = outcome,
                                     .reason = reason,
                                     .scopes = scopes_.names,
                                     .names = session.brokered(),
                                     .status = status});
  }

  // A failure once the broker was listening: it stops, and the failure is recorded.
  Result<int> stop(BrokerSession& session, const std::string& reason, Error error) {
    session.stop();
    finish(session, format::AuditOutcome::failed, reason, exit_code_for_errc(error.code));
    return error;
  }

  ScopeOptions scopes_;
  std::string env_file_;
  bool json_ = false;
  audit::AuditEvent event_;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::BrokerCommand)
