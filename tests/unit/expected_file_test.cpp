// The table of expected/ fields, row by row: what each kind of field
// accepts, where it may stand (an entry, or a per-cell table too), and the
// entry rules checked after the fields, in the order they are reported.
#include "check/expectation.hpp"

#include <gtest/gtest.h>

namespace snipcheck::check {
namespace {

std::vector<std::string> messages_of(const std::string& toml)
{
  std::vector<std::string> messages;
  try {
    parse_expectation_file(toml, "expected/ch02.toml");
  } catch (const InputError& error) {
    for (const auto& problem : error.problems()) {
      messages.push_back(std::to_string(problem.line) + ": " + problem.message);
    }
  }
  return messages;
}

using Messages = std::vector<std::string>;

TEST(ExpectedFields, ChoiceFieldsNameTheirChoices)
{
  EXPECT_EQ(messages_of("[\"a\"]\nelide = \"all\"\n"),
            (Messages{"2: unknown elide mode `all` (use todo, bodies or none)"}));
  EXPECT_EQ(messages_of("[\"a\"]\nwrap = \"x\"\n"),
            (Messages{"2: unknown wrap mode `x` (use auto, main, async-main or none)"}));
  EXPECT_EQ(messages_of("[\"a\"]\ncrate-type = \"dylib\"\n"),
            (Messages{"2: unknown crate-type `dylib` (use bin, lib or proc-macro)"}));
  EXPECT_EQ(messages_of("[\"a\"]\nmode = \"bench\"\n"),
            (Messages{"2: unknown mode `bench` (use program, or test: built as `cargo test` builds it, too)"}));
  EXPECT_EQ(messages_of("[\"a\"]\nexpect = \"compiles\"\n"),
            (Messages{"2: unknown outcome `compiles` (use compile, compile-fail, run, run-fail, skip or not-rust)"}));
}

TEST(ExpectedFields, EveryChoiceIsRead)
{
  const auto annotations =
      parse_expectation_file("[\"a\"]\nwrap = \"async-main\"\nelide = \"bodies\"\n"
                             "crate-type = \"proc-macro\"\nmode = \"test\"\nexpect = \"run-fail\"\n"
                             "[\"b\"]\nmode = \"program\"\nexpect = \"not-rust\"\n",
                             "expected/ch02.toml");
  const auto& a = annotations.at("a");
  EXPECT_EQ(a.wrap, scratch::WrapMode::async_main);
  EXPECT_EQ(a.elide, scratch::ElideMode::bodies);
  EXPECT_EQ(a.crate_type, scratch::CrateType::proc_macro);
  EXPECT_TRUE(a.test_mode);
  EXPECT_EQ(a.expect, Outcome::run_fail);
  EXPECT_FALSE(annotations.at("b").test_mode);
  EXPECT_EQ(annotations.at("b").expect, Outcome::not_rust);
  for (const auto outcome :
       {Outcome::compile, Outcome::compile_fail, Outcome::run, Outcome::run_fail, Outcome::skip, Outcome::not_rust}) {
    EXPECT_EQ(parse_outcome(outcome_name(outcome)), outcome);
  }
}

TEST(ExpectedFields, ANonStringIsOneProblemWithoutADefaultAndTwoWithOne)
{
  // `expect` has no default: it stays unset.
  EXPECT_EQ(messages_of("[\"a\"]\nexpect = 1\n"), (Messages{"2: `expect` must be a string"}));
  // `wrap` has one: the value reads as "", which is no wrap mode either.
  EXPECT_EQ(messages_of("[\"a\"]\nwrap = 1\n"),
            (Messages{"2: `wrap` must be a string", "2: unknown wrap mode `` (use auto, main, async-main or none)"}));
  EXPECT_EQ(messages_of("[\"a\"]\nprelude = 1\nreason = []\n"),
            (Messages{"2: `prelude` must be a string", "3: `reason` must be a string"}));
}

TEST(ExpectedFields, TextChecksAndArrays)
{
  EXPECT_EQ(messages_of("[\"a\"]\nedition = \"2019\"\n"), (Messages{"2: unknown edition `2019` (use 2015, 2018, "
                                                                    "2021 or 2024)"}));
  EXPECT_EQ(
      messages_of("[\"a\"]\nexpect = \"compile-fail\"\nerrors = [\"E01\", 3, \"unused_mut\"]\n"
                  "error-lines = [0, 2]\n"),
      (Messages{"3: `E01` is not an error code (E0106), a lint name, or \"error\"", "3: `errors` must be a string",
                "4: `error-lines` entries must be positive listing line numbers"}));
}

TEST(ExpectedFields, OnlySomeFieldsMayDifferPerCell)
{
  const auto annotations = parse_expectation_file(
      "[\"a\"]\nexpect = \"compile\"\n[\"a\".edition-2024]\nexpect = \"compile-fail\"\nerrors = [\"E0133\"]\n"
      "error-lines = [2]\nstdout = \"x\"\nreason = \"r\"\nerratum = \"e\"\nfix = \"f\"\n",
      "expected/ch02.toml");
  const auto& cell = annotations.at("a").cells.at("edition-2024");
  EXPECT_EQ(cell.expect, Outcome::compile_fail);
  EXPECT_EQ(cell.error_lines, (std::vector<int>{2}));
  EXPECT_EQ(cell.fix, "f");
  const std::string can = "(these can: expect, errors, error-lines, stdout, reason, erratum, fix)";
  EXPECT_EQ(messages_of("[\"a\"]\n\"toolchain-nightly\" = { wrap = \"none\", typo = 1, edition-2021 = {} }\n"),
            (Messages{"2: `edition-2021` cannot differ per edition or toolchain " + can,
                      "2: `typo` cannot differ per edition or toolchain " + can,
                      "2: `wrap` cannot differ per edition or toolchain " + can}));
  EXPECT_EQ(messages_of("[\"a\"]\nedition-2024 = 1\n"),
            (Messages{"2: `edition-2024` must be a table of what differs in that cell, like { expect = "
                      "\"compile-fail\", errors = [\"E0133\"] }"}));
  // Not a cell key: an unknown field, listing every field in table order.
  EXPECT_EQ(messages_of("[\"a\"]\nedition-2019 = {}\n"),
            (Messages{"2: unknown field `edition-2019` in [\"a\"] (known: expect, errors, error-lines, stdout, "
                      "edition, prelude, epilogue, deps, elide, wrap, crate-type, reason, erratum, fix, fingerprint, "
                      "mode, fmt, allow, and per-cell tables edition-NNNN / toolchain-NAME)"}));
}

TEST(ExpectedFields, EntryRulesAreReportedInTheirOrderAtTheEntry)
{
  // Every rule broken at once, on the entry's line; a cell table is not checked on its own.
  EXPECT_EQ(messages_of("\n[\"a\"]\nexpect = \"run\"\nerratum = \"e\"\nerrors = [\"E0106\"]\n"
                        "[\"a\".toolchain-nightly]\nexpect = \"skip\"\nerratum = \"x\"\n"),
            (Messages{"2: [\"a\"] has an `erratum` but expects `run`: an erratum records how the listing fails today",
                      "2: [\"a\"] has an `erratum` without a `fix`", "2: [\"a\"] lists errors but expects `run`"}));
  EXPECT_EQ(messages_of("[\"a\"]\nexpect = \"skip\"\nerror-lines = [1]\n"),
            (Messages{"1: [\"a\"] is `skip` without a `reason`; say why it cannot be checked",
                      "1: [\"a\"] lists errors but expects `skip`"}));
  EXPECT_TRUE(messages_of("[\"a\"]\nexpect = \"run-fail\"\nerratum = \"e\"\nfix = \"f\"\n").empty());
}

TEST(ExpectedFields, DependencyTables)
{
  EXPECT_EQ(
      messages_of("[\"a\"]\ndeps = { x = { vers = \"1\", default-features = \"no\", features = \"f\" }, y = 1 }\n"),
      (Messages{"2: `default-features` must be true or false", "2: `features` must be an array of strings",
                "2: unknown dependency field `vers` (known: version, features, default-features)",
                "2: dependency `x` needs a version", "2: dependency `y` must be a version string or a table"}));
}

TEST(ExpectedFields, DependencyNamesFollowCargosRule)
{
  // cargo would refuse them only after the workspace is written (exit 3); here, at their line.
  EXPECT_EQ(messages_of("[\"a\"]\ndeps = { \"a b\" = \"1\" }\n"),
            (Messages{"2: \"a b\" is not a crate name: only letters, digits, `-` and `_` (ASCII)"}));
  EXPECT_EQ(messages_of("[\"a\"]\n\ndeps = { \"x\\n[patch]\" = \"1\", \"1x\" = \"1\", ok-name_2 = \"1\" }\n"),
            (Messages{"3: \"1x\" is not a crate name: it must start with a letter or `_`",
                      "3: \"x\\n[patch]\" is not a crate name: only letters, digits, `-` and `_` (ASCII)"}));
}

} // namespace
} // namespace snipcheck::check
