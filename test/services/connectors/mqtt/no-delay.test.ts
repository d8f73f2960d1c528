import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { sendWithoutDelay } from '../../../../services/connectors/mqtt/no-delay.ts';

/** A socket that records what `setNoDelay` was called with. */
class Socket {
  readonly calls: boolean[] = [];
  setNoDelay(noDelay: boolean): this {
    this.calls.push(noDelay);
    return this;
  }
}

describe('sendWithoutDelay', () => {
  it('turns Nagle off on the current connection and on every new one', () => {
    const client = Object.assign(new EventEmitter(), { stream: new Socket() });
    const first = client.stream;
    sendWithoutDelay(client as unknown as MqttClient);
    expect(first.calls).toEqual([true]);
    const second = new Socket();
    client.stream = second;
    client.emit('connect');
    expect(second.calls).toEqual([true]);
  });

  it('leaves a connection without sockets alone (WebSocket streams)', () => {
    const client = Object.assign(new EventEmitter(), { stream: {} });
    expect(() => sendWithoutDelay(client as unknown as MqttClient)).not.toThrow();
  });
});
