// Debian's Chromium driven by playwright-core (Playwright's own browser download does not work here),
// with a fresh profile per launch. Used by the dashboard's browser tests and `npm run bench -- dashboard`.
import { existsSync, rmSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from './cli.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = (): boolean => existsSync(CHROMIUM);

export interface Browser { context: BrowserContext; close(): Promise<void> }

export async function launchChromium(): Promise<Browser> {
  const profile = tempDir('ledger-chromium-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
