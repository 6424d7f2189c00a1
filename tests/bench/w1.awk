# W1: one process, 4 slice tracks and 2 counter tracks; slices in nested
# stacks of depth 4 on one track at a time, 16 distinct names (W3: every
# name distinct, with -v distinct=1); every 10th slice an instant with one
# integer arg and a counter sample; every 100th slice a flow to the next.
# Timestamps in epoch nanoseconds, events 1 to 10 microseconds apart.
# With -v slices_only=1: the slices alone, to count bytes per slice.
# Usage: awk -v n=1000000 [-v distinct=1] [-v slices_only=1] -f w1.awk
function ts(   s) { return sprintf("%d%09d", sec, ns) }
function step(d) { ns += d; while (ns >= 1000000000) { ns -= 1000000000; sec++ } }
BEGIN {
	srand(1)
	sec = 1700000000; ns = 0
	print "kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,line,value,flows,flows_end,args"
	print "process,,,1,,,,,,w1,,,,,,,"
	for (k = 0; k < 4; k++) printf "track,,,1,,slices-%d,,,,slices %d,,,,,,,\n", k, k
	for (k = 0; k < 2; k++) printf "track,,,1,,counter-%d,,,,counter %d,,,,,,,\"{\"\"unit\"\":\"\"count\"\"}\"\n", k, k
	for (i = 0; i < n; i += 4) {
		track = "slices-" int(i / 4) % 4
		# a stack of four: each slice 1-10 us after the one before, each
		# ending 1-10 us before its parent ends
		total = 0
		for (d = 0; d < 4; d++) { gap[d] = 1000 + int(rand() * 9000); total += gap[d] }
		inner = 1000 + int(rand() * 9000)
		for (d = 3; d >= 0; d--) { tail[d] = 1000 + int(rand() * 9000) }
		len[3] = inner
		for (d = 2; d >= 0; d--) len[d] = len[d + 1] + gap[d + 1] + tail[d + 1]
		for (d = 0; d < 4 && i + d < n; d++) {
			j = i + d
			name = distinct ? "slice-" j : "name-" (j % 16)
			flow = ""; fend = ""
			if (j % 100 == 0 && !slices_only) flow = "f" j
			if (j % 100 == 1 && !slices_only) fend = "f" (j - 1)
			printf "slice,%s,%d,1,,%s,,,%d,%s,,,,,%s,%s,\n", ts(), len[d], track, d, name, flow, fend
			if (j % 10 == 0 && !slices_only) {
				printf "instant,%s,,1,,%s,,,,tick,,,,,,,\"{\"\"n\"\":%d}\"\n", ts(), track, j
				printf "counter,%s,,1,,counter-%d,,,,,,,,%d,,,\n", ts(), int(j / 10) % 2, j % 1000
			}
			if (d < 3) step(gap[d + 1])
		}
		step(inner + tail[3] + tail[2] + tail[1] + 1000 + int(rand() * 9000))
	}
}
