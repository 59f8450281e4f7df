// Fills an existing store with many secrets in one process, for bench/compare:
// the same Vault::put that `vaultx set` calls (same files, same encryption,
// same fsyncs), but one unlock for all of them instead of one Argon2id and
// one process per secret. No audit record is written: filling is set-up, not
// something the benchmark measures.
//
//   store_fill STORE < LIST      (passphrase in VAULTX_PASSPHRASE_FILE)
//
// LIST has one secret a line: NAME, one space, VALUE (the rest of the line).
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <vaultx/secure/environment.hpp>
#include <vaultx/secure/hardening.hpp>
#include <vaultx/store/store.hpp>

using namespace vaultx;

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "store_fill: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return fail("usage: store_fill STORE < LIST");
  if (!secure::initialize_sodium()) return fail("libsodium did not initialise");
  const char* file = std::getenv("VAULTX_PASSPHRASE_FILE");
  if (file == nullptr) return fail("set VAULTX_PASSPHRASE_FILE");
  auto passphrase = secure::read_passphrase_file(file);
  if (!passphrase) return fail(passphrase.error().message);
  auto store = store::Store::open(argv[1]);
  if (!store) return fail(store.error().message);
  auto vault = store->unlock_with_passphrase(*passphrase);
  if (!vault) return fail(vault.error().message);
  std::string line;
  while (std::getline(std::cin, line)) {
    const auto space = line.find(' ');
    if (space == std::string::npos) return fail("a line without a space in the list");
    const std::string name = line.substr(0, space);
    const auto value = secure::SecretBytes::copy_of(std::string_view(line).substr(space + 1));
    auto put = vault->put(name, value, store::PutOptions{});
    if (!put) return fail(name + ": " + put.error().message);
  }
  return 0;
}
