// waitForEvents for every adapter: callers wait for the log to reach a position; the adapter wakes
// them on its own appends (notify) and from other processes (a change feed and/or polling).

interface Waiter {
  position: number;
  resolve: () => void;
  timer: ReturnType<typeof setTimeout>;
}

export class HeadWaiters {
  private readonly waiters = new Set<Waiter>();
  private poller: ReturnType<typeof setInterval> | undefined;
  private polling = false;
  private closed = false;

  /**
   * @param readHeadPosition the log's current last position (a cheap query)
   * @param pollIntervalMs how often to look while someone waits (for writers in other processes)
   */
  constructor(
    private readonly readHeadPosition: () => Promise<number>,
    private readonly pollIntervalMs: number,
  ) {}

  async wait(position: number, timeoutMs: number): Promise<void> {
    if (this.closed) return;
    let waiter!: Waiter;
    const done = new Promise<void>((resolve) => {
      waiter = {
        position,
        resolve: () => {
          clearTimeout(waiter.timer);
          this.waiters.delete(waiter);
          if (this.waiters.size === 0) this.stopPolling();
          resolve();
        },
        timer: setTimeout(() => waiter.resolve(), Math.max(0, timeoutMs)),
      };
    });
    // Registered before the first look, so an append in between cannot be missed.
    this.waiters.add(waiter);
    this.startPolling();
    try {
      this.notify(await this.readHeadPosition());
    } catch {
      // the poller will look again
    }
    return done;
  }

  /** The log now reaches `position`: wake whoever waits for it. */
  notify(position: number): void {
    for (const w of [...this.waiters]) if (w.position <= position) w.resolve();
  }

  /** Wakes everyone (as if timed out) and stops. */
  close(): void {
    this.closed = true;
    for (const w of [...this.waiters]) w.resolve();
    this.stopPolling();
  }

  private startPolling(): void {
    if (this.poller || this.closed) return;
    this.poller = setInterval(() => void this.poll(), this.pollIntervalMs);
    this.poller.unref?.(); // the waiters' own timers keep the process alive
  }

  private stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling || this.waiters.size === 0) return;
    this.polling = true;
    try {
      this.notify(await this.readHeadPosition());
    } catch {
      // transient (e.g. database busy): try again at the next tick
    } finally {
      this.polling = false;
    }
  }
}
