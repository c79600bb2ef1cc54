#!/usr/bin/env bash
# Measures variable updates on one instance of `wfctl dev` (the real
# binary): UPDATES VARIABLE_DOCUMENT UPDATE commands of 60,000 new
# variables each, one after the other, and how long each took to its Done
# marker. Setting k variables must cost O(k) whatever the scope holds, so
# the last updates take about as long as the first: the script prints each
# time, the sum, and the sum over UPDATES times the first update (about 1
# or below when linear; the scan it replaced made it grow with every
# update).
#
#   scripts/bench-dev-variables.sh      (UPDATES=20 by default)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="/usr/local/go/bin:$PATH"
cd "$root"
out=$(WFCTL_VARIABLE_UPDATES=${UPDATES:-20} go test -count=1 -run '^TestVariableUpdatesRealBinary$' -v ./pkg/dev)
echo "$out" | grep 'update ' | sed 's/^ *variables_test.go:[0-9]*: //'
echo "$out" | grep 'update ' | awk '
  { d=$NF; ms = d ~ /ms$/ ? d+0 : (d ~ /µs$/ ? d/1000 : d*1000); if (NR==1) first=ms; sum+=ms; n++ }
  END { printf "sum %.0f ms, first %.0f ms, sum / (%d x first) = %.2f\n", sum, first, n, sum/(n*first) }'
