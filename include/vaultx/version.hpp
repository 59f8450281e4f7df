#pragma once

#include <string>

namespace vaultx {

// "vaultx 0.1.0\n"; with `verbose`, also the libraries it was built against.
std::string version_text(bool verbose);

}  // namespace vaultx
