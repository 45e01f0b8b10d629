// `snipcheck init`: writes a snipcheck.toml for the book in the current
// folder (app/init.hpp) and says what to run next.
#include "cli/commands.hpp"

#include "app/init.hpp"
#include "util/errors.hpp"

#include <fmt/format.h>

namespace snipcheck::cli {

int init_command(const app::Options& options)
{
  const auto print_written = [](const app::InitResult& written) {
    const auto& found = written.book;
    fmt::print("wrote snipcheck.toml: {} book {}, {} listings{}\n", found.kind, found.path.string(), written.listings,
               found.edition_note.empty() ? "" : " (" + found.edition_note + ")");
    if (written.toolchain_pin) {
      fmt::print("the book pins toolchain `{}` ({}); it is checked with that one\n", written.toolchain_pin->channel,
                 written.toolchain_pin->file.string());
    }
  };
  if (app::init_book(options.book, print_written).ignored_build_folder) {
    fmt::print("added .snipcheck/ to .gitignore\n");
  }
  fmt::print("\nnext:\n"
             "  snipcheck bless   # record what each listing does today in expected/ (review, then commit it)\n"
             "  snipcheck         # check the book: exit 0 while every listing behaves as recorded\n");
  return exit_ok;
}

} // namespace snipcheck::cli
