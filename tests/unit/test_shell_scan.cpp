#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <vaultx/exec/redactor.hpp>
#include <vaultx/shell/scan.hpp>

using vaultx::as_bytes;
using vaultx::secure::SecretBytes;
using vaultx::shell::ScanHit;
using vaultx::shell::Scanner;
using vaultx::shell::ScanSecret;

namespace {

std::vector<ScanHit> scan(Scanner& scanner, const std::string& text) {
  std::vector<ScanHit> hits;
  scanner.scan_text(as_bytes(text), "f", hits);
  return hits;
}

std::string summary(const std::vector<ScanHit>& hits) {
  std::string out;
  for (const auto& h : hits) out += std::to_string(h.line) + ":" + h.name + ":" + h.form + " ";
  return out;
}

}  // namespace

TEST_CASE("Scanner finds each form of a value with its line", "[shell][scan]") {
  const SecretBytes token = SecretBytes::copy_of(std::string_view("a b/c?d"));
  const SecretBytes key = SecretBytes::copy_of(std::string_view("k3y\"va\\l"));
  const SecretBytes pin = SecretBytes::copy_of(std::string_view("123"));
  Scanner scanner({{"token", &token}, {"key", &key}, {"pin", &pin}});
  CHECK(scanner.too_short() == std::vector<std::string>{"pin"});

  CHECK(summary(scan(scanner, "nothing 123 here\n")).empty());
  CHECK(summary(scan(scanner, "x\ny=a b/c?d\n")) == "2:token:plain ");
  CHECK(summary(scan(scanner, "\n\n\nYSBiL2M/ZA==\n")) == "4:token:base64 ");
  CHECK(summary(scan(scanner, "YSBiL2M_ZA\n")) == "1:token:base64 ");
  CHECK(summary(scan(scanner, "q=a%20b%2Fc%3Fd")) == "1:token:url ");
  CHECK(summary(scan(scanner, "q=a+b%2fc%3fd")) == "1:token:url ");
  CHECK(summary(scan(scanner, "{\"k\": \"k3y\\\"va\\\\l\"}")) == "1:key:json ");
  CHECK(summary(scan(scanner, "612062")) == "");  // a prefix of the hex form is nothing
  CHECK(summary(scan(scanner, "hex 6120622f633f64\nHEX 6B337922766$\n6B33792276615C6C")) == "1:token:hex 3:key:hex ");
}

TEST_CASE("Scanner reports one line once per name and form, and every line", "[shell][scan]") {
  const SecretBytes token = SecretBytes::copy_of(std::string_view("s3cr3t-value"));
  Scanner scanner({{"t", &token}});
  CHECK(summary(scan(scanner, "s3cr3t-value s3cr3t-value\ns3cr3t-value")) == "1:t:plain 2:t:plain ");
  CHECK(summary(scan(scanner, "s3cr3t-valu\ne")).empty());  // split across lines is no match
}

TEST_CASE("Scanner with no values finds nothing", "[shell][scan]") {
  Scanner scanner({});
  CHECK(scan(scanner, "anything").empty());
}
