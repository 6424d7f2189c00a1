# bash completion for the spanpipe tools. The options are read from each
# tool's own --help, so they never drift from the program.
_spanpipe()
{
	local cur prev opts
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-o|--output|--db|--token-file|--chrome|--otlp|--jaeger|--zipkin)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--spans)
		# span-fetch's picks a kind; span-gen's takes a number
		if [[ ${1##*/} == span-fetch ]]; then
			COMPREPLY=($(compgen -W "thread async both" -- "$cur"))
		fi
		return
		;;
	--orphans)
		COMPREPLY=($(compgen -W "close drop" -- "$cur"))
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		opts=$("$1" --help 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _spanpipe span-fetch span-gen async-match perfetto-encode perfetto-inspect
