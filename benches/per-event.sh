# Shared by benches/instructions.sh and benches/floor.sh (sourced, not run): their arguments
# ([SCENARIO] [SHORT_DAYS] [LONG_DAYS], SEED from the environment), checked, and the callgrind
# reading. Paths are relative to the project root, where both scripts run.
SCENARIO="${1:-../shared/peers/tiersim/mmc.ron}"
SHORT="${2:-20}"
LONG="${3:-40}"
SEED="${SEED:-1}"
command -v valgrind > /dev/null || { echo "valgrind is required (apt-get install valgrind)" >&2; exit 2; }
[ -f "$SCENARIO" ] || { echo "no scenario $SCENARIO (run from the project root)" >&2; exit 2; }
[[ "$SHORT" =~ ^[1-9][0-9]*$ && "$LONG" =~ ^[1-9][0-9]*$ ]] && (( SHORT < LONG )) || {
  echo "SHORT_DAYS and LONG_DAYS must be whole numbers, 1 <= SHORT_DAYS < LONG_DAYS (got $SHORT, $LONG)" >&2
  exit 2
}
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# instructions CALLGRIND_FILE: the total instructions callgrind counted.
instructions() {
  local ir
  ir=$(grep -E '^(summary|totals):' "$1" | head -n 1 | awk '{ print $2 }' || true)
  [ -n "$ir" ] || { echo "no instruction total in $1 (did callgrind finish?)" >&2; exit 1; }
  echo "$ir"
}
