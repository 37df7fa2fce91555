// The web dashboard in real Chromium, against a real cluster: two jobs with moving rates, a worker
// killed (the log and the member's state show it), the primary killed (the page follows the new
// leader). Chromium is Debian's package; without it the test says why it skips.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoordinatorConnection } from '@idunno/client';
import type { Snapshot } from '@idunno/dashboard';
import {
  leader,
  listFile,
  type NodeProcess,
  photos,
  startCluster,
  type TestCluster,
  waitFor,
} from '@idunno/testkit';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `dashboard browser test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`,
  );
}

/** Every dashboard in the cluster answers /api/snapshot; returns the leader's process and URL. */
async function leadingDashboard(cluster: TestCluster, timeoutMs = 40_000): Promise<[NodeProcess, string]> {
  return waitFor(
    async () => {
      for (const c of cluster.coordinators) {
        const url = String(c.ready.dashboard);
        const snap = await fetch(`${url}/api/snapshot`, { signal: AbortSignal.timeout(1_000) })
          .then((r) => r.json() as Promise<Snapshot>)
          .catch(() => undefined);
        if (snap?.isLeader) return [c, url] as [NodeProcess, string];
      }
      return undefined;
    },
    { timeoutMs, intervalMs: 200, message: 'a dashboard whose coordinator leads' },
  );
}

/** The page's done counts and rates per job, as text. */
function readJobs(page: Page): Promise<Record<string, { done: string; rate: string; state: string }>> {
  return page.$$eval('#jobs tr[data-job]', (rows) =>
    Object.fromEntries(
      rows.map((r) => [
        r.getAttribute('data-job') ?? '',
        {
          done: r.querySelector('.done')?.textContent ?? '',
          rate: r.querySelector('.rate')?.textContent ?? '',
          state: r.querySelector('.state')?.textContent ?? '',
        },
      ]),
    ),
  );
}

/** Waits until every job in `jobs` shows a done count and a rate different from `before`. */
async function waitMoving(page: Page, jobs: string[], timeoutMs: number): Promise<void> {
  const before = await readJobs(page);
  let last = before;
  await waitFor(
    async () => {
      last = await readJobs(page);
      return jobs.every((j) => {
        const a = before[j];
        const b = last[j];
        return (
          a && b && b.state === 'running' && a.done !== b.done && a.rate !== b.rate && Number(b.rate) > 0
        );
      });
    },
    { timeoutMs, intervalMs: 250, message: `rates of ${jobs.join(', ')} to move on the page` },
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}; before ${JSON.stringify(before)}, last ${JSON.stringify(last)}`, {
      cause: err,
    });
  });
}

describe.skipIf(!haveChromium)('the web dashboard in Chromium', () => {
  let dir: string;
  let cluster: TestCluster | undefined;
  let conn: CoordinatorConnection | undefined;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idunno-dashboard-'));
    const files = await photos(dir, 8);
    cluster = await startCluster({
      coordinators: 2,
      workers: 3,
      workerArgs: ['--preload', 'tiny,vit-tiny-untrained'],
    });
    conn = await leader(cluster);
    // Sized to run well past the test (~60 s or more on two busy cores); afterAll stops the cluster.
    await conn.addJob({
      jobId: 'vit',
      model: 'vit-tiny-untrained',
      inputs: [await listFile(join(dir, 'vit.txt'), files, 3_000)],
      batchSize: 4,
    });
    await conn.addJob({
      jobId: 'vit2',
      model: 'vit-tiny-untrained',
      inputs: [await listFile(join(dir, 'vit2.txt'), files, 3_000)],
      batchSize: 4,
    });
    await conn.startJob('vit');
    await conn.startJob('vit2');
    const [, url] = await leadingDashboard(cluster);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    conn?.close();
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('shows two running jobs with moving rates', async () => {
    await waitFor(async () => (await page.locator('#jobs tr[data-job]').count()) === 2, {
      timeoutMs: 15_000,
      intervalMs: 100,
      message: 'both jobs on the page',
    });
    const shot = process.env.IDUNNO_DASHBOARD_SCREENSHOT;
    try {
      await waitMoving(page, ['vit', 'vit2'], 40_000);
    } finally {
      if (shot) await page.screenshot({ path: shot, fullPage: true });
    }
    expect(await page.textContent('#source')).toBe('source: live tracker');
    expect(await page.locator('#chart polyline').count()).toBe(2);
  });

  it('logs a killed worker and shows its member state change', async () => {
    const victim = cluster!.workers[0]!;
    const id = String(victim.ready.workerId);
    victim.kill('SIGKILL');
    await waitFor(
      async () => {
        const logged = await page.locator('#log li', { hasText: id }).count();
        const state = await page.getAttribute(`#members tr[data-member="${id}"]`, 'data-state');
        return logged > 0 && state !== null && state !== 'alive';
      },
      { timeoutMs: 20_000, intervalMs: 200, message: `the log and members table to show ${id} gone` },
    );
  });

  it('keeps updating from the new leader after the primary is killed', async () => {
    // Under load the lease can move before this test: kill whoever leads now, as the page shows it.
    const old = (await page.textContent('#leader')) ?? '';
    const primary = cluster!.coordinators.find((c) => c.ready.node === old);
    if (!primary) throw new Error(`the page names ${old} as leader, which is no coordinator of this cluster`);
    primary.kill('SIGKILL');
    await waitFor(
      async () => {
        const now = (await page.textContent('#leader')) ?? '';
        return now !== old && now !== 'none' && now !== '…';
      },
      { timeoutMs: 30_000, intervalMs: 200, message: 'the page to show a new leader' },
    );
    // The new primary reloads its trackers and its rate window starts empty, so on a loaded machine
    // its first rates can round to 0.0: ask for fresh snapshots and a done count that moves.
    const seen = Number(await page.getAttribute('body', 'data-snapshots'));
    const before = await readJobs(page);
    await waitFor(
      async () => {
        const now = await readJobs(page);
        const fresh = Number(await page.getAttribute('body', 'data-snapshots')) > seen + 2;
        return fresh && Object.keys(now).some((j) => now[j]?.done !== before[j]?.done);
      },
      { timeoutMs: 60_000, intervalMs: 250, message: 'the page to keep updating from the new leader' },
    );
    expect(await page.textContent('#conn')).toMatch(/^live from /);
    console.info('dashboard after takeover:', JSON.stringify(await readJobs(page)));
  });
});
