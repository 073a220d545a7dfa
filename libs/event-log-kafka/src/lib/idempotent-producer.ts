import { Partitioners, type Kafka, type Producer, type RecordMetadata, type TopicMessages } from 'kafkajs';

export interface IdempotentProducer {
  /** One produce request per call; resolves once every partition leader and its in-sync replicas have the messages. */
  send(topicMessages: TopicMessages[]): Promise<RecordMetadata[]>;
  close(): Promise<void>;
}

/**
 * Kafka's idempotent producer (acks all, one request in flight), so the broker drops a batch that
 * the client resends after a lost answer. Retries are bounded so a send gives up well within the
 * accepted-ids lease instead of hanging while the brokers are away.
 *
 * After a send fails, kafkajs rewinds its sequence numbers, and a later batch could reuse the
 * numbers of one the broker did write and be dropped as its duplicate. So a failed send retires
 * the producer, and the next send starts a new one with a new producer id.
 *
 * It never asks the broker to make a topic: one deleted while the platform runs would come back
 * with the cluster's defaults (a week's retention, not compacted), where the platform makes its
 * topics with the settings its guarantees rest on.
 */
export function idempotentProducer(kafka: Kafka): IdempotentProducer {
  let current: Promise<Producer> | undefined;

  const connect = async () => {
    const producer = kafka.producer({
      idempotent: true,
      allowAutoTopicCreation: false,
      maxInFlightRequests: 1,
      retry: { retries: 5 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    return producer;
  };

  return {
    async send(topicMessages) {
      const producer = (current ??= connect());
      try {
        return await (await producer).sendBatch({ topicMessages, acks: -1 });
      } catch (error) {
        if (current === producer) current = undefined;
        // Sends still running on the retired producer fail too, and their appends release their claims.
        void producer.then((p) => p.disconnect()).catch(() => undefined);
        throw error;
      }
    },

    async close() {
      const producer = current;
      current = undefined;
      if (producer) await (await producer).disconnect();
    },
  };
}
