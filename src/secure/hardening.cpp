#include <vaultx/secure/hardening.hpp>

#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace vaultx::secure {

Status initialize_sodium() {
  if (sodium_init() < 0) {
    return Error(Errc::failure, "libsodium could not be initialised (no system randomness?)");
  }
  return {};
}

Status harden_process() {
  const rlimit no_core{0, 0};
  if (setrlimit(RLIMIT_CORE, &no_core) != 0) {
    return Error(Errc::failure, std::string("cannot disable core dumps: ") + std::strerror(errno));
  }
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    return Error(Errc::failure, std::string("cannot mark the process non-dumpable: ") + std::strerror(errno));
  }
  umask(077);
  return {};
}

}  // namespace vaultx::secure
