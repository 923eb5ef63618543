import { ConsoleLogger } from '@nestjs/common';

/**
 * Nest's console logger, with the timestamp formatted once per second instead of once per line: the
 * request log writes a line per request, and Intl date formatting was ~1.3% of the server's CPU under
 * load. The lines are the same.
 */
export class ApiLogger extends ConsoleLogger {
  private second = -1;
  private stamp = '';

  protected override getTimestamp(): string {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.second) {
      this.stamp = super.getTimestamp();
      this.second = second;
    }
    return this.stamp;
  }
}
