#!/usr/bin/env bash
# CPU instructions per simulated event, counted by callgrind (independent of machine load).
#
#     cargo build --release && bash benches/instructions.sh [SCENARIO] [SHORT_DAYS] [LONG_DAYS]
#
# Defaults: peer model (a), ../shared/peers/tiersim/mmc.ron (M/M/20, every KPI on), 20 and 40
# days. The release binary runs one replication (`-n 1 --threads 1`) of each horizon under
# `valgrind --tool=callgrind`; both runs pay the same start-up, parsing, KPI and writing cost,
# so the difference in instructions over the difference in events (the `events` field of
# summary.json) is the cost of one event.
# Environment: TIERSIM (binary, default target/release/tiersim), SEED (default 1).
set -euo pipefail
# shellcheck source=benches/per-event.sh
source "$(dirname "${BASH_SOURCE[0]}")/per-event.sh"
TIERSIM="${TIERSIM:-target/release/tiersim}"
[ -x "$TIERSIM" ] || { echo "no $TIERSIM: run cargo build --release first" >&2; exit 2; }

# count DAYS: prints "instructions events" for one run of DAYS days.
count() {
  local days=$1 out="$TMP/out-$1"
  valgrind --tool=callgrind --callgrind-out-file="$TMP/cg-$days" \
    "$TIERSIM" run "$SCENARIO" -n 1 --threads 1 --seed "$SEED" --days "$days" -q --out "$out" \
    > /dev/null 2> "$TMP/vg-$days" || { cat "$TMP/vg-$days" >&2; exit 1; }
  local ir events
  ir=$(instructions "$TMP/cg-$days")
  events=$(grep -o '"events": *[0-9]*' "$out/summary.json" | grep -o '[0-9]*$')
  echo "$ir $events"
}

read -r ir1 ev1 < <(count "$SHORT")
read -r ir2 ev2 < <(count "$LONG")
echo "scenario $SCENARIO, seed $SEED"
echo "$SHORT days: $ir1 instructions, $ev1 events"
echo "$LONG days: $ir2 instructions, $ev2 events"
awk -v a="$ir1" -v b="$ir2" -v e="$ev1" -v f="$ev2" 'BEGIN {
  printf "fixed cost (start-up, parsing, KPIs, writing): about %.1f M instructions\n", (a - (b - a) / (f - e) * e) / 1e6
  printf "instructions per event: %.0f\n", (b - a) / (f - e)
}'
