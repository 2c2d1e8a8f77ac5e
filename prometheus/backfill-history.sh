#!/bin/sh
# Installs backfilled history into a Prometheus data directory: the raw series of `saas-exporter backfill` and the
# recording and SLO rules evaluated over them, so saas:*, crm:* and slo:* history exists too (docs/backfill.md).
#
#   prometheus/backfill-history.sh --input history.om --step 1d --data-dir /prometheus [--listen 127.0.0.1:9095]
#                                  [--work-dir DIR] [-- rule files...]
#
# --step is the backfill's --step (s, m, h, d or w; at least 1m; when 1h or more, a whole number of hours). The rules
# are evaluated by a private Prometheus this script starts on --listen with a query lookback of one step, so every
# evaluation sees the last backfilled step (a live Prometheus' 5-minute lookback sees nothing between sparse steps).
# Rule files default to prometheus/rules/*.yml and prometheus/rules/slo/*.yml beside this script. Needs prometheus,
# promtool (or $PROMETHEUS, $PROMTOOL) and wget or curl. The blocks are renamed into --data-dir at the end: a running
# Prometheus 2.39 or later loads them at its next block reload (within a minute); older ones need
# --storage.tsdb.allow-overlapping-blocks and a restart.
set -eu

die() { echo "backfill-history: $*" >&2; exit 2; }
fail() { echo "backfill-history: $*" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
input= step= data= listen=127.0.0.1:9095 work=
while [ $# -gt 0 ]; do
  case "$1" in
    --input) [ $# -ge 2 ] || die "--input needs a file"; input=$2; shift 2 ;;
    --step) [ $# -ge 2 ] || die "--step needs a duration"; step=$2; shift 2 ;;
    --data-dir) [ $# -ge 2 ] || die "--data-dir needs a directory"; data=$2; shift 2 ;;
    --listen) [ $# -ge 2 ] || die "--listen needs host:port"; listen=$2; shift 2 ;;
    --work-dir) [ $# -ge 2 ] || die "--work-dir needs a directory"; work=$2; shift 2 ;;
    --) shift; break ;;
    *) die "unknown argument '$1' (see the usage at the top of $0)" ;;
  esac
done
[ -n "$input" ] || die "--input is required (the OpenMetrics file of saas-exporter backfill --output)"
[ -f "$input" ] || die "--input '$input' is not a file"
[ -n "$data" ] || die "--data-dir is required (the Prometheus data directory)"
[ -d "$data" ] || die "--data-dir '$data' is not a directory"
[ $# -gt 0 ] || set -- "$here"/rules/*.yml "$here"/rules/slo/*.yml
for file in "$@"; do [ -f "$file" ] || die "rule file '$file' does not exist"; done

# A duration in seconds: a number and one unit.
seconds() {
  case "$1" in
    *[!0-9smhdw]* | [!0-9]* | *[0-9]) return 1 ;;
  esac
  number=${1%?}
  case "$number" in *[!0-9]* | '') return 1 ;; esac
  case "$1" in
    *s) echo $((number)) ;;
    *m) echo $((number * 60)) ;;
    *h) echo $((number * 3600)) ;;
    *d) echo $((number * 86400)) ;;
    *w) echo $((number * 604800)) ;;
  esac
}
[ -n "$step" ] || die "--step is required (the step the backfill was computed with)"
step_s=$(seconds "$step") || die "--step '$step' is not a duration such as 30m, 1h or 1d"
[ "$step_s" -ge 60 ] || die "--step '$step' is under one minute"
[ "$step_s" -le 604800 ] || die "--step '$step' is over a week"

prometheus=${PROMETHEUS:-prometheus}
promtool=${PROMTOOL:-promtool}
command -v "$prometheus" > /dev/null || fail "prometheus not found (set PROMETHEUS)"
command -v "$promtool" > /dev/null || fail "promtool not found (set PROMTOOL)"
if command -v wget > /dev/null; then get() { wget -qO- "$1"; }
elif command -v curl > /dev/null; then get() { curl -fsS "$1"; }
else fail "neither wget nor curl found"; fi

# The work directory sits in the data directory by default, so moving a finished block in is a rename (Prometheus only
# loads directories named like a block, so it never reads a half-written one).
work=${work:-$data/backfill-work}
rm -rf "$work"
mkdir -p "$work/raw" "$work/tsdb" "$work/rules" "$work/rule-blocks"
pid=
stop_private() {
  if [ -n "$pid" ]; then kill "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; pid=; fi
}
trap 'stop_private' EXIT
trap 'exit 1' INT TERM

started=$(date +%s)
"$promtool" tsdb create-blocks-from openmetrics --quiet --max-block-duration=4374h "$input" "$work/raw" > /dev/null \
  || fail "promtool could not turn '$input' into blocks"
