// Masking plan for `vaultx exec`: one redactor compiled from the injected
// values, shared (read-only) by one filter per output stream.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <vaultx/exec/scope_secrets.hpp>
#include <vaultx/exec/supervisor.hpp>

namespace vaultx::exec {

class Redactor;

class MaskingPlan {
 public:
  // Masks each value under its variable name: <redacted:OPENAI_API_KEY>.
  static MaskingPlan for_secrets(const std::vector<ScopeSecret>& secrets);

  // Variables whose values are too short to mask without masking ordinary text.
  [[nodiscard]] const std::vector<std::string>& too_short() const;
  // Null when there is nothing to mask.
  [[nodiscard]] FilterFactory factory() const;

 private:
  std::shared_ptr<const Redactor> prototype_;
  bool empty_ = true;
};

}  // namespace vaultx::exec
