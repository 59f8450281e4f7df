// Throughput of the exec --mask redactor.
//
//   vaultx_redactor_bench [--gib N] [--values N] [--binary] [--every KIB]
//       pushes N GiB (default 1) of log-like text through the redactor in
//       64 KiB chunks, with N (default 50) random values of 20-60 bytes
//       (printable ASCII, or any byte with --binary), one of them in one of
//       its forms every KIB KiB of text (default 16; 0: never), and compares
//       with memcpy of the same chunks. Times are CPU times, best of three.
//   vaultx_redactor_bench --pipe [--values N] [--binary]
//       redacts stdin to stdout, to compare a pipeline with plain `cat`.
//   vaultx_redactor_bench --source
//       writes the 64 MiB of log-like text to stdout (for --pipe).
//
// Built on demand (`ninja vaultx_redactor_bench`); not part of the tests.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <vaultx/exec/redactor.hpp>

namespace {

using vaultx::as_bytes;
using vaultx::Bytes;
using vaultx::exec::MaskedValue;
using vaultx::exec::Redactor;

constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kSourceSize = 64 * 1024 * 1024;

struct Options {
  double gib = 1;
  std::size_t values = 50;
  bool binary = false;
  std::size_t every_kib = 16;
  bool pipe = false;
  bool source = false;
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--gib" && i + 1 < argc) {
      options.gib = std::atof(argv[++i]);
    } else if (arg == "--values" && i + 1 < argc) {
      options.values = static_cast<std::size_t>(std::atol(argv[++i]));
    } else if (arg == "--every" && i + 1 < argc) {
      options.every_kib = static_cast<std::size_t>(std::atol(argv[++i]));
    } else if (arg == "--binary") {
      options.binary = true;
    } else if (arg == "--pipe") {
      options.pipe = true;
    } else if (arg == "--source") {
      options.source = true;
    } else {
      std::fprintf(stderr, "usage: %s [--gib N] [--values N] [--binary] [--every KIB] [--pipe | --source]\n", argv[0]);
      std::exit(2);
    }
  }
  return options;
}

std::vector<std::string> random_values(const Options& options, std::mt19937_64& rng) {
  std::vector<std::string> values;
  for (std::size_t v = 0; v < options.values; ++v) {
    std::string value(20 + rng() % 41, '\0');
    for (char& c : value) c = static_cast<char>(options.binary ? rng() % 256 : 0x21 + rng() % 94);
    values.push_back(value);
  }
  return values;
}

// Log-like lines; every `every_kib` KiB one value in one of its forms. Returns
// the text and, in `injected`, how many forms were put in.
std::string make_source(const std::vector<std::string>& values, std::size_t every_kib, std::mt19937_64& rng,
                        std::size_t& injected) {
  static const char* const words[] = {"GET",     "POST",  "/api/v1/items", "status=200", "INFO", "DEBUG",
                                      "request", "user",  "took",          "ms",         "ok",   "cache=miss",
                                      "id=",     "bytes", "upstream",      "retry"};
  std::vector<std::vector<std::string>> forms;
  for (const std::string& value : values) {
    forms.emplace_back();
    const auto value_forms = vaultx::exec::redaction_forms(as_bytes(value));
    for (std::size_t i = 0; i < value_forms.size(); ++i) forms.back().emplace_back(vaultx::as_text(value_forms[i]));
  }
  std::string text;
  text.reserve(kSourceSize + 4096);
  std::size_t next_injection = 0;
  injected = 0;
  while (text.size() < kSourceSize) {
    text += "2024-06-11T12:" + std::to_string(rng() % 60) + ":" + std::to_string(rng() % 60) + "Z";
    for (int w = 0; w < 12; ++w) {
      text += ' ';
      text += words[rng() % std::size(words)];
      if (rng() % 3 == 0) text += std::to_string(rng() % 100000);
    }
    if (every_kib != 0 && text.size() >= next_injection && !forms.empty()) {
      const auto& chosen = forms[rng() % forms.size()];
      text += " token=" + chosen[rng() % chosen.size()] + " ";
      ++injected;
      next_injection = text.size() + every_kib * 1024;
    }
    text += '\n';
  }
  text.resize(kSourceSize);
  return text;
}

