/* Times nothing by itself: runs one Argon2id derivation exactly as vaultx's
 * crypto::argon2id does (libargon2, lanes = threads = p, 32-byte output), so
 * that bench/core.sh can compare it with a whole `vaultx get`.
 * Usage: argon2_only MEMORY_KIB TIME PARALLELISM */
#include <argon2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s MEMORY_KIB TIME PARALLELISM\n", argv[0]);
    return 2;
  }
  uint8_t out[32];
  uint8_t pwd[] = "benchmark passphrase";
  uint8_t salt[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  argon2_context ctx = {0};
  ctx.out = out;
  ctx.outlen = sizeof out;
  ctx.pwd = pwd;
  ctx.pwdlen = sizeof pwd - 1;
  ctx.salt = salt;
  ctx.saltlen = sizeof salt;
  ctx.m_cost = (uint32_t)strtoul(argv[1], NULL, 10);
  ctx.t_cost = (uint32_t)strtoul(argv[2], NULL, 10);
  ctx.lanes = (uint32_t)strtoul(argv[3], NULL, 10);
  ctx.threads = ctx.lanes;
  ctx.version = ARGON2_VERSION_13;
  ctx.flags = ARGON2_DEFAULT_FLAGS;
  int rc = argon2_ctx(&ctx, Argon2_id);
  if (rc != ARGON2_OK) {
    fprintf(stderr, "argon2: %s\n", argon2_error_message(rc));
    return 1;
  }
  return 0;
}
