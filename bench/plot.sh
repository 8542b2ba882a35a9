#!/bin/bash
# bench/plot.sh — achieved vs offered rate, from a bench/run.sh results
# directory's steps.csv: one PNG per scenario (DIR/plot-SCENARIO.png), a line
# per server (and Kea threading mode) through every run of the search and the
# fixed-rate runs. Needs gnuplot (Debian: gnuplot-nox); skips without it.
#
# Usage: bench/plot.sh [DIR]     (default: the newest bench/results/* dir)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${1:-$(ls -d "$HERE"/results/*/ 2>/dev/null | sort | tail -1)}
DIR=${DIR%/}
command -v gnuplot >/dev/null || { echo "bench/plot.sh: gnuplot not installed; skipping"; exit 0; }
[ -f "$DIR/steps.csv" ] || { echo "bench/plot.sh: no $DIR/steps.csv"; exit 1; }
TMP=$(mktemp -d /tmp/nbplot.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# steps.csv: scenario,server,mode,tag,rate,secs,discover_sent,done,...
for scen in $(awk -F, 'NR > 1 {print $1}' "$DIR/steps.csv" | awk '!seen[$0]++'); do
    plots=""
    for sm in $(awk -F, -v s="$scen" 'NR > 1 && $1 == s {print $2 "-" $3}' "$DIR/steps.csv" | awk '!seen[$0]++'); do
        # offered exchanges/s, achieved (completed exchanges / seconds); the
        # mean of repeated runs at one rate
        awk -F, -v s="$scen" -v sm="$sm" 'NR > 1 && $1 == s && $2 "-" $3 == sm {
            n[$5]++; a[$5] += $8 / $6 } END { for (r in n) printf "%d %.1f\n", r, a[r] / n[r] }' "$DIR/steps.csv" |
            sort -n >"$TMP/$scen-$sm.dat"
        [ -s "$TMP/$scen-$sm.dat" ] || continue
        title=$(echo "$sm" | sed 's/^nestor-st$/Nestor/; s/^kea-st$/Kea (single-threaded)/; s/^kea-mt$/Kea (multi-threaded)/')
        plots="$plots${plots:+, }'$TMP/$scen-$sm.dat' using 1:2 with linespoints title '$title'"
    done
    [ -n "$plots" ] || continue
    max=$(awk -F, -v s="$scen" 'NR > 1 && $1 == s && $5 > m {m = $5} END {print m}' "$DIR/steps.csv")
    gnuplot <<EOF
set terminal pngcairo size 800,500 noenhanced
set output '$DIR/plot-$scen.png'
set title 'bench/run.sh $scen: achieved vs offered rate (same machine, same run)'
set xlabel 'offered exchanges/s'
set ylabel 'completed exchanges/s'
set key top left
set grid
set xrange [0:$max * 1.05]
set yrange [0:$max * 1.05]
plot x title 'offered' with lines dashtype 2 linecolor 'gray', $plots
EOF
    echo "$DIR/plot-$scen.png"
done
