#!/bin/sh
# Runs an acikit tool with the given arguments and rewrites its --help for
# help2man(1), which runs "THIS TOOL --help" and "THIS TOOL --version":
#  - continuation lines of the usage ("       aci-x ...", aligned under the
#    first) become "   or: aci-x ...", the form help2man reads as SYNOPSIS lines;
#  - Boost.Program_options' "-h [ --help ]" becomes "-h, --help";
#  - an option whose default "(=X)" fills its column gets the two spaces
#    before its description that help2man needs to tell them apart.
# The tool's own output is unchanged; only the man page sees this.
set -e
tool=$1
shift
name=${tool##*/}
out=$("$tool" "$@")
printf '%s\n' "$out" | sed \
  -e '/^Usage:/,/^[^ ]/s/^ \{2,\}\('"$name"'\( \|$\)\)/   or: \1/' \
  -e 's/^\(  *\)-\([A-Za-z0-9]\) \[ \(--[A-Za-z0-9-]*\) \]/\1-\2, \3/' \
  -e 's/^\(  *-[^ ].*(=[^)]*)\) \([^ ]\)/\1  \2/'
