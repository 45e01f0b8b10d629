// Failing listings settled inside their batch (issue 21): a merged run must
// give every listing the verdict, the error codes and the diagnostics that a
// build of it alone gives, while building far fewer targets.
#include "e2e_support.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

namespace snipcheck::e2e {
namespace {

using nlohmann::json;

// Per listing: its status and everything the compiler said of it, in an order of its own.
std::map<std::string, json> what_each_listing_got(const json& report)
{
  std::map<std::string, json> got;
  for (const auto& entry : report["results"]) {
    const auto actual = entry.value("actual", json(nullptr));
    std::set<std::string> diagnostics;
    if (actual.is_object() && actual.contains("diagnostics")) {
      for (const auto& d : actual["diagnostics"]) {
        diagnostics.insert(fmt::format("{} {} {}:{} {}", d.value("level", json(nullptr)).dump(),
                                       d.value("code", json(nullptr)).dump(), d.value("book_line", json(nullptr)).dump(),
                                       d.value("column", json(nullptr)).dump(), d.value("message", json(nullptr)).dump()));
      }
    }
    got[entry["id"].get<std::string>() + " " + entry.value("edition", "")] =
        json{{"status", entry["status"]},
             {"outcome", actual.is_object() ? actual["outcome"] : json(nullptr)},
             {"errors", actual.is_object() ? actual["errors"] : json(nullptr)},
             {"diagnostics", diagnostics}};
  }
  return got;
}

long cargo_targets(const json& report)
{
  long targets = 0;
  for (const auto& phase : report["timings"]["phases"]) {
    targets += phase["phase"] == "cargo" ? phase["count"].get<long>() : 0;
  }
  return targets;
}

// A `-v` run of `book` with a JSON report, in `folder/name`: the report and the log. The books
// have wrong listings, so exit 1.
std::pair<json, std::string> check_book(const fs::path& book, const fs::path& folder, const std::string& name,
                                        const std::string& flags)
{
  const auto report = folder / (name + ".json");
  const auto run =
      run_shell(fmt::format("'{}' --book '{}' --build-dir '{}' -v --color never --report json='{}' {}",
                            binary.string(), book.string(), (folder / name).string(), report.string(), flags),
                folder, folder);
  EXPECT_EQ(run.exit_code, 1) << name << "\n" << run.out << run.err;
  return {json::parse(text::read_file(report)), run.err};
}

TEST(FailingBatches, MergedRunsSettleFailuresExactlyAsBuildsAlone)
{
  const auto folder = fresh_test_folder("failing-batches");
  const auto book = source_dir / "tests/e2e/books/failing-batches";
  const auto check = [&](const std::string& name, const std::string& flags) {
    return check_book(book, folder, name, flags);
  };
  const auto [merged, merged_log] = check("merged", "--no-cache");
  const auto [alone, alone_log] = check("alone", "--no-cache --no-merge");
  const auto merged_got = what_each_listing_got(merged);
  const auto alone_got = what_each_listing_got(alone);
  ASSERT_EQ(merged_got.size(), alone_got.size());
  for (const auto& [id, got] : alone_got) {
    EXPECT_EQ(merged_got.at(id), got) << id;
  }

  // What the listings are, as rustdoc would judge them.
  const auto status = [&](const std::string& id) { return find_result(merged, id)["status"].get<std::string>(); };
  for (const auto* id : {"ch01/1-1", "ch01/1-2", "ch01/1-5", "ch01/1-6", "ch01/1-8", "ch01/1-9"}) {
    EXPECT_EQ(status(id), "pass") << id;
  }
  // The type error after the unresolved name is reported too (rustc goes on), and is not the E0425 claimed.
  EXPECT_EQ(status("ch01/1-3"), "fail");
  EXPECT_EQ(find_result(merged, "ch01/1-3")["actual"]["errors"], json::array({"E0308", "E0425"}));
  EXPECT_EQ(status("ch01/1-4"), "fail"); // E0599, not the E0308 it claims
  EXPECT_EQ(status("ch01/1-7"), "fail"); // compiles
  for (const auto* id : {"ch02/2-1", "ch02/2-2", "ch02/2-3", "ch02/2-4", "ch02/2-5", "ch02/2-7", "ch02/2-8"}) {
    EXPECT_EQ(status(id), "fail") << id;
  }
  EXPECT_EQ(status("ch02/2-6"), "pass");
  // A body with an unresolved name is not borrow-checked, alone or in a batch.
  EXPECT_EQ(find_result(merged, "ch02/2-7")["actual"]["errors"], json::array({"E0425"}));
  EXPECT_EQ(status("ch03/3-1"), "fail");
  EXPECT_EQ(status("ch03/3-3"), "pass");

  // Far fewer targets than listings: the failures were settled inside their batches.
  EXPECT_NE(merged_log.find("failures are settled by the batch"), std::string::npos) << merged_log;
  EXPECT_LE(cargo_targets(merged) * 2, cargo_targets(alone)) << merged_log;

  // And the cache keeps the same: a second merged run answers from it.
  const auto [cached_first, first_log] = check("cached", "");
  const auto [cached, cached_log] = check("cached", "");
  EXPECT_EQ(cargo_targets(cached), 0) << cached_log;
  EXPECT_EQ(what_each_listing_got(cached), alone_got);
  fs::remove_all(folder);
}

TEST(FailingBatches, BatchesRustcStoppedBeforeTypeCheckingSettleExactlyAsBuildsAlone)
{
  // An unresolved trait, prose in a fence, a failed glob import that hides the others' unresolved
  // names, two members defining the same name: rustc stops early or writes paths unlike alone.
  const auto folder = fresh_test_folder("stopped-batches");
  const auto book = source_dir / "tests/e2e/books/stopped-batches";
  const auto check = [&](const std::string& name, const std::string& flags) {
    return check_book(book, folder, name, flags);
  };
  const auto [merged, merged_log] = check("merged", "--no-cache");
  const auto [alone, alone_log] = check("alone", "--no-cache --no-merge");
  const auto merged_got = what_each_listing_got(merged);
  const auto alone_got = what_each_listing_got(alone);
  ASSERT_EQ(merged_got.size(), alone_got.size());
  for (const auto& [id, got] : alone_got) {
    EXPECT_EQ(merged_got.at(id), got) << id << "\n" << merged_log;
  }
  const auto status = [&](const std::string& id) { return find_result(merged, id)["status"].get<std::string>(); };
  EXPECT_EQ(find_result(merged, "ch01/1-1")["actual"]["errors"], json::array({"E0405"}));
  EXPECT_EQ(find_result(merged, "ch01/1-5")["actual"]["errors"], json::array({"E0425", "error"}));
  for (const auto* id : {"ch01/1-2", "ch01/1-3", "ch01/1-6"}) {
    EXPECT_EQ(status(id), "fail") << id;
  }
  EXPECT_EQ(status("ch01/1-7"), "pass");
  EXPECT_EQ(status("ch01/1-8"), "pass");
  EXPECT_NE(merged_log.find("rustc stopped before"), std::string::npos) << merged_log;
  fs::remove_all(folder);
}

} // namespace
} // namespace snipcheck::e2e
