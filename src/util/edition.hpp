#pragma once
// The Rust editions, spelled in one place: every reader of a book, an
// expected/ file, snipcheck.toml or the command line validates against them.

#include <optional>
#include <string>
#include <string_view>

namespace snipcheck::util {

enum class Edition { e2015, e2018, e2021, e2024 };

// "2021" -> Edition::e2021; anything else (" 2021", "21") -> nullopt.
std::optional<Edition> parse_edition(std::string_view year);
std::string_view edition_name(Edition edition); // "2021"
bool is_edition(std::string_view year);

// "2015, 2018, 2021 or 2024", each wrapped in `quote` ("\"" for TOML values).
std::string known_editions_text(std::string_view quote = "");
// "unknown edition `21` (use 2015, 2018, 2021 or 2024)"
std::string unknown_edition_message(std::string_view given);

} // namespace snipcheck::util
