#include <vaultx/format/trust.hpp>

#include <algorithm>

#include <vaultx/format/encoding.hpp>

namespace vaultx::format {

std::string encode_master_pin(const MasterPin& pin) {
  FieldWriter w(kMasterPinMagic);
  w.id("store", pin.store_id);
  w.field("commitment", base64_encode(pin.commitment));
  return w.take();
}

Result<MasterPin> decode_master_pin(std::string_view bytes) {
  if (bytes.size() > 1024) return Error(Errc::integrity, "file is larger than any pin");
  FieldReader r(bytes);
  MasterPin pin;
  VAULTX_TRY(r.expect_line(kMasterPinMagic));
  VAULTX_ASSIGN(pin.store_id, r.expect_id("store"));
  VAULTX_ASSIGN(auto raw, r.expect_base64("commitment", pin.commitment.size(), pin.commitment.size()));
  std::copy(raw.begin(), raw.end(), pin.commitment.begin());
  VAULTX_TRY(r.expect_end());
  return pin;
}

std::string encode_location_pin(const StoreId& store_id) {
  FieldWriter w(kLocationPinMagic);
  w.id("store", store_id);
  return w.take();
}

Result<StoreId> decode_location_pin(std::string_view bytes) {
  if (bytes.size() > 1024) return Error(Errc::integrity, "file is larger than any pin");
  FieldReader r(bytes);
  VAULTX_TRY(r.expect_line(kLocationPinMagic));
  VAULTX_ASSIGN(auto id, r.expect_id("store"));
  VAULTX_TRY(r.expect_end());
  return id;
}

}  // namespace vaultx::format
