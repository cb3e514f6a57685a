#!/bin/sh
# Runs an acikit tool with the given arguments and rewrites its --help for
# help2man(1), which runs "THIS TOOL --help" and "THIS TOOL --version":
#  - Boost.Program_options' "-h [ --help ]" becomes "-h, --help";
#  - an option whose name and value fill the whole first column (Boost then
#    leaves one space before the description) gets the two spaces help2man
#    needs to tell them apart. The column is where Boost indents the wrapped
#    description lines of the Options block;
#  - the closing "Exit status: ..." line is left out: aci-TOOL.h2m's EXIT
#    STATUS section, right after OPTIONS, says it in full.
# The tools print their usage continuation lines as "   or: aci-x ...", the
# form help2man reads as SYNOPSIS lines, themselves.
# The tool's own output is unchanged; only the man page sees this.
set -e
tool=$1
shift
out=$("$tool" "$@")
col=$(printf '%s\n' "$out" | awk '/^Options:$/ { o = 1; next } o && /^$/ { o = 0 }
  o && match($0, /^    *[^ ]/) { print RLENGTH - 1; exit }')
printf '%s\n' "$out" | sed \
  -e 's/^\(  *\)-\([A-Za-z0-9]\) \[ \(--[A-Za-z0-9-]*\) \]/\1-\2, \3/' \
  -e '/^Exit status: 0 success, /d' |
  awk -v col="${col:-0}" '/^Options:$/ { o = 1 } o && /^$/ { o = 0 }
  o && col > 2 && /^  -/ && substr($0, col, 1) == " " && substr($0, col - 1, 1) != " " {
    $0 = substr($0, 1, col) " " substr($0, col + 1) }
  { print }'
