import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelMirror, pngBomb, sharedImages, writeSyntheticImages } from '@idunno/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Classifier } from './classifier.js';

const mirror = modelMirror();
const images = sharedImages();

describe('classifier on the real ViT-Tiny', () => {
  if (!mirror.dir || !images.dir) {
    const reason = mirror.dir ? (images.dir ? '' : images.reason) : mirror.reason;
    it.skip(`skipped: ${reason}`, () => {});
    console.warn(`[inference] real ViT-Tiny test skipped: ${reason}`);
    return;
  }
  const imageDir = images.dir;
  const mirrorDir = mirror.dir;
  let classifier: Classifier;
  beforeAll(() => {
    classifier = new Classifier({ mirror: mirrorDir });
  });
  afterAll(() => classifier.close());

  it('puts the top-1 of every shared photo in its acceptable label set', async () => {
    const labels = JSON.parse(await readFile(join(imageDir, 'labels.json'), 'utf8')) as Record<
      string,
      { acceptable: { index: number }[] }
    >;
    const files = Object.keys(labels).sort();
    const outcomes = await classifier.classify(
      'vit-tiny',
      files.map((f) => ({ id: f, uri: join(imageDir, f) })),
      5,
    );
    expect(outcomes).toHaveLength(files.length);
    for (const o of outcomes) {
      expect(o.error, `${o.id}: ${o.error?.message}`).toBeUndefined();
      const top1 = o.topK?.[0];
      const ok = labels[o.id]!.acceptable.map((a) => a.index);
      expect(ok, `${o.id} top-1 ${top1?.index} ${top1?.label}`).toContain(top1?.index);
    }
  });

  it('gives the same answers in batches of 1 and of 12', async () => {
    const files = (await import('node:fs'))
      .readdirSync(imageDir)
      .filter((f) => /\.(jpe?g|png)$/.test(f))
      .sort();
    const queries = files.map((f) => ({ id: f, uri: join(imageDir, f) }));
    const batched = await classifier.classify('vit-tiny', queries, 5);
    const single = [];
    for (const q of queries) single.push(...(await classifier.classify('vit-tiny', [q], 5)));
    for (const [i, b] of batched.entries()) {
      const s = single[i]!;
      expect(b.topK?.map((c) => c.index)).toEqual(s.topK?.map((c) => c.index));
      for (const [j, c] of (b.topK ?? []).entries()) {
        expect(Math.abs(c.probability - s.topK![j]!.probability)).toBeLessThan(1e-5);
      }
    }
  });
});

describe('bad input gets a per-query error and the classifier keeps serving', () => {
  let dir: string;
  let classifier: Classifier;
  let good = '';
  let server: Server;
  let base: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idunno-bad-'));
    good = (await writeSyntheticImages(join(dir, 'good'), 1))[0]!;
    const jpeg = await readFile(good);
    await writeFile(join(dir, 'corrupt.jpg'), Buffer.concat([jpeg.subarray(0, 200), Buffer.alloc(300, 7)]));
    await writeFile(join(dir, 'empty.jpg'), Buffer.alloc(0));
    await writeFile(join(dir, 'text.jpg'), 'this is not an image\n');
    await writeFile(join(dir, 'bomb.png'), pngBomb(30000, 30000));
    // An HTTP server that serves one good image and one path that never answers.
    server = createServer((req, res) => {
      if (req.url === '/good.jpg') {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.end(jpeg);
      } else if (req.url === '/slow.jpg') {
        // never answers; the client's timeout must fire
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    classifier = new Classifier({ fetch: { timeoutMs: 500 } });
  });
  afterAll(async () => {
    await classifier.close();
    server.closeAllConnections();
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('classifies good inputs next to every kind of bad one in one batch', async () => {
    const cases: [string, string | undefined][] = [
      [good, undefined],
      [join(dir, 'corrupt.jpg'), 'DECODE_FAILED'],
      [join(dir, 'empty.jpg'), 'DECODE_FAILED'],
      [join(dir, 'text.jpg'), 'DECODE_FAILED'],
      [join(dir, 'bomb.png'), 'TOO_LARGE'],
      [join(dir, 'missing.jpg'), 'NOT_FOUND'],
      [dir, 'BAD_INPUT'],
      ['ftp://example.invalid/x.jpg', 'BAD_INPUT'],
      [`${base}/good.jpg`, undefined],
      [`${base}/missing.jpg`, 'FETCH_FAILED'],
      [`${base}/slow.jpg`, 'FETCH_TIMEOUT'],
      ['http://127.0.0.1:1/refused.jpg', 'FETCH_FAILED'],
    ];
    const outcomes = await classifier.classify(
      'tiny',
      cases.map(([uri], i) => ({ id: String(i), uri })),
      3,
    );
    for (const [i, [uri, code]] of cases.entries()) {
      const o = outcomes[i]!;
      expect(o.id).toBe(String(i));
      if (code === undefined) {
        expect(o.error, `${uri}: ${o.error?.message}`).toBeUndefined();
        expect(o.topK).toHaveLength(3);
      } else {
        expect(o.error?.code, `${uri}`).toBe(code);
        expect(o.error?.message.length).toBeGreaterThan(10);
      }
    }
    // The same good image over HTTP and from disk gives the same answer.
    expect(outcomes[8]!.topK).toEqual(outcomes[0]!.topK);
  });

  it('classifies a batch of 1000 queries in chunks', async () => {
    const queries = Array.from({ length: 1000 }, (_, i) => ({ id: `q${i}`, uri: good }));
    const outcomes = await classifier.classify('tiny', queries, 1);
    expect(outcomes).toHaveLength(1000);
    expect(outcomes.every((o, i) => o.id === `q${i}` && o.topK?.length === 1)).toBe(true);
  });

  it('serves synthetic:// load-test inputs deterministically without touching a file', async () => {
    const outcomes = await classifier.classify(
      'tiny',
      [
        { id: 'a', uri: 'synthetic://42' },
        { id: 'b', uri: 'synthetic://42' },
        { id: 'c', uri: 'synthetic://43' },
        { id: 'd', uri: 'synthetic://no spaces allowed' },
      ],
      3,
    );
    expect(outcomes[0]!.topK).toEqual(outcomes[1]!.topK);
    expect(outcomes[2]!.topK).toHaveLength(3);
    expect(outcomes[3]!.error?.code).toBe('BAD_INPUT');
    expect(outcomes[0]!.timings.fetchMs).toBe(0);
  });

  it('returns nothing for an empty batch', async () => {
    expect(await classifier.classify('tiny', [], 5)).toEqual([]);
  });

  it('refuses an unknown model with the list of known ones', async () => {
    await expect(classifier.classify('no-such-model', [{ id: '1', uri: good }])).rejects.toThrow(/vit-tiny/);
  });
});