# The first and last sample's instants, in seconds (a block's max time is one past its last sample).
range=$("$promtool" tsdb list "$work/raw" | awk 'NR > 1 { if (min == "" || $2 < min) min = $2; if ($3 > max) max = $3 }
  END { if (min != "") printf "%d %d\n", min / 1000, (max - 1) / 1000 }')
[ -n "$range" ] || fail "'$input' holds no samples"
first=${range% *}
last=${range#* }
cp -R "$work/raw/." "$work/tsdb/"

# The rule files without alerting rules (promtool skips them anyway) and without the rules that read the exporter's
# own series: those are not backfilled, and a rule such as saas_exporter:data_age:intervals, which is Inf when they
# are absent, would record a false outage over the whole history.
index=0
for file in "$@"; do
  index=$((index + 1))
  awk '
    function flush() { if (item != "" && !drop) printf "%s", item; item = ""; drop = 0 }
    /^[[:space:]]*- (record|alert):/ { flush(); item = $0 "\n"; drop = ($0 ~ /- alert:/); next }
    /^[[:space:]]*- name:/ || /^[^[:space:]#]/ { flush(); print; next }
    item != "" { item = item $0 "\n"; if ($0 ~ /saas_exporter/) drop = 1; next }
    { print }
    END { flush() }' "$file" > "$work/rules/$index-$(basename "$file")"
done

start_private() {
  printf 'global:\n  evaluation_interval: 1h\n' > "$work/prometheus.yml"
  "$prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" --web.listen-address="$listen" \
    --storage.tsdb.retention.time=100y --query.lookback-delta="${step_s}s" --log.level=warn \
    > "$work/prometheus.log" 2>&1 &
  pid=$!
  tries=0
  until get "http://$listen/-/ready" > /dev/null 2>&1; do
    kill -0 "$pid" 2> /dev/null || fail "the private prometheus on $listen exited: $(cat "$work/prometheus.log")"
    tries=$((tries + 1))
    [ "$tries" -lt 600 ] || fail "the private prometheus on $listen is not ready after 60 s"
    sleep 0.1
  done
}

# Recorded series are named level:metric:operation, raw series never hold a colon.
recorded_series() {
  get "http://$listen/api/v1/series?match%5B%5D=%7B__name__%3D~%22.%2B%3A.%2B%22%7D&start=$first&end=$last" \
    | grep -o '"__name__"' | wc -l | tr -d ' '
}

# promtool's recorded samples moved onto the steps, as OpenMetrics. promtool evaluates each group at its own offset
# within the interval (a hash of its file and name); the one-step lookback gives an evaluation at step + offset exactly
# the value at the step, so the sample moves back to the step and sits on the instant of the raw samples it came from.
on_steps() {
  mkdir -p "$1/wal"
  "$promtool" tsdb dump --match='{__name__=~".+:.+"}' "$1" | awk -v step="$((step_s * 1000))" \
    -v first="$((first * 1000))" -v last="$((last * 1000))" '
    {
      ts = $NF; value = $(NF - 1)
      at = ts - ts % step
      if (at < first || at > last) next
      labels = substr($0, 1, length($0) - length($NF) - length($(NF - 1)) - 2)
      match(labels, /__name__="[^"]*"/)
      name = substr(labels, RSTART + 10, RLENGTH - 11)
      rest = substr(labels, 1, RSTART - 1) substr(labels, RSTART + RLENGTH)
      # promtool sorts labels by name, so __name__ comes first.
      sub(/^\{, /, "{", rest); gsub(/", /, "\",", rest)
      if (rest == "{}") rest = ""
      key = name rest " " at
      if (key == previous) next
      previous = key
      printf "%s%s %s %d\n", name, rest, value, at / 1000
    }
    END { print "# EOF" }'
}

# A rule reading another rule's output sees it only once that output is loaded, so every rule is evaluated again over
# the raw blocks and the previous pass' output until a pass adds no recorded series (raw -> slo:sli_good:bool -> its
# windows -> budgets). A pass recomputes the earlier passes' series from the same inputs, so its output replaces theirs.
# promtool queries each rule once per block and writes a block per rule and block, so blocks are long (4374 h, about
# half a year, the largest promtool length under a year); evaluation starts on a block boundary because promtool stops
# at the first block that holds no evaluation.
block_s=$((4374 * 3600))
rules_start=$((first - first % block_s))
rules_end=$((last + step_s - 1))
pass=0
before=-1
while :; do
  start_private
  now=$(recorded_series)
  [ "$now" != "$before" ] || break
  pass=$((pass + 1))
  [ "$pass" -le 10 ] || fail "recorded series still growing after 10 passes ($now)"
  before=$now
  "$promtool" tsdb create-blocks-from rules --quiet --max-block-duration=4374h --url="http://$listen" \
    --start="$rules_start" --end="$rules_end" --eval-interval="${step_s}s" --output-dir="$work/pass" "$work"/rules/*.yml \
    2> "$work/promtool.log" || fail "promtool rules backfill pass $pass failed: $(tail -5 "$work/promtool.log")"
  stop_private
  on_steps "$work/pass" > "$work/rules.om"
  rm -rf "$work/pass" "$work/rule-blocks" "$work/tsdb"
  mkdir -p "$work/tsdb" "$work/rule-blocks"
  if [ "$(wc -l < "$work/rules.om")" -gt 1 ]; then
    "$promtool" tsdb create-blocks-from openmetrics --quiet --max-block-duration=4374h "$work/rules.om" "$work/rule-blocks" \
      > /dev/null || fail "promtool could not turn the recorded samples of pass $pass into blocks"
  fi
  cp -R "$work/raw/." "$work/rule-blocks/." "$work/tsdb/"
  echo "backfill-history: rules pass $pass: $(($(wc -l < "$work/rules.om") - 1)) recorded samples" >&2
done
stop_private

for block in "$work/raw"/*/ "$work/rule-blocks"/*/; do [ -d "$block" ] && mv "$block" "$data/"; done
echo "backfill-history: $(grep -c . "$input") raw lines and $(($(wc -l < "$work/rules.om") - 1)) recorded samples" \
  "from $first to $last in $(( $(date +%s) - started )) s, $pass rule passes" >&2
rm -rf "$work"
