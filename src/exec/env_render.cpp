#include <vaultx/exec/env_render.hpp>

#include <algorithm>

#include <optional>

#include <vaultx/format/json.hpp>

namespace vaultx::exec {

namespace {

void append(secure::SecretBytes& out, std::string_view text) {
  out.append(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));  // NOLINT
}

Error cannot_render(const EnvEntry& e, std::string_view format, std::string_view why, std::string_view hint) {
  return Error(Errc::usage,
               "secret '" + e.secret_name + "' cannot be written in " + std::string(format) + " format: " +
                   std::string(why),
               std::string(hint));
}

void render_shell(secure::SecretBytes& out, const EnvEntry& e) {
  append(out, "export " + e.variable + "='");
  const auto v = e.value->view();
  std::size_t start = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\'') {
      append(out, v.substr(start, i - start));
      append(out, "'\\''");
      start = i + 1;
    }
  }
  append(out, v.substr(start));
  append(out, "'\n");
}

// npm dotenv reads a quoted value verbatim, except that it turns CRLF into LF
// everywhere, and inside double quotes expands the two-character sequences
// \n and \r. A backslash right before the closing quote would make its
// pattern read past the quote. Pick the first quote character that keeps the
// value intact.
std::optional<char> dotenv_quote_for(std::string_view v) {
  const bool has_cr = v.find('\r') != std::string_view::npos;
  const bool ends_in_backslash = v.ends_with('\\');
  if (ends_in_backslash) return std::nullopt;
  if (!has_cr && v.find('\'') == std::string_view::npos) return '\'';
  if (!has_cr && v.find('`') == std::string_view::npos) return '`';
  const bool has_escape_lookalike = v.find("\\n") != std::string_view::npos || v.find("\\r") != std::string_view::npos;
  if (v.find('"') == std::string_view::npos && !has_escape_lookalike) return '"';
  return std::nullopt;
}

Status render_dotenv(secure::SecretBytes& out, const EnvEntry& e) {
  const auto v = e.value->view();
  const auto quote = dotenv_quote_for(v);
  if (!quote) {
    return cannot_render(e, "dotenv",
                         "no dotenv quoting reads it back exactly (it mixes quote characters, ends in a backslash, "
                         "or combines a carriage return with quotes or backslash sequences)",
                         "use --format shell or --format json");
  }
  append(out, e.variable + "=" + std::string(1, *quote));
  if (*quote == '"') {
    for (char c : v) {
      if (c == '\r') {
        append(out, "\\r");
      } else if (c == '\n') {
        append(out, "\\n");
      } else {
        append(out, std::string_view(&c, 1));
      }
    }
  } else {
    append(out, v);
  }
  append(out, std::string(1, *quote) + "\n");
  return {};
}

Status render_json_member(secure::SecretBytes& out, const EnvEntry& e, bool first) {
  if (!format::is_valid_utf8(e.value->view())) {
    return cannot_render(e, "json", "its value is not valid UTF-8", "use --format shell, or 'vaultx get --raw'");
  }
  std::string member = first ? "\n  " : ",\n  ";
  format::append_json_string(member, e.variable);
  member += ": ";
  format::append_json_string(member, e.value->view());
  append(out, member);
  std::fill(member.begin(), member.end(), '\0');  // it held the value
  return {};
}

}  // namespace

Result<secure::SecretBytes> render_env(EnvFormat format, std::vector<EnvEntry> entries) {
  std::sort(entries.begin(), entries.end(), [](const EnvEntry& a, const EnvEntry& b) { return a.variable < b.variable; });
  secure::SecretBytes out;
  if (format == EnvFormat::json) append(out, "{");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (format != EnvFormat::json && e.value->view().find('\0') != std::string_view::npos) {
      return cannot_render(e, format == EnvFormat::shell ? "shell" : "dotenv", "its value contains a NUL byte",
                           "use --format json, or 'vaultx get --raw'");
    }
    switch (format) {
      case EnvFormat::shell: render_shell(out, e); break;
      case EnvFormat::dotenv: VAULTX_TRY(render_dotenv(out, e)); break;
      case EnvFormat::json: VAULTX_TRY(render_json_member(out, e, i == 0)); break;
    }
  }
  if (format == EnvFormat::json) append(out, entries.empty() ? "}\n" : "\n}\n");
  return out;
}

}  // namespace vaultx::exec
