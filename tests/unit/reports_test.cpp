#include "report/ci_reports.hpp"

#include <gtest/gtest.h>

namespace snipcheck::report {
namespace {

TEST(Reports, XmlEscaping)
{
  EXPECT_EQ(xml_escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  EXPECT_EQ(xml_escape(std::string("bell\x07")), "bell?");
}

TEST(Reports, GithubEscaping)
{
  EXPECT_EQ(github_escape_data("50% done\nnext"), "50%25 done%0Anext");
  EXPECT_EQ(github_escape_property("a:b,c"), "a%3Ab%2Cc");
}

} // namespace
} // namespace snipcheck::report
