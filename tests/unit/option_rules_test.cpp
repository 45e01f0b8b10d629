// Every setting is checked in one place (app/options_rules.cpp), by the same
// rule whether snipcheck.toml or the command line gives it.
#include "app/options.hpp"
#include "util/errors.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

namespace snipcheck::app {
namespace {

namespace fs = std::filesystem;

class CommandLineSettings : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_dir = fs::temp_directory_path() / ("snipcheck-option-rules-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir / "expected");
    write("snipcheck.toml", good_config);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  void write(const std::string& name, const std::string& text) const { std::ofstream(m_dir / name) << text; }

  // The one message merging `given` over snipcheck.toml fails with; empty when it does not.
  std::string problem_of(const CommandLine& given, MissingExpected missing = MissingExpected::rejected) const
  {
    try {
      merge_command_line(given, m_dir, missing);
    } catch (const InputError& error) {
      EXPECT_EQ(error.problems().size(), 1u);
      return error.problems().front().message;
    }
    return {};
  }

  // The message snipcheck.toml saying `config` fails with (the good file is put back after).
  std::string config_problem(const std::string& config) const
  {
    write("snipcheck.toml", config);
    std::string problem;
    try {
      load_defaults(m_dir);
    } catch (const InputError& error) {
      problem = error.problems().front().message;
    }
    write("snipcheck.toml", good_config);
    return problem;
  }

  static constexpr const char* good_config = "jobs = 3\ntimeout = 2.5\n";

  fs::path m_dir;
};

TEST_F(CommandLineSettings, TheCommandLineWinsOverTheFile)
{
  CommandLine given;
  given.jobs = 7;
  given.editions = {"2018", "2024"};
  given.shard = "2/4";
  given.reports = {"json=out.json", "github"};
  given.selectors = {"ch02"};
  given.merge = false;
  given.color = "never";
  const auto options = merge_command_line(given, m_dir);
  EXPECT_EQ(options.jobs, 7);
  EXPECT_EQ(options.timeout_seconds, 2.5); // the file's, not given here
  EXPECT_EQ(options.editions, (std::vector<std::string>{"2018", "2024"}));
  ASSERT_TRUE(options.shard);
  EXPECT_EQ(options.shard->index, 2);
  EXPECT_EQ(options.shard->count, 4);
  ASSERT_EQ(options.reports.size(), 2u);
  EXPECT_EQ(options.reports[0].path, "out.json");
  EXPECT_TRUE(options.reports[1].path.empty()); // github: standard output
  EXPECT_EQ(options.selectors, (std::vector<std::string>{"ch02"}));
  EXPECT_FALSE(options.merge);
  EXPECT_EQ(options.color, ColorChoice::never);
}

TEST_F(CommandLineSettings, JobsTimeoutAndEditionsFollowOneRuleInBothPlaces)
{
  EXPECT_EQ(config_problem("jobs = 0\n"), "`jobs` must be a whole number from 1 to 9999");
  CommandLine given;
  given.jobs = 0;
  EXPECT_EQ(problem_of(given), "--jobs 0 must be a whole number from 1 to 9999");
  given.jobs = 10000;
  EXPECT_EQ(problem_of(given), "--jobs 10000 must be a whole number from 1 to 9999");
  EXPECT_EQ(jobs_problem(9999, GivenIn::config), std::nullopt);
  EXPECT_EQ(jobs_problem(1, GivenIn::command_line), std::nullopt);

  EXPECT_EQ(config_problem("timeout = 86400\n"), "`timeout` must be a number of seconds, above 0 and below a day");
  given = {};
  given.timeout = 0;
  given.timeout_text = "0.0";
  EXPECT_EQ(problem_of(given), "--timeout 0.0 must be a number of seconds above 0 and below a day (86400)");
  EXPECT_EQ(timeout_problem(0.5, GivenIn::command_line, "0.5"), std::nullopt);

  EXPECT_EQ(config_problem("edition = \"2022\"\n"), "unknown edition `2022` (use 2015, 2018, 2021 or 2024)");
  given = {};
  given.editions = {"2021", "2022"};
  EXPECT_EQ(problem_of(given), "unknown edition `2022` (use 2015, 2018, 2021 or 2024)");
}

TEST_F(CommandLineSettings, AShardIsKOfNReadWithoutARegex)
{
  EXPECT_EQ(parse_shard("1/1")->count, 1);
  EXPECT_EQ(parse_shard("12/40")->index, 12);
  for (const auto* wrong : {"0/4", "5/4", "2/", "/4", "2/4x", " 2/4", "+2/4", "2/-4", "a/b", "2//4", "24", "",
                            "99999999999/99999999999"}) {
    EXPECT_EQ(parse_shard(wrong), std::nullopt) << wrong;
  }
  CommandLine given;
  given.shard = "5/4";
  EXPECT_EQ(problem_of(given), "--shard `5/4` must be K/N with 1 <= K <= N, like 2/4");
}

TEST_F(CommandLineSettings, AReportNeedsAKnownFormatAndAPath)
{
  CommandLine given;
  given.reports = {"xml=out.xml"};
  EXPECT_EQ(problem_of(given), "unknown report format `xml` (use json=PATH, junit=PATH or github)");
  given.reports = {"junit"};
  EXPECT_EQ(problem_of(given), "--report junit needs a path: --report junit=PATH");
  EXPECT_EQ(parse_report_request("github=annotations.txt").path, "annotations.txt");
}

TEST_F(CommandLineSettings, AnExpectedFolderElsewhereThanTheBooksIsATypoUnlessBlessCreatesIt)
{
  CommandLine given;
  given.expected = (m_dir / "expectd").string();
  EXPECT_EQ(problem_of(given), "--expected " + given.expected + ": no such folder, while the book's annotations are in " +
                                   (m_dir / "expected").string() + " (`snipcheck bless --expected " + given.expected +
                                   "` creates a new one)");
  EXPECT_EQ(problem_of(given, MissingExpected::created), "");
  write("a-file", "");
  given.expected = (m_dir / "a-file").string();
  EXPECT_EQ(problem_of(given, MissingExpected::created), "--expected " + given.expected + " is not a folder");
}

} // namespace
} // namespace snipcheck::app
