#!/usr/bin/env bash
# `make run`: the web server plus the periodic sweeps (Celery beat), stopped together.
# Embedded mode (no REDIS_URL): tasks run in-process, so beat itself runs each sweep when it
# is due (deadlines, outbox re-sends, retention). With REDIS_URL: one worker with an embedded
# beat runs the tasks the web process queues. Usage: scripts/serve.sh HOST:PORT
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
var=${LIAISON_VAR_DIR:-var}
address=${1:-127.0.0.1:8000}
port=${address##*:}
probe=${address%:*}
[[ "$probe" == "0.0.0.0" ]] && probe=127.0.0.1
PUBLIC_BASE_URL=$(scripts/public-base-url.sh "$address")
export PUBLIC_BASE_URL
mkdir -p "$var"
if [[ -n "${REDIS_URL:-}" ]]; then
  "$bin/celery" -A liaison worker --beat -l info --concurrency 2 -Q intake,sweeps,reports \
    --schedule "$var/celerybeat-schedule" --logfile "$var/worker.log" &
  echo "Celery worker with beat: log in $var/worker.log"
else
  # The demo's deadlines: swept once now, then every minute (900 s in a deployment).
  export DEADLINE_SWEEP_EVERY_SECONDS="${DEADLINE_SWEEP_EVERY_SECONDS:-60}"
  # The dashboards' counts likewise: every minute for the demo (300 s in a deployment).
  export REPORT_COUNTS_EVERY_SECONDS="${REPORT_COUNTS_EVERY_SECONDS:-60}"
  "$bin/python" manage.py run_deadlines
  "$bin/celery" -A liaison beat -l info \
    --schedule "$var/celerybeat-schedule" --logfile "$var/beat.log" &
  echo "Periodic sweeps run in-process by Celery beat: log in $var/beat.log"
fi
sweeps=$!
"$bin/python" manage.py runserver "$address" &
server=$!
trap 'kill "$sweeps" "$server" 2>/dev/null || true' EXIT
# Say where to go only once the server answers (or stop if it could not start).
for _ in $(seq 120); do
  if curl -s -o /dev/null "http://$probe:$port/healthz" 2>/dev/null; then
    echo "Serving on $PUBLIC_BASE_URL/  (Ctrl-C to stop)"
    break
  fi
  kill -0 "$server" 2>/dev/null || exit 1
  sleep 0.5
done
wait "$server"
