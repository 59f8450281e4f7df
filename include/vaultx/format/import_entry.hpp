// What the import parsers (dotenv, JSON) give back: one key and its value,
// with the line it was found on for messages.
#pragma once

#include <cstddef>
#include <string>

#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::format {

struct ImportedEntry {
  std::string key;             // as written in the file (JSON: nested keys joined by '/')
  secure::SecretBytes value;   // exactly what the reference parser reads
  std::size_t line = 0;        // 1-based line of the key
};

}  // namespace vaultx::format
