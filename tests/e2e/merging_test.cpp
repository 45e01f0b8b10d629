// rustdoc's semantics that merged batches must keep: binary-wide attributes,
// errors only a full build sees, test_harness, crate_name, standalone_crate.
// The statuses below are what `rustdoc --test` says of the same file.
#include "e2e_support.hpp"

#include <fmt/format.h>

#include <fstream>

namespace snipcheck::e2e {
namespace {

using nlohmann::json;

class Merging : public ::testing::TestWithParam<const char*>
{
protected:
  void SetUp() override { m_temp = fresh_test_folder("merging"); }
  void TearDown() override { fs::remove_all(m_temp); }
  fs::path m_temp;
};

TEST_P(Merging, BlocksGetRustdocsVerdicts)
{
  const auto report = m_temp / "report.json";
  const auto run = run_shell(fmt::format("'{}' --book '{}' --build-dir b --no-cache {} --report json='{}'",
                                         binary.string(), (source_dir / "tests/e2e/books/rustdoc-semantics").string(),
                                         GetParam(), report.string()),
                             m_temp, m_temp);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err; // two blocks are wrong, as rustdoc also says
  // Reports carry what listings printed: only their owner may read them.
  EXPECT_EQ(fs::status(report).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  const auto results = json::parse(text::read_file(report))["results"];
  const std::vector<std::string> expected{"pass", "pass", "pass", "pass", "fail", "pass", "fail", "pass", "pass"};
  ASSERT_EQ(results.size(), expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    EXPECT_EQ(results[k]["status"], expected[k]) << results[k]["id"] << "\n" << run.out;
  }
  // The overflow is caught by the build, as rustdoc does; `cargo check` would let it through.
  EXPECT_EQ(results[4]["actual"]["errors"], json::array({"arithmetic_overflow"}));
  // The failing test ran: the harness exits 101.
  EXPECT_EQ(results[6]["actual"]["exit_code"], 101);
  EXPECT_NE(results[7]["actual"]["stdout"].get<std::string>().find("hello from greeter"), std::string::npos);
}

// A listing sees the crates it declares, not those of its neighbours: so its
// verdict is the same in a full run, alone, and from the cache.
TEST(Crates, AListingDoesNotSeeCratesOnlyItsNeighbourDeclares)
{
  const auto folder = fresh_test_folder("crates");
  fs::create_directories(folder / "expected");
  std::ofstream(folder / "book.md") << "# Crates\n\n"
                                       "```rust\nfn main() -> anyhow::Result<()> { Ok(()) }\n```\n\n"
                                       "```rust\nfn main() -> anyhow::Result<()> { Ok(()) }\n```\n";
  std::ofstream(folder / "expected" / "ch01.toml") << "[\"ch01/1-1\"]\nexpect = \"run\"\ndeps = { anyhow = \"1\" }\n";
  std::ofstream(folder / "snipcheck.toml")
      << "book = \"book.md\"\nexpected = \"expected\"\nbuild-dir = \"b\"\n\n[registry]\n"
         "directory = \"/usr/share/cargo/registry\"\n";
  const auto status_of_second = [&](const std::string& flags) {
    const auto report = folder / "report.json";
    const auto run = run_shell(fmt::format("'{}' {} --report json='{}'", binary.string(), flags, report.string()),
                               folder, folder);
    EXPECT_NE(run.exit_code, 3) << run.out << run.err;
    return find_result(json::parse(text::read_file(report)), "ch01/1-2")["status"].get<std::string>();
  };
  const auto full = status_of_second("");
  EXPECT_NE(full, "pass") << "the second listing declares no crate";
  EXPECT_EQ(status_of_second("ch01/1-2"), full);
  EXPECT_EQ(status_of_second("ch01/1-2 --no-cache"), full);
  EXPECT_EQ(status_of_second("--no-cache --no-merge"), full);
  EXPECT_EQ(find_result(json::parse(text::read_file(folder / "report.json")), "ch01/1-1")["status"], "pass");
  fs::remove_all(folder);
}

INSTANTIATE_TEST_SUITE_P(MergedAndAlone, Merging, ::testing::Values("", "--no-merge"),
                         [](const auto& info) { return info.index == 0 ? "merged" : "alone"; });

} // namespace
} // namespace snipcheck::e2e
