// What this machine remembers about a store, in the state directory (never
// in the store): the master key it last accepted (by commitment), and which
// store it found at a path. See store/trust.hpp for how they are used.
//
//   STATE/pins/<store id>.master       STATE/pins/location-<hash>.store
//   vaultx-master-pin 1                vaultx-location 1
//   store <hex>                        store <hex>
//   commitment <base64 32>
#pragma once

#include <string>

#include <vaultx/format/rekey_record.hpp>

namespace vaultx::format {

constexpr std::string_view kMasterPinMagic = "vaultx-master-pin 1";
constexpr std::string_view kLocationPinMagic = "vaultx-location 1";

struct MasterPin {
  StoreId store_id{};
  Commitment commitment{};

  friend bool operator==(const MasterPin&, const MasterPin&) = default;
};

std::string encode_master_pin(const MasterPin& pin);
Result<MasterPin> decode_master_pin(std::string_view bytes);

std::string encode_location_pin(const StoreId& store_id);
Result<StoreId> decode_location_pin(std::string_view bytes);

}  // namespace vaultx::format
