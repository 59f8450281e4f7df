// vaultx get NAME: print a value.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <vaultx/format/names.hpp>

namespace vaultx::cli {
namespace {

class GetCommand final : public Command {
 public:
  std::string name() const override { return "get"; }
  std::string summary() const override { return "Print a secret's value followed by a newline"; }

  void define(CLI::App& app) override {
    app.add_option("NAME", name_, "Secret name")->required();
    app.add_flag("--raw", raw_, "Print the exact stored bytes, without a trailing newline");
  }

  Result<int> run(Context& ctx) override {
    // A bad name is a usage error before any passphrase is asked for, as in set and rm.
    VAULTX_TRY(format::validate_secret_name(name_));
    VAULTX_ASSIGN(auto vault, ctx.unlock());
    VAULTX_ASSIGN(auto secret, vault.get(name_));
    VAULTX_TRY(write_stdout(secret.value.view()));
    if (!raw_) VAULTX_TRY(write_stdout("\n"));
    return 0;
  }

 private:
  std::string name_;
  bool raw_ = false;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::GetCommand)
