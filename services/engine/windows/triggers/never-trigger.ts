import { type Trigger, TriggerResult } from './trigger.ts';

/** Never fires: the default trigger of `GlobalWindows`, which a job replaces with its own. */
export class NeverTrigger<T> implements Trigger<T> {
  private static readonly instance = new NeverTrigger<never>();

  static create<T>(): Trigger<T> {
    return NeverTrigger.instance as Trigger<T>;
  }

  onElement(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  clear(): void {}

  canMerge(): boolean {
    return true;
  }

  onMerge(): void {}

  toString(): string {
    return 'NeverTrigger()';
  }
}