// CPU time of this thread: the machine may be shared, and wall time would
// measure the neighbours too.
double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

std::size_t count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

bool write_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size != 0) {
    const ssize_t put = write(fd, data, size);
    if (put <= 0) return false;
    data += put;
    size -= static_cast<std::size_t>(put);
  }
  return true;
}

int run_pipe(Redactor& redactor) {
  std::vector<std::uint8_t> in(kChunk);
  Bytes out;
  for (;;) {
    const ssize_t got = read(STDIN_FILENO, in.data(), in.size());
    if (got < 0) return 1;
    if (got == 0) break;
    redactor.feed({in.data(), static_cast<std::size_t>(got)}, out);
    if (!write_all(STDOUT_FILENO, out.data(), out.size())) return 1;
    out.clear();
  }
  redactor.finish(out);
  return write_all(STDOUT_FILENO, out.data(), out.size()) ? 0 : 1;
}

// Best of three runs of each, interleaved; returns {memcpy, redactor} seconds.
std::pair<double, double> measure(Redactor& redactor, const std::string& source, std::size_t total) {
  std::vector<std::uint8_t> copy(kChunk);
  Bytes out;
  double copy_seconds = 1e9;
  double redact_seconds = 1e9;
  for (int run = 0; run < 3; ++run) {
    double start = cpu_seconds();
    for (std::size_t done = 0; done < total; done += kChunk) {
      std::memcpy(copy.data(), source.data() + done % kSourceSize, kChunk);
      asm volatile("" : : "r"(copy.data()) : "memory");  // keep the copy
    }
    copy_seconds = std::min(copy_seconds, cpu_seconds() - start);

    start = cpu_seconds();
    for (std::size_t done = 0; done < total; done += kChunk) {
      redactor.feed(as_bytes(std::string_view(source.data() + done % kSourceSize, kChunk)), out);
      out.clear();  // where exec would write(2) it
    }
    redactor.finish(out);
    redact_seconds = std::min(redact_seconds, cpu_seconds() - start);
  }
  return {copy_seconds, redact_seconds};
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  std::mt19937_64 rng(42);
  const std::vector<std::string> values = random_values(options, rng);
  std::vector<std::string> names;
  for (std::size_t v = 0; v < values.size(); ++v) names.push_back("secret" + std::to_string(v));
  std::vector<MaskedValue> masked;
  for (std::size_t v = 0; v < values.size(); ++v) masked.push_back({names[v], as_bytes(values[v])});

  const double build_start = cpu_seconds();
  Redactor redactor(masked);
  const double build_seconds = cpu_seconds() - build_start;
  if (options.pipe) return run_pipe(redactor);

  std::size_t injected = 0;
  const std::string source = make_source(values, options.every_kib, rng, injected);
  if (options.source) return write_all(STDOUT_FILENO, as_bytes(source).data(), source.size()) ? 0 : 1;
  std::printf("values %zu (%s), forms %zu, longest %zu bytes, compiled in %.1f ms CPU\n", values.size(),
              options.binary ? "binary" : "printable", redactor.form_count(), redactor.max_holdback(),
              build_seconds * 1e3);

  // Correctness on one pass over the source: every injected form is masked.
  Bytes out;
  for (std::size_t at = 0; at < source.size(); at += kChunk) {
    redactor.feed(as_bytes(std::string_view(source).substr(at, kChunk)), out);
  }
  redactor.finish(out);
  std::printf("check: %zu forms injected in 64 MiB, %zu masked\n", injected, count(vaultx::as_text(out), "<redacted:"));

  const auto total = static_cast<std::size_t>(options.gib * 1024 * 1024 * 1024);
  const double mib = static_cast<double>(total) / (1024.0 * 1024.0);
  const auto [copy_seconds, redact_seconds] = measure(redactor, source, total);
  std::printf("memcpy:   %8.0f MiB/s\n", mib / copy_seconds);
  std::printf("redactor: %8.0f MiB/s  (%.2fx the memcpy time; %.2f s CPU for %.2f GiB)\n", mib / redact_seconds,
              redact_seconds / copy_seconds, redact_seconds, options.gib);
  return 0;
}
