#!/usr/bin/env bash
# Stops the Kafka broker and the ClickHouse server that up.sh started. Leaves Postgres alone.
# Data stays; up.sh starts them again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# stop NAME PID_FILE MARKER: SIGTERM, up to 60 s for a clean shutdown, then SIGKILL.
stop() {
  local name=$1 pid_file=$2 marker=$3 pid
  if ! pid="$(running_pid "$pid_file" "$marker")"; then
    status_line "$name" down "(nothing started by up.sh was running)"
    rm -f "$pid_file"
    return
  fi
  kill -TERM "$pid"
  local deadline=$((SECONDS + 60))
  while pid_alive "$pid" && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if pid_alive "$pid"; then
    say "$name: pid $pid still running after 60 s, sending SIGKILL"
    kill -KILL "$pid"
  fi
  rm -f "$pid_file"
  status_line "$name" down "(stopped pid $pid)"
}

stop kafka "$KAFKA_PID_FILE" kafka.Kafka
stop clickhouse "$CLICKHOUSE_PID_FILE" clickhouse-server
