// vaultx agent: a daemon that holds the store's keys after `vaultx unlock` and
// hands out narrow, revocable capabilities.
//   vaultx agent start [--timeout 15m] [--max-lifetime 8h] [--foreground]
//   vaultx agent stop
//   vaultx agent status [--json]
//   vaultx agent grant --scope S [--ttl 1h] [--uses N] [--rate 60/min]
//   vaultx agent revoke TOKEN|TOKEN-ID|-  |  --all
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <iostream>

#include <vaultx/agent/server.hpp>
#include <vaultx/crypto/aead.hpp>
#include <vaultx/format/encoding.hpp>
#include <vaultx/format/json.hpp>
#include <vaultx/format/units.hpp>
#include <vaultx/secure/environment.hpp>
#include <vaultx/secure/hardening.hpp>

namespace vaultx::cli {
namespace {

// 'text' for a POSIX shell: single-quoted, with ' written as '\''.
std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Result<std::int64_t> positive_duration(const std::string& text, const char* option) {
  const auto seconds = format::parse_duration(text);
  if (!seconds || *seconds <= 0) {
    return Error(Errc::usage, std::string(option) + " '" + text + "' is not a duration",
                 "write it with an s, m, h or d suffix: 30s, 15m, 8h, 7d");
  }
  return *seconds;
}

// "1h05m", "42s": a duration for people.
std::string human_duration(std::uint64_t s) {
  if (s >= 86400) return std::to_string(s / 86400) + "d" + (s % 86400 >= 3600 ? std::to_string(s % 86400 / 3600) + "h" : "");
  if (s >= 3600) return std::to_string(s / 3600) + "h" + (s % 3600 >= 60 ? std::to_string(s % 3600 / 60) + "m" : "");
  if (s >= 60) return std::to_string(s / 60) + "m" + (s % 60 != 0 ? std::to_string(s % 60) + "s" : "");
  return std::to_string(s) + "s";
}

std::string json_opt(const std::optional<std::uint64_t>& v) { return v ? std::to_string(*v) : "null"; }

class AgentCommand final : public Command {
 public:
  std::string name() const override { return "agent"; }
  std::string summary() const override {
    return "Run the unlock agent: start, stop, status; grant and revoke scoped tokens";
  }
  std::string group() const override { return "Agent"; }

  void define(CLI::App& app) override {
    start_ = app.add_subcommand("start", "Start an agent for the store; prints the variables to eval");
    start_->add_option("--timeout", timeout_, "Lock after this long without a request (default 15m)")
        ->type_name("DURATION");
    start_->add_option("--max-lifetime", max_lifetime_, "Lock this long after unlocking, in any case (default 8h)")
        ->type_name("DURATION");
    start_->add_flag("--foreground", foreground_, "Stay in the foreground (for tests and service managers)");
    stop_ = app.add_subcommand("stop", "Stop the agent of VAULTX_AGENT_SOCK; its keys and grants are forgotten");
    status_ = app.add_subcommand("status", "Locked or not, time left, live grants");
    status_->add_flag("--json", json_, "One JSON object");
    grant_ = app.add_subcommand("grant", "Print a token that may read only the given scopes through the agent");
    grant_->add_option("-s,--scope", scopes_, "Scope the token may read (repeatable)")
        ->required()
        ->allow_extra_args(false)
        ->type_name("SCOPE");
    grant_->add_option("--ttl", ttl_, "How long the token lives (default 1h)")->type_name("DURATION");
    grant_->add_option("--uses", uses_, "How many reads it allows (default: no limit)")->type_name("N");
    grant_->add_option("--rate", rate_, "At most N reads per s, min, h or d, e.g. 60/min")->type_name("N/UNIT");
    revoke_ = app.add_subcommand("revoke", "Revoke a token (or its id, or '-' to read it from stdin), or --all");
    revoke_->add_option("TOKEN", revoke_target_, "The token, its id (tok-...), or - for stdin");
    revoke_->add_flag("--all", revoke_all_, "Revoke every grant");
    for (auto* sub : {start_, stop_, status_, grant_, revoke_}) sub->group("Subcommands");
    app.require_subcommand(1, 1);
  }

