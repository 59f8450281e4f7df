#include <vaultx/exec/masking.hpp>

#include <vaultx/exec/redactor.hpp>

namespace vaultx::exec {

namespace {
class RedactingFilter final : public OutputFilter {
 public:
  explicit RedactingFilter(Redactor redactor) : redactor_(std::move(redactor)) {}
  void feed(ByteView chunk, Bytes& out) override { redactor_.feed(chunk, out); }
  void finish(Bytes& out) override { redactor_.finish(out); }

 private:
  Redactor redactor_;
};
}  // namespace

MaskingPlan MaskingPlan::for_secrets(const std::vector<ScopeSecret>& secrets) {
  std::vector<MaskedValue> values;
  values.reserve(secrets.size());
  for (const auto& s : secrets) values.push_back({s.variable, s.value.span()});
  MaskingPlan plan;
  plan.prototype_ = std::make_shared<const Redactor>(values);
  plan.empty_ = plan.prototype_->form_count() == 0;
  return plan;
}

const std::vector<std::string>& MaskingPlan::too_short() const { return prototype_->skipped_names(); }

FilterFactory MaskingPlan::factory() const {
  if (empty_) return nullptr;
  auto prototype = prototype_;
  return [prototype]() -> std::unique_ptr<OutputFilter> {
    return std::make_unique<RedactingFilter>(prototype->new_stream());
  };
}

}  // namespace vaultx::exec
