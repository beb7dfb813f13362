#!/usr/bin/env bash
# Demo: a rack fails, its tasks are lost, the frameworks put them elsewhere;
# then the rack comes back and the agents register again.
#
#   npx mesosim demo &                       # the datacenter demo has racks gen-r0 … gen-r19
#   MESOSIM_MASTER=http://127.0.0.1:5050 examples/demos/rack-failure.sh
#
# RACK picks the rack (default rack=gen-r3); MESOSIM (default "npx mesosim")
# is the command; PAUSE the seconds between steps (default 5).
set -euo pipefail
mesosim() { ${MESOSIM:-npx mesosim} "$@"; }
pause() { sleep "${PAUSE:-5}"; }
say() { printf '\n== %s\n' "$*"; }
RACK=${RACK:-rack=gen-r3}

say "Before: every agent registered, tasks running."
mesosim cluster status
pause

say "The rack loses power: every host on $RACK dies with its tasks."
mesosim agent crash "$RACK"
pause

say "The master has lost those agents. Their tasks are LOST; Marathon and the others relaunch them elsewhere."
mesosim agent list "$RACK" --limit 5
mesosim cluster status
pause

say "Power is back. The hosts boot and register as NEW agents, with new ids: offers flow to them again."
mesosim agent start "$RACK"
pause

say "After: the cluster is whole again."
mesosim cluster status
