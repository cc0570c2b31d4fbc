#!/usr/bin/env bash
# The floor of an event's cost: CPU instructions per simulated event of the lean M/M/c loop
# of benches/floor.rs (tiersim's random streams, handling sampler and event calendar), bare
# and reporting to tiersim's statistics collector exactly as the engine does, counted by
# callgrind (independent of machine load). Compare with benches/instructions.sh (the engine).
#
#     bash benches/floor.sh [SCENARIO] [SHORT_DAYS] [LONG_DAYS]
#
# Defaults: peer model (a), ../shared/peers/tiersim/mmc.ron (M/M/20), 20 and 40 days. Each
# variant runs both horizons under `valgrind --tool=callgrind`; the difference in
# instructions over the difference in events is the cost of one event (start-up, parsing and
# the end of the run cancel). Variants: bare and with statistics, each with the draws an
# M/M/c needs (minimal) and with every draw the engine makes (engine: the engine's streams).
# Environment: FLOOR (the bench binary; default: built and found with `cargo bench --bench
# floor --no-run`), SEED (default 1).
set -euo pipefail
# shellcheck source=benches/per-event.sh
source "$(dirname "${BASH_SOURCE[0]}")/per-event.sh"
if [ -z "${FLOOR:-}" ]; then
  # The bench target's artifact line carries its executable's path.
  FLOOR=$(cargo bench --bench floor --no-run --message-format=json-render-diagnostics \
    | grep '"kind":\["bench"\]' | grep '"name":"floor"' \
    | grep -o '"executable":"[^"]*"' | tail -n 1 | cut -d '"' -f 4 || true)
fi
[ -x "$FLOOR" ] || { echo "no floor bench binary (${FLOOR:-not found})" >&2; exit 2; }

# count VARIANT DRAWS DAYS: prints "instructions events" for one run.
count() {
  local tag="$1-$2-$3"
  valgrind --tool=callgrind --callgrind-out-file="$TMP/cg-$tag" \
    "$FLOOR" "--$1" --draws "$2" --days "$3" --seed "$SEED" --scenario "$SCENARIO" \
    > "$TMP/out-$tag" 2> "$TMP/vg-$tag" || { cat "$TMP/vg-$tag" "$TMP/out-$tag" >&2; exit 1; }
  local ir events
  ir=$(instructions "$TMP/cg-$tag")
  events=$(awk '$1 == "events" { print $2 }' "$TMP/out-$tag")
  echo "$ir $events"
}

echo "scenario $SCENARIO, seed $SEED, $SHORT and $LONG days; binary $FLOOR"
for draws in minimal engine; do
  for variant in bare stats; do
    read -r ir1 ev1 < <(count "$variant" "$draws" "$SHORT")
    read -r ir2 ev2 < <(count "$variant" "$draws" "$LONG")
    awk -v v="$variant" -v d="$draws" -v a="$ir1" -v b="$ir2" -v e="$ev1" -v f="$ev2" 'BEGIN {
      printf "%-5s (%-7s draws): %d and %d events; instructions per event: %.0f (fixed cost %.1f M)\n",
        v, d, e, f, (b - a) / (f - e), (a - (b - a) / (f - e) * e) / 1e6
    }'
  done
done
