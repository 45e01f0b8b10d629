#pragma once
// TOML written by users (expected/, snipcheck.toml, book.toml), parsed with
// toml++; a syntax error becomes an InputError at the file's line.

#include <toml++/toml.h>

#include <filesystem>
#include <string_view>

namespace snipcheck::text {

toml::table parse_toml_input(std::string_view content, const std::filesystem::path& path,
                             std::string_view what = "malformed TOML");

} // namespace snipcheck::text
