#!/bin/sh
# Bash completion (completion/btfkit.bash): commands, every option each
# command's help lists, option arguments and file names.
. "$(dirname "$0")/help-lib.sh"
command -v bash >/dev/null || { bad "bash is missing"; finish; exit; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
touch "$tmp/mod one.ko" "$tmp/mod2.ko"

# complete WORDS...: what bash offers for the last word, one a line, sorted
complete_words() {
	bash -c '. completion/btfkit.bash
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _btfkit
		for w in "${COMPREPLY[@]}"; do printf "%s\n" "$w"; done | sort' _ "$TOOL" "$@"
}
offers() { # offers WANT WORDS...: WANT is among the completions
	want=$1; shift
	complete_words "$@" | grep -qxF -- "$want"
}
offers_exactly() { # offers_exactly "A B" WORDS...
	want=$1; shift
	[ "$(complete_words "$@" | tr '\n' ' ')" = "$want" ] ||
		{ echo "got '$(complete_words "$@" | tr '\n' ' ')', want '$want'"; return 1; }
}

for cmd in $(help_commands); do
	check "'btfkit <TAB>' offers $cmd" offers "$cmd" ""
	check "'btfkit help <TAB>' offers $cmd" offers "$cmd" help ""
	for opt in $(help_options "$cmd"); do
		check "'btfkit $cmd -<TAB>' offers $opt" offers "$opt" "$cmd" -
	done
done
check "btfkit dis<TAB>" offers_exactly "distill " dis
check "btfkit dump --j<TAB>" offers_exactly "--json " dump --j
check "btfkit check -t <TAB>: a number, no files" offers_exactly "" check -t ""
check "btfkit extract F -s <TAB>" offers_exactly ".BTF .BTF.base " extract F -s ""
check "btfkit dump DIR/mod<TAB>: files" offers_exactly "$tmp/mod one.ko $tmp/mod2.ko " dump "$tmp/mod"
check "btfkit dump -B DIR/mod2<TAB>: files" offers_exactly "$tmp/mod2.ko " dump -B "$tmp/mod2"
check "btfkit check -B F DIR/mod<TAB> after an option's argument: files" \
	offers_exactly "$tmp/mod one.ko $tmp/mod2.ko " check -B F "$tmp/mod"

# installed as make install does, bash-completion's loader finds it by name
loads() {
	mkdir -p "$tmp/share/bash-completion/completions"
	cp completion/btfkit.bash "$tmp/share/bash-completion/completions/btfkit"
	XDG_DATA_DIRS=$tmp/share bash -c '. /usr/share/bash-completion/bash_completion
		__load_completion btfkit && complete -p btfkit' | grep -q -- '-F _btfkit btfkit'
}
if [ -f /usr/share/bash-completion/bash_completion ]; then
	check "bash-completion loads \$(datadir)/bash-completion/completions/btfkit" loads
	check "make install puts it there" sh -c \
		'make -s -n install PREFIX=/usr | grep -q "completion/btfkit.bash .*/usr/share/bash-completion/completions/btfkit"'
else
	bad "bash-completion is missing (scripts/packages.txt)"
fi
finish
