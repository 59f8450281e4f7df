# Warnings are errors for vaultx's own code; dependencies are included as SYSTEM.
add_library(vaultx_warnings INTERFACE)
target_compile_options(vaultx_warnings INTERFACE -Wall -Wextra -Werror -Wshadow -Wconversion
                       -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
                       -Wimplicit-fallthrough -Wformat=2)

# Release hardening: stack protector, fortify, stack clash, CET, full RELRO, PIE.
add_library(vaultx_hardening INTERFACE)
target_compile_options(vaultx_hardening INTERFACE -fstack-protector-strong -fstack-clash-protection
                       -fcf-protection $<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2>)
target_link_options(vaultx_hardening INTERFACE -Wl,-z,relro,-z,now -Wl,-z,noexecstack)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
include(CheckPIESupported)
check_pie_supported()

# Reproducible builds: no build path in the binary.
add_compile_options(-ffile-prefix-map=${CMAKE_SOURCE_DIR}=. -ffile-prefix-map=${CMAKE_BINARY_DIR}=build)

if(VAULTX_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
