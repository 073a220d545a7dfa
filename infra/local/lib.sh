# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts that source this file
# Shared settings and helpers for up.sh, down.sh and status.sh. Sourced, not run.

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INFRA_HOME="${CDP_INFRA_HOME:-$HOME/.cache/cdp-infra}"

POSTGRES_PORT=5432

KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
KAFKA_HOME="$INFRA_HOME/kafka"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_CONFIG="$KAFKA_HOME/config"
KAFKA_DATA="$KAFKA_HOME/data"
KAFKA_LOGS="$KAFKA_HOME/logs"
KAFKA_PID_FILE="$KAFKA_HOME/kafka.pid"

CLICKHOUSE_HTTP_PORT=8123
CLICKHOUSE_CONFIG=/etc/clickhouse-server/config.xml
CLICKHOUSE_LOG_DIR=/var/log/clickhouse-server
CLICKHOUSE_HOME="$INFRA_HOME/clickhouse"
CLICKHOUSE_PID_FILE="$CLICKHOUSE_HOME/clickhouse.pid"

say() { printf '[infra] %s\n' "$*"; }

# One status line per service: NAME STATE DETAILS...
status_line() { printf '[infra] %-10s %-5s %s\n' "$1" "$2" "${*:3}"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True while process PID exists and is not a zombie (a zombie's cmdline is empty).
pid_alive() { grep -qa . "/proc/$1/cmdline" 2>/dev/null; }

# Prints the pid from PID_FILE if that process is alive and its command line contains MARKER.
running_pid() {
  local pid_file=$1 marker=$2 pid
  pid="$(cat "$pid_file" 2>/dev/null)" || return 1
  [[ -n $pid ]] && grep -qaF -- "$marker" "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

postgres_ready() { pg_isready -q -h 127.0.0.1 -p "$POSTGRES_PORT" -t 2; }

kafka_version() {
  local jar
  jar="$(compgen -G "$KAFKA_LIBS/kafka_2.13-*.jar")" || return 1
  jar="${jar##*/kafka_2.13-}"
  echo "${jar%.jar}"
}

kafka_tool() {
  timeout 60 java -Xmx256m -Dlog4j.configuration="file:$KAFKA_CONFIG/tools-log4j.properties" \
    -cp "$KAFKA_LIBS/*" "$@"
}

# Cluster id reported by the broker on 127.0.0.1:9092. Succeeds only once it serves metadata.
kafka_cluster_id() {
  kafka_tool org.apache.kafka.tools.ClusterTool cluster-id \
    --bootstrap-server "127.0.0.1:$KAFKA_PORT" --config "$KAFKA_CONFIG/tools.properties" 2>/dev/null |
    sed -n 's/^Cluster ID: //p' | grep .
}

# Cluster id written into the data dir by kafka.tools.StorageTool format.
kafka_formatted_cluster_id() { sed -n 's/^cluster.id=//p' "$KAFKA_DATA/meta.properties" 2>/dev/null | grep .; }

clickhouse_version() {
  curl -sf --max-time 2 "http://127.0.0.1:$CLICKHOUSE_HTTP_PORT/?query=SELECT%20version()"
}
