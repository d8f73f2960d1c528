/** MQTT quality of service the simulator publishes with. */
export type QoS = 0 | 1;

export interface PublishOptions {
  readonly qos: QoS;
}

/**
 * Where the simulator's messages go: an MQTT client (mqtt-publisher.ts), an in-process broker
 * (`eddy start`), or memory (tests). A returned promise means "wait for me" (QoS 1 acks,
 * backpressure); returning nothing means the message is already on its way.
 *
 * @example
 * const publisher: Publisher = { publish: (topic, payload) => console.log(topic, payload) };
 */
export interface Publisher {
  publish(topic: string, payload: string, options: PublishOptions): Promise<void> | void;
}
