# What every program owes: --help within 80 columns, --version, a usage
# error, a man page that lints clean with the sections users look for;
# and make install / uninstall under DESTDIR.
version=$(sed -n 's/^VERSION = //p' config.mk)
for src in tools/*.c; do
	tool=$(basename "$src" .c)
	t "$tool: --help" 0 '' '*' '' -- "$BIN/$tool" --help
	if grep -q "^usage: $tool" "$T/out" && ! awk 'length > 80 { bad = 1 } END { exit !bad }' "$T/out"; then
		pass "$tool: --help is a usage within 80 columns"
	else
		fail "$tool: --help is a usage within 80 columns" "$(cat "$T/out")"
	fi
	t "$tool: -h" 0 '' '*' '' -- "$BIN/$tool" -h
	t "$tool: --version" 0 '' "$tool (spanpipe) $version" '' -- "$BIN/$tool" --version
	t "$tool: unknown option" 64 '' '' "usage: $tool" -- "$BIN/$tool" --no-such-option
	page=man/$tool.1
	if [ ! -f "$page" ]; then
		fail "$tool: has a man page" "$page is missing"
		continue
	fi
	pass "$tool: has a man page"
done
for page in man/*.[1-9]; do
	check "$page: mandoc lint" sh -c "mandoc -T lint -W warning '$page' && [ -z \"\$(mandoc -T lint -W warning '$page')\" ]"
	case $page in
	*.1) sections='NAME SYNOPSIS DESCRIPTION "EXIT STATUS" EXAMPLES "SEE ALSO"' ;;
	*) sections='NAME DESCRIPTION EXAMPLES "SEE ALSO"' ;;
	esac
	eval "set -- $sections"
	for s in "$@"; do
		if grep -q "^\.Sh $s\$" "$page" || grep -q "^\.Sh \"$s\"\$" "$page"; then
			pass "$page: section $s"
		else
			fail "$page: section $s" "no .Sh $s"
		fi
	done
done

dest=$T/destdir
make -s install BUILD="$BUILD" DESTDIR="$dest" PREFIX=/opt/sp >"$T/install.log" 2>&1
ok=1
for src in tools/*.c; do
	tool=$(basename "$src" .c)
	[ -x "$dest/opt/sp/bin/$tool" ] || ok=0
	[ -f "$dest/opt/sp/share/man/man1/$tool.1" ] || ok=0
	[ -f "$dest/opt/sp/share/bash-completion/completions/$tool" ] || ok=0
done
[ -f "$dest/opt/sp/share/man/man5/spanpipe-records.5" ] || ok=0
[ $ok = 1 ] && pass "make install honours PREFIX and DESTDIR" || fail "make install honours PREFIX and DESTDIR" "$(cat "$T/install.log")" "$(find "$dest" | head -20)"
make -s uninstall BUILD="$BUILD" DESTDIR="$dest" PREFIX=/opt/sp >>"$T/install.log" 2>&1
left=$(find "$dest" -type f | head -5)
[ -z "$left" ] && pass "make uninstall removes what install put" || fail "make uninstall removes what install put" "$left"

# Bash completion offers each tool's long options, read from its --help.
if command -v bash >/dev/null 2>&1; then
	for src in tools/*.c; do
		tool=$(basename "$src" .c)
		got=$(PATH="$BIN:$PATH" bash -c '. completion/spanpipe.bash; COMP_WORDS=("$1" --); COMP_CWORD=1; _spanpipe "$1" -- "$1"; printf "%s\n" "${COMPREPLY[@]}"' sh "$tool")
		echo "$got" | grep -qx -- --help && echo "$got" | grep -qx -- --version &&
			pass "$tool: bash completion offers its options" ||
			fail "$tool: bash completion offers its options" "$got"
	done
fi
