import type { Clock } from '@cdp/platform-runtime';

/** A clock tests move by hand. */
export class SettableClock implements Clock {
  constructor(private instant: Date) {}

  now(): Date {
    return new Date(this.instant);
  }

  set(instant: string): void {
    this.instant = new Date(instant);
  }
}