  Result<int> run(Context& ctx) override {
    if (start_->parsed()) return start(ctx);
    VAULTX_ASSIGN(auto connection, ctx.connect_agent());
    if (stop_->parsed()) {
      VAULTX_TRY(connection.stop());
      VAULTX_TRY(write_stdout("unset VAULTX_AGENT_SOCK VAULTX_AGENT_TOKEN VAULTX_AGENT_PID;\n"));
      return 0;
    }
    if (status_->parsed()) return status(connection);
    if (grant_->parsed()) return grant(connection);
    return revoke(connection);
  }

 private:
  Result<int> start(Context& ctx) {
    VAULTX_ASSIGN(const auto idle, positive_duration(timeout_, "--timeout"));
    VAULTX_ASSIGN(const auto lifetime, positive_duration(max_lifetime_, "--max-lifetime"));
    VAULTX_ASSIGN(auto store, ctx.open_store());
    bool temporary = false;
    VAULTX_ASSIGN(const auto dir, agent::make_socket_directory(temporary));
    std::array<std::uint8_t, 6> tag{};
    crypto::random_fill(tag);
    const fs::path socket = dir / ("agent-" + format::hex_encode(tag) + ".sock");
    VAULTX_ASSIGN(auto listener, agent::listen_unix(socket));

    agent::AgentOptions options;
    options.state_dir = ctx.state_dir();
    options.socket_path = socket;
    if (temporary) options.socket_directory = dir;
    options.idle_timeout_seconds = idle;
    options.max_lifetime_seconds = lifetime;
    options.foreground = foreground_;
    agent::GrantTable grants;
    auto owner = grants.issue_owner();

    pid_t pid = ::getpid();
    if (!foreground_) {
      // The socket is bound before the fork: clients can connect at once.
      pid = ::fork();
      if (pid < 0) return Error(Errc::failure, "cannot start the agent: fork failed");
      if (pid == 0) become_daemon(options, std::move(store), std::move(listener), std::move(grants));
    }
    std::string out = "VAULTX_AGENT_SOCK=" + shell_quote(socket.string()) + "; export VAULTX_AGENT_SOCK;\n";
    out += "VAULTX_AGENT_TOKEN=";
    VAULTX_TRY(write_stdout(out));
    VAULTX_TRY(write_stdout(owner.token.view()));
    VAULTX_TRY(write_stdout("; export VAULTX_AGENT_TOKEN;\nVAULTX_AGENT_PID=" + std::to_string(pid) +
                            "; export VAULTX_AGENT_PID;\n"));
    if (!foreground_) return 0;
    owner = agent::Issued{};  // the agent keeps only its hash
    VAULTX_TRY(agent::run_agent(options, std::move(store), std::move(listener), std::move(grants)));
    return 0;
  }

  [[noreturn]] static void become_daemon(const agent::AgentOptions& options, store::Store store, agent::Fd listener,
                                         agent::GrantTable grants) {
    ::setsid();
    if (::chdir("/") != 0) ::_exit(1);
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
      for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);
      if (null > 2) ::close(null);
    }
    if (!secure::harden_process()) ::_exit(1);
    const auto st = agent::run_agent(options, std::move(store), std::move(listener), std::move(grants));
    ::_exit(st ? 0 : 1);
  }

