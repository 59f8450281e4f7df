# Every dependency comes from a Debian 12 package; nothing is downloaded.
# A missing one stops configuration with the package to install.
find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "pkg-config not found: install the Debian package 'pkg-config'")
endif()

macro(vaultx_require_pkg target module debian_package)
  pkg_check_modules(${target} QUIET IMPORTED_TARGET ${module})
  if(NOT ${target}_FOUND)
    message(FATAL_ERROR "${module} not found: install the Debian package '${debian_package}' "
                        "(sudo apt-get install ${debian_package})")
  endif()
endmacro()

vaultx_require_pkg(SODIUM libsodium libsodium-dev)
vaultx_require_pkg(ARGON2 libargon2 libargon2-dev)
vaultx_require_pkg(TOMLPP tomlplusplus libtomlplusplus-dev)

# Process start is most of a `vaultx get`: each shared library costs the
# dynamic loader a few hundred page faults of symbol lookups and relocations
# (docs/benchmarks.md). So by default OpenSSL (used by the broker only, and
# the largest), toml++ and the C++ runtime are linked into the binary, from
# the archives of the same Debian -dev packages. glibc, libsodium and
# libargon2 stay shared: libsodium's archive defines argon2_ctx and other
# names of libargon2's with a different context layout, and which one a
# static link picks would depend on the link order.
# The price: a security update of OpenSSL reaches vaultx only when it is
# rebuilt; `vaultx --version` lists the package versions built in.
# The sanitizer builds keep every library shared.
if(VAULTX_BUILD_FUZZERS OR VAULTX_SANITIZE)
  set(vaultx_static_default OFF)
else()
  set(vaultx_static_default ON)
endif()
option(VAULTX_STATIC_DEPS "Link OpenSSL, toml++ and libstdc++ statically (faster start)" ${vaultx_static_default})
if(VAULTX_STATIC_DEPS)
  set(OPENSSL_USE_STATIC_LIBS TRUE)
endif()
find_package(Threads REQUIRED)

find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp)
if(NOT CLI11_INCLUDE_DIR)
  message(FATAL_ERROR "CLI11 not found: install the Debian package 'libcli11-dev'")
endif()
add_library(vaultx_cli11 INTERFACE)
target_include_directories(vaultx_cli11 SYSTEM INTERFACE ${CLI11_INCLUDE_DIR})

if(VAULTX_BUILD_TESTS)
  find_package(Catch2 2 QUIET)
  if(NOT Catch2_FOUND)
    message(FATAL_ERROR "Catch2 v2 not found: install the Debian package 'catch2'")
  endif()
  find_package(Python3 COMPONENTS Interpreter QUIET)
  if(NOT Python3_FOUND)
    message(FATAL_ERROR "python3 not found (end-to-end tests): install the Debian package 'python3'")
  endif()
endif()

# The credential broker (exec --broker): Boost.Beast/Asio, header-only, and OpenSSL.
find_package(Boost 1.74 QUIET)
if(NOT Boost_FOUND)
  message(FATAL_ERROR "Boost (1.74 or later) not found: install the Debian package 'libboost-dev'")
endif()
find_package(OpenSSL QUIET)
if(NOT OPENSSL_FOUND)
  message(FATAL_ERROR "OpenSSL not found: install the Debian package 'libssl-dev'")
endif()
