// vaultx lock: make the agent (VAULTX_AGENT_SOCK) forget every key at once.
// Needs no token: anyone of the agent's user may lock it.
#include "command.hpp"
#include "context.hpp"

namespace vaultx::cli {
namespace {

class LockCommand final : public Command {
 public:
  std::string name() const override { return "lock"; }
  std::string summary() const override { return "Make the agent forget every key at once"; }
  std::string group() const override { return "Agent"; }

  void define(CLI::App&) override {}

  Result<int> run(Context& ctx) override {
    VAULTX_ASSIGN(auto connection, ctx.connect_agent());
    VAULTX_TRY(connection.lock());
    return 0;
  }
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::LockCommand)