  Result<int> status(agent::AgentConnection& connection) const {
    VAULTX_ASSIGN(auto st, connection.status());
    if (json_) {
      std::string out = "{\"state\": " + format::json_string(st.unlocked ? "unlocked" : "locked");
      out += ", \"pid\": " + std::to_string(st.pid) + ", \"store\": " + format::json_string(st.store_path);
      out += ", \"idle_left\": " + json_opt(st.idle_left) + ", \"lifetime_left\": " + json_opt(st.lifetime_left);
      out += ", \"grants\": [";
      bool first = true;
      for (const auto& g : st.grants) {
        out += first ? "" : ", ";
        first = false;
        out += "{\"id\": " + format::json_string(g.id) + ", \"scopes\": [";
        for (std::size_t i = 0; i < g.scopes.size(); ++i) out += (i ? ", " : "") + format::json_string(g.scopes[i]);
        out += "], \"ttl_left\": " +
               json_opt(g.ttl_left ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(*g.ttl_left))
                                   : std::nullopt);
        out += ", \"uses_left\": " + json_opt(g.uses_left);
        out += ", \"rate\": " + (g.rate ? format::json_string(agent::format_rate(*g.rate)) : std::string("null")) + "}";
      }
      out += "]}\n";
      VAULTX_TRY(write_stdout(out));
      return 0;
    }
    std::string out = "agent:  " + std::string(st.unlocked ? "unlocked" : "locked") + " (pid " +
                      std::to_string(st.pid) + ", socket " + connection.socket().string() + ")\n";
    out += "store:  " + st.store_path + "\n";
    if (st.idle_left && st.lifetime_left) {
      out += "locks:  in " + human_duration(std::min(*st.idle_left, *st.lifetime_left)) + " (idle timeout in " +
             human_duration(*st.idle_left) + ", maximum lifetime in " + human_duration(*st.lifetime_left) + ")\n";
    }
    out += "grants: " + std::to_string(st.grants.size()) + (connection.has_token() ? "" : " (shown to the owner only)") +
           "\n";
    for (const auto& g : st.grants) {
      std::string scopes;
      for (const auto& s : g.scopes) scopes += (scopes.empty() ? "" : ",") + s;
      out += "  " + g.id + "  scope " + scopes;
      out += "  expires " + (g.ttl_left ? "in " + human_duration(static_cast<std::uint64_t>(*g.ttl_left)) : "never");
      out += "  uses " + (g.uses_left ? std::to_string(*g.uses_left) + " left" : std::string("unlimited"));
      out += "  rate " + (g.rate ? agent::format_rate(*g.rate) : std::string("unlimited")) + "\n";
    }
    VAULTX_TRY(write_stdout(out));
    return 0;
  }

  Result<int> grant(agent::AgentConnection& connection) const {
    agent::GrantSpec spec;
    spec.scopes = scopes_;
    VAULTX_ASSIGN(spec.ttl_seconds, positive_duration(ttl_, "--ttl"));
    if (!uses_.empty()) {
      const auto uses = format::parse_decimal(uses_);
      if (!uses || *uses == 0) return Error(Errc::usage, "--uses '" + uses_ + "' is not a positive number");
      spec.uses = *uses;
    }
    if (!rate_.empty()) {
      const auto rate = agent::parse_rate(rate_);
      if (!rate) {
        return Error(Errc::usage, "--rate '" + rate_ + "' is not a rate", "write it as N/UNIT: 60/min, 5/s, 1000/h, 10000/d");
      }
      spec.rate = *rate;
    }
    VAULTX_ASSIGN(auto issued, connection.grant(spec));
    VAULTX_TRY(write_stdout(issued.token.view()));
    VAULTX_TRY(write_stdout("\n"));
    std::cerr << "vaultx: granted " << issued.id << " (revoke it with 'vaultx agent revoke " << issued.id << "')\n";
    return 0;
  }

  Result<int> revoke(agent::AgentConnection& connection) {
    if (revoke_all_ == !revoke_target_.empty()) {
      return Error(Errc::usage, "give one token (or its id) or --all", "vaultx agent revoke tok-... | --all");
    }
    std::optional<std::string> id;
    if (!revoke_all_) {
      VAULTX_ASSIGN(id, token_id_of(revoke_target_));
    }
    VAULTX_ASSIGN(const auto count, connection.revoke(id));
    std::cerr << "vaultx: revoked " << count << (count == 1 ? " grant\n" : " grants\n");
    return 0;
  }

  // The id of a token given as its id, as the token itself, or on stdin ("-").
  static Result<std::string> token_id_of(const std::string& given) {
    if (format::is_agent_token_id(given)) return given;
    std::optional<secure::SecretBytes> text;
    if (given == "-") {
      VAULTX_ASSIGN(auto input, secure::read_secret_fd(STDIN_FILENO, 4096, "the token on stdin"));
      secure::strip_one_newline(input);
      text = std::move(input);
    } else {
      text = secure::SecretBytes::copy_of(given);
    }
    const auto raw = format::decode_agent_token(text->view());
    if (!raw) {
      return Error(Errc::usage, "that is not a token (vxtok1_...) nor a token id (tok-...)",
                   "see the ids with 'vaultx agent status'");
    }
    return format::agent_token_id(raw->span());
  }

  CLI::App* start_ = nullptr;
  CLI::App* stop_ = nullptr;
  CLI::App* status_ = nullptr;
  CLI::App* grant_ = nullptr;
  CLI::App* revoke_ = nullptr;
  std::string timeout_ = "15m";
  std::string max_lifetime_ = "8h";
  bool foreground_ = false;
  bool json_ = false;
  std::vector<std::string> scopes_;
  std::string ttl_ = "1h";
  std::string uses_;
  std::string rate_;
  std::string revoke_target_;
  bool revoke_all_ = false;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::AgentCommand)
