#!/usr/bin/env bash
# Brings up the local infrastructure the tests use, on a Debian bookworm machine without Docker:
#   Postgres (already installed; started if down), Kafka 3.9 (KRaft, jars from Maven Central),
#   ClickHouse (Debian package), and the test tools kcat, python3-avro, curl.
# Idempotent: when everything already runs it only checks, in a few seconds. See README.md.
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

trap 'say "up.sh stopped at line $LINENO: $BASH_COMMAND" >&2' ERR

KAFKA_HEAP=(-Xms256m -Xmx768m)

# fail SERVICE WHAT HINT [LOG...]: explains a failure, shows the end of each log, exits non-zero.
fail() {
  local service=$1 what=$2 hint=$3 log
  shift 3
  say "$service FAILED: $what" >&2
  for log in "$@"; do
    [[ -s $log ]] || continue
    say "last lines of $log:" >&2
    tail -n 30 "$log" | sed 's/^/    /' >&2
  done
  say "next: $hint" >&2
  exit 1
}

# wait_for SECONDS PID CHECK...: runs CHECK every half second until it succeeds.
# Returns 1 on timeout, 2 as soon as process PID (if not empty) has exited.
wait_for() {
  local deadline=$((SECONDS + $1)) pid=$2
  shift 2
  until "$@" >/dev/null; do
    if [[ -n $pid ]] && ! pid_alive "$pid"; then
      say "process $pid exited" >&2
      return 2
    fi
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# Serialises concurrent runs. The servers started below get fd 9 closed, so they do not hold the lock.
take_lock() {
  exec 9>"$INFRA_HOME/up.lock"
  flock -w 300 9 || fail up.sh "another up.sh has held $INFRA_HOME/up.lock for 5 minutes" \
    "wait for it to finish, or end it"
}

# --- Debian packages --------------------------------------------------------------------------

package_installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]; }

# Runs "$@" with a policy-rc.d that keeps package scripts from starting services
# (up.sh starts ClickHouse itself), unless the machine already has one.
without_service_starts() {
  local policy=/usr/sbin/policy-rc.d rc=0
  if [[ -e $policy ]]; then
    "$@"
    return
  fi
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  "$@" || rc=$?
  rm -f "$policy"
  return "$rc"
}

apt_install() {
  local log="$INFRA_HOME/apt.log" pkg
  say "installing Debian packages: $* (log: $log)"
  {
    apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive without_service_starts \
        apt-get install -y -q --no-install-recommends "$@"
  } >"$log" 2>&1 || true
  for pkg in "$@"; do
    package_installed "$pkg" || fail apt "package $pkg did not end up installed and configured" \
      "fix the apt error above, then run: apt-get install $pkg" "$log"
  done
}

