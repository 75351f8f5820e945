// Opens dicom-microscopy-viewer (bundled into dist/viewer-page.js by esbuild) in headless Debian Chromium, served
// from a second origin (this script's own HTTP server on 127.0.0.1), showing one series of the archive, which the
// browser reaches cross-origin (CORS). Records every request to the archive, waits until the tiles of the whole
// slide are loaded and takes a screenshot, then zooms to full resolution and does the same.
//
// Usage: node viewer-check.mjs ARCHIVE_BASE_URL STUDY_UID SERIES_UID OUT_DIR [TIMEOUT_SECONDS]
// Writes OUT_DIR/viewer-fit.png (whole slide), OUT_DIR/viewer-full-resolution.png (level 0 at the centre) and
// OUT_DIR/requests.json; prints one line "VIEWER-RESULT {json}".
// Exits 0 when it got that far (the caller judges the result), non-zero when the check itself could not run.
import http from 'node:http';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const [archiveArg, study, series, outDir, timeoutArg] = process.argv.slice(2);
if (!archiveArg || !study || !series || !outDir) {
  console.error('usage: node viewer-check.mjs ARCHIVE_BASE_URL STUDY_UID SERIES_UID OUT_DIR [TIMEOUT_SECONDS]');
  process.exit(2);
}
const archive = archiveArg.replace(/\/$/, '');
const timeoutMs = 1000 * Number(timeoutArg || 120);
const QUIET_MS = 2000; // no tile event and no open archive request for this long: the view is complete
// dmv's dynamic-import build: its worker is a UMD on `self`, so it also runs as the module worker dmv starts
// (the single-bundle build's dataLoader.worker.bundle.min.js assigns to `this`, undefined in a module worker)
const dmvDist = path.join(here, 'node_modules', 'dicom-microscopy-viewer', 'dist', 'dynamic-import');
mkdirSync(outDir, { recursive: true });

// last resort: never outlive the timeout by much, whatever hangs
const watchdog = setTimeout(() => { console.error('viewer-check: watchdog expired'); process.exit(3); },
  timeoutMs + 60_000);
watchdog.unref();

// ---- the viewer's origin: a static server on another loopback host/port than the archive ---------------------
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.map': 'application/json' };
const served = [];
function resolveStatic(urlPath) {
  if (urlPath === '/' || urlPath === '/index.html') return path.join(here, 'index.html');
  if (urlPath === '/viewer-page.js') return path.join(here, 'dist', 'viewer-page.js');
  const m = /^\/dmv\/([A-Za-z0-9._-]+)$/.exec(urlPath);
  if (m) return path.join(dmvDist, m[1]);
  return null;
}
const server = http.createServer((req, res) => {
  const urlPath = new URL(req.url, 'http://x').pathname;
  const file = resolveStatic(urlPath);
  served.push({ path: urlPath, status: file && existsSync(file) ? 200 : 404 });
  if (!file || !existsSync(file)) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    return;
  }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream',
    'Cache-Control': 'no-store' });
  createReadStream(file).pipe(res);
});
await new Promise((resolve, reject) => server.listen(0, '127.0.0.1', resolve).on('error', reject));
const pageOrigin = `http://127.0.0.1:${server.address().port}`;
if (new URL(pageOrigin).origin === new URL(archive).origin) throw new Error('page and archive share an origin');

// ---- the browser ----------------------------------------------------------------------------------------------
const userDataDir = mkdtempSync(path.join(tmpdir(), 'viewer-check-chromium-'));
let context;
const requests = []; // every request to the archive
const consoleErrors = [];
const pageErrors = [];
let openArchiveRequests = 0;
let currentStage = 'fit'; // which view the requests are for
let lastArchiveActivity = 0;
const now = () => Date.now();

function endpoint(url) {
  const u = new URL(url);
  return u.pathname.slice(new URL(archive).pathname.length)
    .replace(/\/studies\/[0-9.]+/, '/studies/{study}')
    .replace(/\/series\/[0-9.]+/, '/series/{series}')
    .replace(/\/instances\/[0-9.]+/, '/instances/{instance}')
    .replace(/\/frames\/[0-9,]+/, '/frames/{n}')
    .replace(/\/bulkdata\/.*/, '/bulkdata/{path}');
}

