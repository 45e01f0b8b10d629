// Merged batches against one target per listing on a generated book of more
// than a thousand blocks, sprinkled with everything that breaks batches: the
// two must give the same verdict for every listing, before and after edits.
// Label `heavy`: it builds every listing on its own, which takes minutes.
#include "e2e_support.hpp"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <set>

namespace snipcheck::e2e {
namespace {

using nlohmann::json;

// Block k of the book: its fence info string and its code. `edited` changes
// the blocks that the second run sees as edited (every 97th).
std::pair<std::string, std::string> block(int k, bool edited)
{
  const int n = k;
  const std::string print_tag = edited && k % 97 == 0 ? fmt::format("edited {}", n) : fmt::format("block {}", n);
  switch (k % 41) {
  case 0:
    return {"rust,compile_fail,E0308", fmt::format("let x{}: i32 = \"text\";", n)};
  case 1:
    return {"rust", fmt::format("let v{} = vec![1, 2, 3];\nlet w = v{};\nprintln!(\"{{:?}}\", v{});", n, n, n)}; // E0382
  case 2:
    return {"rust,compile_fail", "let a: [i8; 5] = [1, 2, 3, 4, 5];\nlet _ = a[6];"}; // only a full build sees it
  case 3:
    return {"rust,compile_fail", "macro_rules! m { () => { compile_error!(\"no\") } }\nm!();"};
  case 4:
    return {"rust", "#![allow(dead_code)]\nstruct Unused;\nfn main() { println!(\"lint levels merge\"); }"};
  case 5:
    return {"rust", "extern crate std as standard;\nfn main() { standard::println!(\"extern crate\"); }"};
  case 6:
    return {"rust,no_run",
            fmt::format("#[no_mangle]\npub extern \"C\" fn shared_symbol() -> u32 {{ {} }}\nfn main() {{}}", n)};
  case 7:
    return {"rust,no_run",
            "#[unsafe(export_name = \"malloc\")]\npub extern \"C\" fn not_malloc(_: usize) -> *mut u8 { "
            "std::ptr::null_mut() }\nfn main() {}"};
  case 8:
    return {"rust", "#[used]\n#[link_section = \".init_array\"]\nstatic INIT: extern \"C\" fn() = hello;\n"
                    "extern \"C\" fn hello() { }\nfn main() { println!(\"init\"); }"};
  case 9:
    return {"rust", "use std::alloc::{GlobalAlloc, Layout, System};\nstruct Counting;\n"
                    "unsafe impl GlobalAlloc for Counting {\n"
                    "    unsafe fn alloc(&self, l: Layout) -> *mut u8 { unsafe { System.alloc(l) } }\n"
                    "    unsafe fn dealloc(&self, p: *mut u8, l: Layout) { unsafe { System.dealloc(p, l) } }\n}\n"
                    "#[global_allocator]\nstatic A: Counting = Counting;\nfn main() { println!(\"{}\", "
                    "vec![1].len()); }"};
  case 10:
    return {"rust", "std::process::exit(3);"};
  case 11:
    return {"rust,should_panic", fmt::format("panic!(\"block {}\");", n)};
  case 12:
    return {"rust", fmt::format("let v: Vec<u32> = Vec::new();\nprintln!(\"{{}}\", v[{}]);", n % 3)}; // panics
  case 13:
    return {"rust,no_run", "loop { std::thread::sleep(std::time::Duration::from_secs(1)); }"};
  case 14:
    return {"rust", "fn helper() -> u32 { 7 }\nstruct Shared { x: u32 }\nfn main() { println!(\"{}\", "
                    "Shared { x: helper() }.x); }"};
  case 15:
    return {"rust", fmt::format("#[macro_export]\nmacro_rules! book_macro_{} {{ () => {{ 42 }} }}\n"
                                "fn main() {{ println!(\"{{}}\", book_macro_{}!()); }}",
                                n, n)};
  case 16:
    // Uses the macro exported by the previous block: alone, it cannot compile.
    return {"rust", fmt::format("fn main() {{ println!(\"{{}}\", crate::book_macro_{}!()); }}", n - 1)};
  case 17:
    return {"rust,edition2015", "fn main() { let async = 1; println!(\"{}\", async); }"};
  case 18:
    return {"rust,edition2018", "fn main() { let dyn_ = 2; println!(\"{}\", dyn_); }"};
  case 19:
    return {"rust,edition2024", "fn main() { let gen = 3; println!(\"{}\", gen); }"}; // reserved in 2024
  case 20:
    return {"rust,test_harness", "#[test]\nfn it_works() { assert_eq!(crate::two(), 2); }\nfn two() -> u32 { 2 }"};
  case 21:
    // The first few share a name: their binaries must not overwrite each other's.
    return {"rust", fmt::format("#![crate_name = \"{}\"]\nfn main() {{ println!(\"{{}}\", module_path!()); }}",
                                n < 100 ? std::string("named_crate") : fmt::format("named_{}", n))};
  case 22:
    return {"rust,standalone_crate", "fn main() { println!(\"standalone\"); }"};
  case 23:
    return {"rust,ignore", "this is not rust at all"};
  case 24:
    return {"text", "plain text"};
  case 25:
    return {"rust", "fn main() { let x: u8 = 255 + 1; println!(\"{}\", x); }"}; // arithmetic_overflow
  case 26:
    // Calls a foreign function nothing defines: a link error, which names no member of a batch.
    return {"rust,no_run", fmt::format("unsafe extern \"C\" {{\n    fn undefined_elsewhere_{}();\n}}\n"
                                       "fn main() {{ unsafe {{ undefined_elsewhere_{}() }} }}",
                                       n, n)};
  // What failing batches settle, or must not (issue 21): each fails alone as it does in a batch.
  case 27:
    return {"rust,compile_fail,E0425", fmt::format("let t{} = missing_{} + 1;", n, n)};
  case 28:
    return {"rust,compile_fail,E0597", "let r;\n{\n    let x = 5;\n    r = &x;\n}\nprintln!(\"{}\", r);"};
  case 29:
    return {"rust,compile_fail", "#![deny(unused_variables)]\nfn main() {\n    let unused = 1;\n}"}; // a lint's error only
  case 30:
    return {"rust,compile_fail", fmt::format("let fine{} = 1;", n)}; // compiles
  case 31:
    return {"", fmt::format("$ cargo build\n   Compiling block{} v0.1.0", n)}; // shell output is Rust to mdBook
  case 32:
    return {"", "$ cargo add windows --target 'cfg(windows)'"}; // an unterminated character literal
  case 33:
    return {"rust", "fn main() {}\ncargo test --all"}; // not an item: rustc stops after parsing
  case 34:
    return {"rust", "use super::Missing;\nfn main() {}"}; // names the module around the listing
  case 35:
    return {"rust,edition2015", "mod shapes {\n    pub struct Square(pub u32);\n}\nuse shapes::Square;\n"
                                "fn main() {\n    let s: Square = 4;\n}"}; // 2015's `use` starts at the crate root
  case 36:
    return {"rust", fmt::format("fn main() {{\n    let a{} = ;\n    let b: u8 = \"b\";\n}}", n)};
  case 37:
    return {"rust", "fn main() {\n    let s = String::from(\"x\");\n    let t = s;\n    println!(\"{} {}\", s, nope);\n}"};
  case 38:
    return {"rust", "println!(\"it's);"}; // a string left open
  default:
    return {"rust", fmt::format("fn value() -> u64 {{ {} }}\nprintln!(\"{}: {{}}\", value());", n, print_tag)};
  }
}

void write_book(const fs::path& root, int blocks, int chapters, bool edited)
{
  fs::create_directories(root / "src");
  std::ofstream(root / "book.toml") << "[book]\ntitle = \"Generated\"\n\n[rust]\nedition = \"2021\"\n";
  std::ofstream summary(root / "src" / "SUMMARY.md");
  summary << "# Summary\n\n";
  const int per_chapter = (blocks + chapters - 1) / chapters;
  for (int chapter = 0; chapter < chapters; ++chapter) {
    const auto file = fmt::format("chapter_{:02}.md", chapter + 1);
    summary << fmt::format("- [Chapter {}](./{})\n", chapter + 1, file);
    std::ofstream page(root / "src" / file);
    page << fmt::format("# Chapter {}\n\n", chapter + 1);
    for (int k = chapter * per_chapter; k < std::min(blocks, (chapter + 1) * per_chapter); ++k) {
      const auto [info, code] = block(k, edited);
      page << fmt::format("Block {}.\n\n```{}\n{}\n```\n\n", k, info, code);
    }
  }
}

// A test harness prints how long its tests took; nothing else differs run to run.
json without_timings(const json& stdout_text)
{
  if (!stdout_text.is_string()) {
    return stdout_text;
  }
  auto text = stdout_text.get<std::string>();
  for (auto at = text.find("finished in "); at != std::string::npos; at = text.find("finished in ", at + 1)) {
    const auto end = text.find('s', at + 12);
    if (end != std::string::npos) {
      text.replace(at + 12, end - (at + 12), "[..]");
    }
  }
  return text;
}

std::map<std::string, std::string> verdicts(const fs::path& report)
{
  std::map<std::string, std::string> result;
  const auto parsed = json::parse(text::read_file(report));
  for (const auto& entry : parsed["results"]) {
    auto key = entry["id"].get<std::string>();
    if (entry.contains("toolchain")) {
      key += " " + entry["toolchain"].get<std::string>();
    }
    if (entry.contains("edition")) {
      key += " " + entry["edition"].dump();
    }
    // The verdict and what decided it; warnings may differ in wording between a module and a crate.
    const auto actual = entry.value("actual", json(nullptr));
    // Errors as the compiler placed them: a failure settled in its batch must say what it says alone.
    std::set<std::string> errors_placed;
    if (actual.is_object() && actual.contains("diagnostics")) {
      for (const auto& d : actual["diagnostics"]) {
        if (d.value("level", "") == "error") {
          errors_placed.insert(fmt::format("{} {}:{} {}", d.value("code", json(nullptr)).dump(),
                                           d.value("book_line", json(nullptr)).dump(),
                                           d.value("column", json(nullptr)).dump(), d.value("message", json(nullptr)).dump()));
        }
      }
    }
    json decided = actual.is_object() ? json{{"outcome", actual["outcome"]},
                                             {"errors", actual["errors"]},
                                             {"placed", errors_placed},
                                             {"exit_code", actual.value("exit_code", json(nullptr))},
                                             {"stdout", without_timings(actual.value("stdout", json(nullptr)))}}
                                      : json(nullptr);
    result[key] = entry["status"].get<std::string>() + " " + decided.dump() + " (" +
                  entry.value("message", std::string()) + ")";
  }
  return result;
}

TEST(Differential, MergedAndOneTargetPerListingGiveIdenticalVerdictsOnAThousandBlocks)
{
  const auto folder = fresh_test_folder("differential");
  const auto book = folder / "book";
  // SNIPCHECK_DIFFERENTIAL_BLOCKS makes a smaller book for a quick look; CI uses the full one.
  const char* wanted = std::getenv("SNIPCHECK_DIFFERENTIAL_BLOCKS");
  const int blocks = wanted != nullptr ? std::atoi(wanted) : 1044;
  write_book(book, blocks, 18, false);
  const auto check = [&](const std::string& name, const std::string& flags) {
    const auto report = folder / (name + ".json");
    const auto finished = run_shell(fmt::format("'{}' --book '{}' --build-dir '{}' --timeout 60 {} --report json='{}'",
                                                binary.string(), book.string(), (folder / "build").string(), flags,
                                                report.string()),
                                    folder, folder);
    EXPECT_TRUE(finished.exit_code == 0 || finished.exit_code == 1) << name << ": " << finished.err;
    return verdicts(report);
  };
  for (const bool edited : {false, true}) {
    write_book(book, blocks, 18, edited);
    const auto suffix = edited ? "-edited" : "";
    const auto merged = check(std::string("merged") + suffix, "");
    const auto alone = check(std::string("alone") + suffix, "--no-merge --no-cache");
    ASSERT_GE(merged.size(), static_cast<std::size_t>(blocks));
    ASSERT_EQ(merged.size(), alone.size());
    int differences = 0;
    for (const auto& [id, verdict] : merged) {
      if (alone.at(id) != verdict && ++differences <= 20) {
        ADD_FAILURE() << id << (edited ? " (after edits)" : "") << ": merged " << verdict << ", alone "
                      << alone.at(id);
      }
    }
    EXPECT_EQ(differences, 0);
    // The cache answers with what a clean run says.
    const auto cached = check(std::string("cached") + suffix, "");
    ASSERT_EQ(cached.size(), merged.size());
    for (const auto& [id, verdict] : merged) {
      EXPECT_EQ(cached.at(id), verdict) << id << " from the cache";
    }
  }
  fs::remove_all(folder);
}

} // namespace
} // namespace snipcheck::e2e
