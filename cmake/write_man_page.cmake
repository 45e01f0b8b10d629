# A man page without help2man: the NAME line, BINARY --help as written, and the
# sections of INCLUDE (help2man's include format: "[SECTION]" lines, then roff).
#   cmake -DBINARY=... -DINCLUDE=docs/snipcheck.h2m -DOUTPUT=snipcheck.1 -P write_man_page.cmake
execute_process(COMMAND "${BINARY}" --help OUTPUT_VARIABLE help RESULT_VARIABLE help_status)
execute_process(COMMAND "${BINARY}" --version OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT help_status EQUAL 0)
  message(FATAL_ERROR "${BINARY} --help failed: ${help_status}")
endif()
# roff: a leading dot or quote would be a request, a backslash an escape.
string(REPLACE "\\" "\\e" help "${help}")
string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
file(READ "${INCLUDE}" sections)
string(REGEX REPLACE "(^|\n)\\[([^]\n]+)\\]" "\\1.SH \\2" sections "${sections}")
file(WRITE "${OUTPUT}" ".TH SNIPCHECK 1 \"\" \"${version}\" \"User Commands\"
.SH NAME
snipcheck \\- check the Rust listings of a book
.SH SYNOPSIS
.nf
${help}.fi
${sections}")