let result;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1024, height: 768 },
    timeout: 60_000,
  });
  const isArchive = (url) => url.startsWith(archive + '/');
  const records = new Map();
  context.on('request', (request) => {
    if (!isArchive(request.url())) return;
    const headers = request.headers();
    const r = { method: request.method(), url: request.url(), endpoint: endpoint(request.url()),
      accept: headers.accept || null, authorization: 'authorization' in headers, status: null, failure: null,
      contentType: null, frames: request.url().includes('/frames/'), stage: currentStage };
    records.set(request, r);
    requests.push(r);
    openArchiveRequests++;
    lastArchiveActivity = now();
  });
  const done = async (request, failure) => {
    const r = records.get(request);
    if (!r) return;
    openArchiveRequests--;
    lastArchiveActivity = now();
    if (failure) {
      r.failure = failure;
      return;
    }
    const response = await request.response().catch(() => null);
    if (response) {
      r.status = response.status();
      r.contentType = response.headers()['content-type'] || null;
    }
  };
  context.on('requestfinished', (request) => done(request, null));
  context.on('requestfailed', (request) => done(request, request.failure()?.errorText || 'failed'));

  const page = context.pages()[0] || await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 500)); });
  page.on('pageerror', (e) => pageErrors.push(String(e).slice(0, 500)));

  const started = now();
  const url = `${pageOrigin}/?archive=${encodeURIComponent(archive)}&study=${encodeURIComponent(study)}`
    + `&series=${encodeURIComponent(series)}`;
  await page.goto(url, { waitUntil: 'load', timeout: 60_000 });

  // tiles are loaded when the viewer rendered, started new tiles, finished all it started, and everything
  // (tiles and archive requests) has been quiet for QUIET_MS
  let state;
  const waitForTiles = async (framesBefore) => {
    while (now() - started < timeoutMs) {
      state = await page.evaluate(() => ({ ...window.viewerState, pageNow: performance.now() }));
      if (state.status === 'failed') return 'failed';
      if (state.status === 'rendered' && state.framesStarted > framesBefore && state.framesEnded >= state.framesStarted
          && openArchiveRequests === 0 && state.pageNow - state.lastFrameEventAt >= QUIET_MS
          && now() - lastArchiveActivity >= QUIET_MS) {
        return 'loaded';
      }
      await page.waitForTimeout(250);
    }
    return 'timeout';
  };
  const stages = [];
  const stage = async (name, framesBefore) => {
    const outcome = await waitForTiles(framesBefore);
    const screenshot = path.join(outDir, `viewer-${name}.png`);
    await page.screenshot({ path: screenshot, timeout: 30_000 });
    stages.push({ name, outcome, seconds: (now() - started) / 1000, framesStarted: state.framesStarted,
      archiveRequests: requests.length, screenshot });
    return outcome;
  };
  // 1. the whole slide fitted into the viewport (dmv picks the THUMBNAIL / a low level)
  let outcome = await stage('fit', 0);
  if (outcome === 'loaded') {
    // 2. full resolution at the centre: many level-0 tiles, requested in parallel
    currentStage = 'full-resolution';
    const before = state.framesStarted;
    const levels = await page.evaluate(() => { window.viewer.navigate({ level: window.viewer.numLevels - 1 });
      return window.viewer.numLevels; });
    outcome = await stage('full-resolution', before);
    stages[stages.length - 1].level = levels - 1;
  }
  const screenshot = stages[stages.length - 1].screenshot;
  result = { outcome, stages, seconds: (now() - started) / 1000, pageOrigin, archive, state, screenshot,
    consoleErrors, pageErrors, served };
} finally {
  if (context) await context.close().catch((e) => console.error('closing the browser:', e));
  await new Promise((resolve) => server.close(resolve));
  server.closeAllConnections?.();
  rmSync(userDataDir, { recursive: true, force: true });
}

writeFileSync(path.join(outDir, 'requests.json'), JSON.stringify(requests, null, 1));
const byEndpoint = {};
for (const r of requests) {
  const key = `${r.method} ${r.endpoint} | Accept: ${r.accept}`;
  const e = (byEndpoint[key] ||= { count: 0, statuses: {} });
  e.count++;
  const s = r.failure ? `failed: ${r.failure}` : String(r.status);
  e.statuses[s] = (e.statuses[s] || 0) + 1;
}
result.requests = {
  total: requests.length,
  frames: requests.filter((r) => r.frames).length,
  framesOk: requests.filter((r) => r.frames && r.status === 200).length,
  framesByStage: Object.fromEntries(['fit', 'full-resolution'].map((st) =>
    [st, requests.filter((r) => r.frames && r.stage === st).length])),
  notOk: requests.filter((r) => r.status !== 200).map((r) => ({ url: r.url, status: r.status, failure: r.failure })),
  byEndpoint,
};
console.log('VIEWER-RESULT ' + JSON.stringify(result));
clearTimeout(watchdog);
