# Usage: awk -v src=SRC_TREE [-v raw=1] -f scripts/pipeline/warnings.awk BUILD_LOG...
#
# Print one key per compiler, sparse, linker, modpost or kernel-doc
# diagnostic: "TOOL<TAB>FILE<TAB>MESSAGE", with the source tree prefix and
# line/column numbers removed, so the same warning matches across patches
# that move lines. Sort -u the output to compare two sets with comm.
# With raw=1, each key is followed by a tab and the log line it came from.
function out(key) {
	if (raw)
		print key "\t" $0
	else
		print key
}
function strip(path) {
	if (index(path, src "/") == 1)
		path = substr(path, length(src) + 2)
	while (path ~ /^\.\.\//)
		path = substr(path, 4)
	return path
}
{
	tool = "cc"
	line = $0
	# gcc quotes by the locale (kbuild unexports LC_ALL): fold to ASCII.
	gsub(/\342\200\230|\342\200\231/, "'", line)
	if (line ~ /^sparse: /) {
		tool = "sparse"
		line = substr(line, 9)
	}
}
# gcc / sparse: FILE:LINE[:COL]: warning|error: MESSAGE
match(line, /^[^ :]+:[0-9]+(:[0-9]+)?: (warning|error|fatal error): /) {
	head = substr(line, 1, RLENGTH)
	msg = substr(line, RLENGTH + 1)
	split(head, part, ":")
	sev = head
	sub(/: $/, "", sev)
	sub(/^.*: /, "", sev)
	out(sprintf("%s\t%s\t%s %s", tool, strip(part[1]), sev, msg))
	next
}
# kernel-doc: "Warning: FILE:LINE MESSAGE" or "warning: ..."
match(line, /^[Ww]arning: [^ :]+:[0-9]+ /) {
	split(substr(line, 10, RLENGTH - 10), part, ":")
	out(sprintf("kernel-doc\t%s\t%s", strip(part[1]), substr(line, RLENGTH + 1)))
	next
}
# modpost, ld and objtool speak for the whole build.
/^(WARNING|ERROR): modpost: |^ld: warning: |: warning: objtool: / {
	out(sprintf("%s\t-\t%s", tool, line))
}
