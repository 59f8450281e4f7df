#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <vaultx/secure/hardening.hpp>

int main(int argc, char** argv) {
  if (!vaultx::secure::initialize_sodium()) return 1;
  return Catch::Session().run(argc, argv);
}