ensure_packages() {
  local missing=()
  command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || missing+=(maven)
  command -v curl >/dev/null || missing+=(curl)
  command -v kcat >/dev/null || missing+=(kcat)
  /usr/bin/python3 -c 'import avro' 2>/dev/null || missing+=(python3-avro)
  package_installed clickhouse-server || missing+=(clickhouse-server)
  package_installed clickhouse-client || missing+=(clickhouse-client)
  if ((${#missing[@]} > 0)); then
    apt_install "${missing[@]}"
  fi
  status_line tools ok "kcat, curl, /usr/bin/python3 with avro, clickhouse-client"
}

# --- Postgres ---------------------------------------------------------------------------------

ensure_postgres() {
  if ! postgres_ready; then
    [[ -d /etc/postgresql ]] || fail postgres "no Postgres cluster in /etc/postgresql" \
      "install Postgres: apt-get install postgresql"
    local version log
    version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)"
    log="/var/log/postgresql/postgresql-$version-main.log"
    say "postgres: starting cluster $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
      fail postgres "pg_ctlcluster could not start cluster $version/main" "read the log above" "$log"
    wait_for 30 "" postgres_ready ||
      fail postgres "not accepting connections on 127.0.0.1:$POSTGRES_PORT after 30 s" "read the log above" "$log"
  fi
  status_line postgres up "127.0.0.1:$POSTGRES_PORT"
}

# --- Kafka ------------------------------------------------------------------------------------

fetch_kafka_jars() {
  local pom="$LOCAL_DIR/kafka/pom.xml" stamp="$KAFKA_LIBS/.pom.sha256" want tmp="$KAFKA_HOME/libs.tmp"
  want="$(sha256sum <"$pom")"
  [[ "$(cat "$stamp" 2>/dev/null)" == "$want" ]] && return 0
  say "kafka: fetching broker jars from Maven Central into $KAFKA_LIBS"
  rm -rf "$tmp"
  mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DoutputDirectory="$tmp" >"$KAFKA_LOGS/mvn.log" 2>&1 ||
    fail kafka "mvn could not fetch the broker jars" "check that Maven Central is reachable, then run up.sh again" \
      "$KAFKA_LOGS/mvn.log"
  echo "$want" >"$tmp/.pom.sha256"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
}

write_kafka_config() {
  cat >"$KAFKA_CONFIG/server.properties" <<EOF
# Generated by infra/local/up.sh on every run; edit up.sh instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DATA
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# Few internal partitions: a single test broker starts its coordinators in a blink.
offsets.topic.num.partitions=5
transaction.state.log.num.partitions=5
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.cleaner.enable=true
EOF
  cat >"$KAFKA_CONFIG/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.logger.kafka.request.logger=WARN
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$KAFKA_LOGS/server.log
log4j.appender.file.MaxFileSize=50MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  cat >"$KAFKA_CONFIG/tools-log4j.properties" <<EOF
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  cat >"$KAFKA_CONFIG/tools.properties" <<EOF
request.timeout.ms=5000
default.api.timeout.ms=10000
EOF
}

format_kafka_storage() {
  [[ -f $KAFKA_DATA/meta.properties ]] && return 0
  local id log="$KAFKA_LOGS/format.log"
  say "kafka: formatting storage in $KAFKA_DATA"
  id="$(kafka_tool kafka.tools.StorageTool random-uuid 2>"$log")" ||
    fail kafka "StorageTool random-uuid failed" "read the log above" "$log"
  kafka_tool kafka.tools.StorageTool format --config "$KAFKA_CONFIG/server.properties" --cluster-id "$id" \
    >>"$log" 2>&1 || fail kafka "StorageTool format failed" "read the log above" "$log"
}

prepare_kafka() {
  mkdir -p "$KAFKA_CONFIG" "$KAFKA_DATA" "$KAFKA_LOGS"
  fetch_kafka_jars
  write_kafka_config
}

start_kafka() {
  running_pid "$KAFKA_PID_FILE" kafka.Kafka >/dev/null && return 0
  port_open "$KAFKA_PORT" && return 0 # someone else's broker; wait_for_kafka checks it
  port_open "$KAFKA_CONTROLLER_PORT" && fail kafka "port $KAFKA_CONTROLLER_PORT is taken by another process" \
    "find it with: ss -ltnp 'sport = :$KAFKA_CONTROLLER_PORT'"
  format_kafka_storage
  say "kafka: starting broker (log: $KAFKA_LOGS/server.log)"
  setsid java "${KAFKA_HEAP[@]}" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_CONFIG/log4j.properties" -cp "$KAFKA_LIBS/*" \
    kafka.Kafka "$KAFKA_CONFIG/server.properties" </dev/null >"$KAFKA_LOGS/kafka.out" 2>&1 9>&- &
  echo $! >"$KAFKA_PID_FILE"
}

kafka_serves_our_cluster() { [[ "$(kafka_cluster_id)" == "$(kafka_formatted_cluster_id)" ]]; }

wait_for_kafka() {
  local pid id logs=("$KAFKA_LOGS/server.log" "$KAFKA_LOGS/kafka.out")
  if ! pid="$(running_pid "$KAFKA_PID_FILE" kafka.Kafka)"; then
    id="$(kafka_cluster_id)" || fail kafka "port $KAFKA_PORT is taken by a process that does not answer as a Kafka broker" \
      "find it with: ss -ltnp 'sport = :$KAFKA_PORT'"
    status_line kafka up "127.0.0.1:$KAFKA_PORT (broker NOT started by up.sh, cluster $id)"
    return
  fi
  wait_for 90 "$pid" port_open "$KAFKA_PORT" ||
    fail kafka "broker did not listen on 127.0.0.1:$KAFKA_PORT" \
      "read the logs above; to start from empty data: infra/local/down.sh && rm -rf $KAFKA_DATA" "${logs[@]}"
  wait_for 60 "$pid" kafka_serves_our_cluster ||
    fail kafka "broker listens but does not answer cluster-id for $(kafka_formatted_cluster_id)" \
      "read the logs above; to start from empty data: infra/local/down.sh && rm -rf $KAFKA_DATA" "${logs[@]}"
  status_line kafka up "127.0.0.1:$KAFKA_PORT (Kafka $(kafka_version), KRaft, pid $pid, data $KAFKA_DATA)"
}

# --- ClickHouse -------------------------------------------------------------------------------

# ClickHouse 18.16 counts this VM's cores as one physical core and so runs every query on one
# thread; the default profile takes every core. The server reloads users.d while it runs.
configure_clickhouse_threads() {
  local file=/etc/clickhouse-server/users.d/cdp-local-threads.xml
  local wanted="<yandex><profiles><default><max_threads>$(nproc)</max_threads></default></profiles></yandex>"
  [[ -f "$file" && "$(cat "$file")" == "$wanted" ]] && return 0
  mkdir -p "$(dirname "$file")"
  echo "$wanted" >"$file"
}

start_clickhouse() {
  configure_clickhouse_threads
  clickhouse_version >/dev/null && return 0
  port_open "$CLICKHOUSE_HTTP_PORT" && fail clickhouse "port $CLICKHOUSE_HTTP_PORT is taken by another process" \
    "find it with: ss -ltnp 'sport = :$CLICKHOUSE_HTTP_PORT'"
  mkdir -p /var/lib/clickhouse "$CLICKHOUSE_LOG_DIR" "$CLICKHOUSE_HOME"
  chown clickhouse:clickhouse /var/lib/clickhouse "$CLICKHOUSE_LOG_DIR"
  say "clickhouse: starting server (log: $CLICKHOUSE_LOG_DIR/clickhouse-server.err.log)"
  setsid setpriv --reuid=clickhouse --regid=clickhouse --init-groups \
    /usr/sbin/clickhouse-server --config-file="$CLICKHOUSE_CONFIG" </dev/null >"$CLICKHOUSE_HOME/clickhouse.out" 2>&1 9>&- &
  echo $! >"$CLICKHOUSE_PID_FILE"
}

wait_for_clickhouse() {
  local pid="" owner="NOT started by up.sh"
  if pid="$(running_pid "$CLICKHOUSE_PID_FILE" clickhouse-server)"; then
    owner="pid $pid"
  fi
  wait_for 60 "$pid" clickhouse_version ||
    fail clickhouse "server does not answer on http://127.0.0.1:$CLICKHOUSE_HTTP_PORT" \
      "read the logs above; to start from empty data: infra/local/down.sh && rm -rf /var/lib/clickhouse/*" \
      "$CLICKHOUSE_LOG_DIR/clickhouse-server.err.log" "$CLICKHOUSE_HOME/clickhouse.out"
  status_line clickhouse up "127.0.0.1:$CLICKHOUSE_HTTP_PORT (ClickHouse $(clickhouse_version), $owner)"
}

main() {
  mkdir -p "$INFRA_HOME"
  take_lock
  ensure_packages
  ensure_postgres
  prepare_kafka
  start_kafka
  start_clickhouse
  wait_for_kafka
  wait_for_clickhouse
  say "ready in ${SECONDS}s"
}

main "$@"
