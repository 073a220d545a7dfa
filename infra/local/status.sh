#!/usr/bin/env bash
# Prints whether Postgres, Kafka and ClickHouse are up. Exits 1 if any is down.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

all_up=true

report() { # NAME DETAILS-IF-UP CHECK...
  local name=$1 details=$2
  shift 2
  if "$@" >/dev/null; then
    status_line "$name" up "$details"
  else
    status_line "$name" down
    all_up=false
  fi
}

kafka_up() { port_open "$KAFKA_PORT" && kafka_cluster_id; }

# owner PID_FILE MARKER: who started the process serving the port.
owner() {
  local pid
  if pid="$(running_pid "$1" "$2")"; then echo "pid $pid, started by up.sh"; else echo "not started by up.sh"; fi
}

report postgres "127.0.0.1:$POSTGRES_PORT" postgres_ready
report kafka "127.0.0.1:$KAFKA_PORT (Kafka $(kafka_version || echo '?'), $(owner "$KAFKA_PID_FILE" kafka.Kafka))" \
  kafka_up
report clickhouse "127.0.0.1:$CLICKHOUSE_HTTP_PORT (ClickHouse $(clickhouse_version || echo '?'), $(owner "$CLICKHOUSE_PID_FILE" clickhouse-server))" \
  clickhouse_version

$all_up
