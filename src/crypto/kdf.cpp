#include <vaultx/crypto/kdf.hpp>

#include <argon2.h>

namespace vaultx::crypto {

KdfBound check_kdf_bounds(const KdfParams& p) noexcept {
  if (p.memory_kib < KdfLimits::min_memory_kib || p.time < KdfLimits::min_time ||
      p.parallelism < KdfLimits::min_parallelism) {
    return KdfBound::below_floor;
  }
  if (p.memory_kib > KdfLimits::max_memory_kib || p.time > KdfLimits::max_time ||
      p.parallelism > KdfLimits::max_parallelism) {
    return KdfBound::above_ceiling;
  }
  return KdfBound::ok;
}

namespace {
// libargon2 takes non-const pointers for inputs it only reads.
std::uint8_t* mutable_ptr(ByteView v) { return const_cast<std::uint8_t*>(v.data()); }  // NOLINT

std::uint32_t u32(std::size_t n) { return static_cast<std::uint32_t>(n); }
}  // namespace

std::optional<secure::SecretBytes> argon2id(ByteView password, ByteView salt, const KdfParams& params,
                                            std::size_t out_len, ByteView secret,
                                            ByteView associated_data) {
  secure::SecretBytes out(out_len);
  argon2_context ctx{};
  ctx.out = out.data();
  ctx.outlen = u32(out_len);
  ctx.pwd = mutable_ptr(password);
  ctx.pwdlen = u32(password.size());
  ctx.salt = mutable_ptr(salt);
  ctx.saltlen = u32(salt.size());
  ctx.secret = secret.empty() ? nullptr : mutable_ptr(secret);
  ctx.secretlen = u32(secret.size());
  ctx.ad = associated_data.empty() ? nullptr : mutable_ptr(associated_data);
  ctx.adlen = u32(associated_data.size());
  ctx.t_cost = params.time;
  ctx.m_cost = params.memory_kib;
  ctx.lanes = params.parallelism;
  ctx.threads = params.parallelism;
  ctx.version = ARGON2_VERSION_13;
  ctx.flags = ARGON2_DEFAULT_FLAGS;  // our buffers are wiped by SecretBytes itself
  if (argon2_ctx(&ctx, Argon2_id) != ARGON2_OK) return std::nullopt;
  return out;
}

}  // namespace vaultx::crypto
