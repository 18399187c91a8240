# bash completion for btfkit(1); installed as
# $(datadir)/bash-completion/completions/btfkit, where bash-completion finds it.
# The commands come from `btfkit --help` and each command's options from
# `btfkit help CMD`, so that new ones complete without a change here.

# the commands: the lines "  NAME  summary" under "commands:"
_btfkit_commands()
{
	"$1" --help 2>/dev/null | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\)  .*/\1/p'
}

# the options a command's help lists: every --long, and every -X that
# starts an option's line or stands in the usage's brackets
_btfkit_options()
{
	"$1" help "$2" 2>/dev/null |
		grep -oE -- '(^|[][ ,|(])(--[a-z][a-z0-9-]*|-[A-Za-z0-9])([] ,|)=]|$)' |
		sed -E 's/^[][ ,|(]*//; s/[] ,|)=]*$//' | sort -u
}

# what an option takes, from its line in the help ("  -t, --threads N"):
# the word after it, or nothing when it takes no argument
_btfkit_option_arg()
{
	"$1" help "$2" 2>/dev/null | grep -E -- "^ +(-[A-Za-z0-9], +)?--?[A-Za-z0-9-]+" |
		grep -E -- "(^|[ ,])$3([ ,=]|$)" | head -1 |
		sed -E 's/^ +(-[A-Za-z0-9],? *)?(--[a-z][a-z0-9-]*)?[ =]*//' |
		sed -nE 's/^([A-Z][A-Z_]*|[0-9][0-9|]*)( .*|$)/\1/p'
}

_btfkit()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local tool=${COMP_WORDS[0]} cmd=${COMP_WORDS[1]:-} arg
	command -v "$tool" >/dev/null 2>&1 || tool=btfkit
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$(_btfkit_commands "$tool") help --help --version" -- "$cur"))
		return
	fi
	if [ "$cmd" = help ]; then
		[ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "$(_btfkit_commands "$tool")" -- "$cur"))
		return
	fi
	case $prev in
	-*)
		arg=$(_btfkit_option_arg "$tool" "$cmd" "$prev")
		case $arg in
		'') ;;
		N | [0-9]*)
			COMPREPLY=($(compgen -W "${arg//|/ }" -- "$cur"))
			[ "$arg" = N ] && COMPREPLY=()
			return ;;
		NAME | .BTF*)
			COMPREPLY=($(compgen -W ".BTF .BTF.base" -- "$cur"))
			return ;;
		*)
			_btfkit_files
			return ;;
		esac
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_btfkit_options "$tool" "$cmd")" -- "$cur"))
		return
	fi
	_btfkit_files
}

# file arguments: bash-completion's _filedir when it is loaded
_btfkit_files()
{
	if declare -F _filedir >/dev/null; then
		_filedir
	else
		local IFS=$'\n'
		COMPREPLY=($(compgen -f -- "${COMP_WORDS[COMP_CWORD]}"))
		compopt -o filenames 2>/dev/null
	fi
}

complete -F _btfkit btfkit
