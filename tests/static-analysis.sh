#!/bin/sh
# cppcheck over the library and the tool. The checks: cppcheck's default set
# plus warning, portability and performance; style is left out (it flags the
# kind table's designated initialisers and C11 idioms as noise).
set -eu
cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
	--inline-suppr --suppress=missingIncludeSystem -D__GNUC__ -D_GNU_SOURCE \
	-Iinclude -Isrc src cli
echo "cppcheck: clean"
