#!/usr/bin/env bash
# Demo: install packages one by one on a running cluster, then scale one.
#
#   npx mesosim demo &                       # or any running mesosim master
#   MESOSIM_MASTER=http://127.0.0.1:5050 examples/demos/packages.sh
#
# MESOSIM (default "npx mesosim") is the command; PAUSE the seconds between
# steps (default 5), time for the audience to look at the dashboard.
set -euo pipefail
mesosim() { ${MESOSIM:-npx mesosim} "$@"; }
pause() { sleep "${PAUSE:-5}"; }
say() { printf '\n== %s\n' "$*"; }

say "Here is the cluster: agents, frameworks, tasks. Time is simulated, paced to the wall clock."
mesosim cluster status
pause

say "First a Marathon app. Marathon keeps 3 instances running and restarts any that die."
mesosim package install marathon --name web
pause

say "Now Kafka. Its brokers deploy one at a time, each on its own host."
mesosim package install kafka --name events
pause

say "And a Spark job. Its executors take every CPU an agent offers: watch the allocation jump."
mesosim package install spark --name analytics
pause

say "Traffic is up: scale the web app from 3 to 20 instances. Marathon asks for more offers."
mesosim package scale web --instances 20
pause

say "Every package is a framework with its own tasks. Two-level scheduling at work."
mesosim cluster status
