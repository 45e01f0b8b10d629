#include "book/latex_reader.hpp"
#include "test_support.hpp"
#include "util/errors.hpp"

#include <gtest/gtest.h>

namespace snipcheck::book {
namespace {

std::vector<std::string> texts(const Listing& listing)
{
  std::vector<std::string> result;
  for (const auto& line : listing.lines) {
    result.push_back(line.text);
  }
  return result;
}

TEST(LatexBook, ReadsTheCorpusBook)
{
  const auto book = read_latex_file(testing::source_dir() / "tests/corpus/latex/book.tex");
  EXPECT_EQ(book.format, Format::latex);
  std::vector<std::string> ids;
  std::vector<bool> rust;
  for (const auto& listing : book.listings) {
    ids.push_back(listing.id);
    rust.push_back(listing.is_rust);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"ch01/1-1", "ch01/1.1-1", "ch01/1.1-2", "ch01/1.1-3", "ch01/1.1.1-1",
                                           "ch01/1.1.1-2", "ch02/2-1", "ch02/2.1-1"}));
  EXPECT_EQ(rust, (std::vector<bool>{true, true, false, false, true, true, true, true}));
  const auto& first = book.listings[0];
  EXPECT_EQ(first.fence_line, 15);
  EXPECT_EQ(first.first_line(), 16);
  EXPECT_EQ(first.last_line(), 18);
  EXPECT_EQ(texts(first).front(), "fn main() {");
  EXPECT_EQ(book.listings[2].info, "bash"); // from \lstdefinestyle{shell}
  EXPECT_EQ(book.listings[5].info, "Rust");
  // \lstinputlisting: lines of the included file, at its own line numbers.
  const auto& input = book.listings[6];
  ASSERT_EQ(input.files.size(), 2u);
  EXPECT_EQ(input.files[1].filename(), "lifetimes.rs");
  ASSERT_EQ(input.lines.size(), 3u);
  EXPECT_EQ(input.lines[0].file_index, 1);
  EXPECT_EQ(input.lines[0].source_line, 2);
  EXPECT_EQ(input.lines[2].source_line, 4);
  EXPECT_EQ(input.fence_line, 51);
}

TEST(LatexBook, LanguageOptionsAndDefaults)
{
  const auto book = parse_latex_file("\\begin{lstlisting}\nno language\n\\end{lstlisting}\n"
                                     "\\lstset{\n  language = {rust},\n}\n"
                                     "\\begin{lstlisting}[caption=x]\nlet a = 1;\n\\end{lstlisting}\n"
                                     "\\begin{lstlisting}[language=Python]\nprint()\n\\end{lstlisting}\n"
                                     "\\lstset{language=C}\n"
                                     "\\begin{lstlisting}\nint x;\n\\end{lstlisting}\n"
                                     "\\begin{minted}[linenos]{rust}\nlet m = 1;\n\\end{minted}\n"
                                     "\\begin{minted}{python}\nx = 1\n\\end{minted}\n"
                                     "\\begin{lstlisting}[language={[Sharp]C}]\nint y;\n\\end{lstlisting}\n",
                                     "book.tex");
  std::vector<bool> rust;
  for (const auto& listing : book.listings) {
    rust.push_back(listing.is_rust);
  }
  EXPECT_EQ(rust, (std::vector<bool>{false, true, false, false, true, false, false}));
  EXPECT_EQ(book.listings[0].id, "ch00/0-1"); // before any \chapter
}

TEST(LatexBook, NumbersChaptersAndSectionsSkippingStarredOnes)
{
  const auto book = parse_latex_file("\\chapter*{Preface}\n"
                                     "\\chapter{One}\n\\section{A}\n\\subsection{B}\n\\section*{C}\n"
                                     "\\begin{minted}{rust}\nx\n\\end{minted}\n"
                                     "\\section[short]{D}\n\\begin{minted}{rust}\ny\n\\end{minted}\n"
                                     "\\chapter{Two}\\label{two}\n\\subsection{E}\n"
                                     "\\begin{minted}{rust}\nz\n\\end{minted}\n",
                                     "book.tex");
  ASSERT_EQ(book.listings.size(), 3u);
  EXPECT_EQ(book.listings[0].id, "ch01/1.1.1-1");
  EXPECT_EQ(book.listings[1].id, "ch01/1.2-1");
  EXPECT_EQ(book.listings[2].id, "ch02/2.0.1-1");
}

TEST(LatexBook, CommentsAndVerbatimAreNotListings)
{
  const auto book = parse_latex_file("% \\begin{lstlisting}\n"
                                     "\\begin{verbatim}\n\\begin{minted}{rust}\n\\end{verbatim}\n"
                                     "50\\% \\begin{minted}{rust}\nlet a = 1; % not a comment in code\n"
                                     "let b = 2;\\end{minted}\n",
                                     "book.tex");
  ASSERT_EQ(book.listings.size(), 1u);
  EXPECT_EQ(texts(book.listings[0]), (std::vector<std::string>{"let a = 1; % not a comment in code", "let b = 2;"}));
  EXPECT_EQ(book.listings[0].fence_line, 5);
}

TEST(LatexBook, UnclosedEnvironmentOrMissingInputIsBadInput)
{
  // An unclosed environment runs to the end of the file: its listing's problem, the others stand.
  const auto book = parse_latex_file("\\chapter{A}\n\\begin{lstlisting}[language=Rust]\nfn a() {}\n"
                                     "\\end{lstlisting}\n\\begin{lstlisting}[language=Rust]\nlet x = 1;\n",
                                     "book.tex");
  ASSERT_EQ(book.listings.size(), 2u);
  EXPECT_TRUE(book.listings[0].problems.empty());
  ASSERT_EQ(book.listings[1].problems.size(), 1u);
  EXPECT_EQ(book.listings[1].problems.front().line, 5);
  EXPECT_NE(book.listings[1].problems.front().message.find("\\begin{lstlisting} is never closed"), std::string::npos);
  EXPECT_EQ(book.listings[1].visible_text(), "let x = 1;\n");
  // An unclosed verbatim holds no listing: a problem of the book.
  const auto verbatim = parse_latex_file("\\chapter{A}\n\\begin{verbatim}\ntext\n", "book.tex");
  EXPECT_TRUE(verbatim.listings.empty());
  ASSERT_EQ(verbatim.problems.size(), 1u);
  EXPECT_EQ(verbatim.problems.front().line, 2);
  try {
    parse_latex_file("\n\\lstinputlisting[language=Rust]{missing.rs}\n", "book.tex");
    FAIL() << "a missing input file was accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(error.problems().front().line, 2);
  }
  EXPECT_THROW(parse_latex_file("\\begin{minted}{rust}\n\xff\n\\end{minted}\n", "book.tex"), InputError);
}

TEST(LatexBook, ReadBookDispatchesOnTheExtension)
{
  EXPECT_EQ(read_book(testing::source_dir() / "tests/corpus/latex/book.tex").format, Format::latex);
}

} // namespace
} // namespace snipcheck::book
