// Typed errors. Lower layers return them; only the CLI turns them into exit
// codes and messages (exit_code_for_errc in src/cli/command.cpp).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace vaultx {

enum class Errc {
  failure,    // general failure (I/O, environment)            -> exit 1
  usage,      // bad option, bad name, bad config               -> exit 2
  unlock,     // wrong passphrase, no key source                -> exit 3
  integrity,  // tampered, corrupt, rolled back                 -> exit 4
  not_found,  // no such secret / store / scope                 -> exit 5
  exists,     // refusing to overwrite something                -> exit 1
  denied,     // a policy refused it (command binding, capability) -> exit 1
};

struct Error {
  Errc code = Errc::failure;
  std::string message;  // what went wrong, naming the file/secret/option
  std::string hint;     // what to do about it; may be empty

  Error() = default;
  Error(Errc c, std::string msg, std::string h = {})
      : code(c), message(std::move(msg)), hint(std::move(h)) {}
};

// A value or an Error, in the spirit of C++23 std::expected.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { assert(!ok()); return std::get<1>(v_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  [[nodiscard]] bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const Error& error() const& { assert(!ok_); return error_; }
  Error&& error() && { assert(!ok_); return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace vaultx

// Propagate an error from an expression returning Result<...>.
#define VAULTX_TRY(expr)                                  \
  do {                                                    \
    auto&& vaultx_try_result_ = (expr);                   \
    if (!vaultx_try_result_) return std::move(vaultx_try_result_).error(); \
  } while (0)

#define VAULTX_CONCAT_INNER_(a, b) a##b
#define VAULTX_CONCAT_(a, b) VAULTX_CONCAT_INNER_(a, b)
// Bind the value of a Result to `decl`, or propagate its error.
#define VAULTX_ASSIGN(decl, expr) VAULTX_ASSIGN_IMPL_(VAULTX_CONCAT_(vaultx_r_, __LINE__), decl, expr)
#define VAULTX_ASSIGN_IMPL_(tmp, decl, expr)   \
  auto tmp = (expr);                           \
  if (!tmp) return std::move(tmp).error();     \
  decl = std::move(tmp).value()
