#!/usr/bin/env bash
# The Kafka distribution's admin commands, run from the broker jars up.sh installed (infra/local has
# no bin/ of its own): kafka-tool.sh kafka-configs.sh --bootstrap-server 127.0.0.1:9092 --describe ...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

declare -A MAIN_CLASS=(
  [kafka-configs.sh]=kafka.admin.ConfigCommand
  [kafka-consumer-groups.sh]=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand
  [kafka-topics.sh]=org.apache.kafka.tools.TopicCommand
  [kafka-console-consumer.sh]=org.apache.kafka.tools.consumer.ConsoleConsumer
  [kafka-get-offsets.sh]=org.apache.kafka.tools.GetOffsetShell
)

command="${1:-}"
if [[ -z "$command" || -z "${MAIN_CLASS[$command]:-}" ]]; then
  echo "usage: $0 <command> [its options], where <command> is one of: ${!MAIN_CLASS[*]}" >&2
  exit 2
fi
if [[ ! -d "$KAFKA_LIBS" ]]; then
  echo "no Kafka jars in $KAFKA_LIBS: run infra/local/up.sh first" >&2
  exit 1
fi
shift
exec java -Xmx256m -Dlog4j.configuration="file:$KAFKA_CONFIG/tools-log4j.properties" -cp "$KAFKA_LIBS/*" "${MAIN_CLASS[$command]}" "$@"
