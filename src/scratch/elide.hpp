#pragma once
// Elided code in a listing (WrapOptions::elide): `/* ... */` and `// ...` stand
// for code the book left out, and a function body of comments only gets a
// `todo!()`, so that the listing compiles as far as it is written.

#include <string>
#include <vector>

namespace snipcheck::scratch {

// The line with `/* ... */` (or `/* … */`) and a line that is only `// ...`
// replaced by `todo!()`.
std::string elide_markers(std::string line);

// Lines after which a synthetic `todo!()` is inserted: the last comment line of
// a function body that holds only comments.
std::vector<bool> comment_only_function_bodies(const std::vector<std::string>& code);

} // namespace snipcheck::scratch
