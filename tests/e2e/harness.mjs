// Starts the real server binary (embedded PostgreSQL, built site) and headless Chromium.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');

async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

/**
 * Starts `target/release/server`, the console as `./x serve` builds it (release WASM through
 * wasm-opt, precompressed), on a free port with its own data folder; `keep` reuses the
 * folder (and database) of an earlier run under the same name.
 */
export async function startServer(name, { keep = false } = {}) {
  // A port found free can be taken before the server binds it (by any process's outgoing
  // connection): the server then exits with "Address already in use"; try other ports.
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await launch(name, keep || attempt > 0, attempt);
    } catch (err) {
      if (!err.addressInUse || attempt === 2) throw err;
    }
  }
}

async function launch(name, keep, attempt) {
  const port = await freePort();
  const emulatorPort = await freePort();
  const dataDir = join(root, 'target/e2e-data', name);
  if (!keep) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const logName = `${keep ? 'server-restarted' : 'server'}${attempt ? `-${attempt}` : ''}.log`;
  const logPath = join(dataDir, logName);
  const log = createWriteStream(logPath);
  const child = spawn(join(root, 'target/release/server'), [], {
    cwd: root,
    env: {
      ...process.env,
      BIND_ADDR: `127.0.0.1:${port}`,
      EMULATOR_ADDR: `127.0.0.1:${emulatorPort}`,
      // Teams "on Tencent Cloud" talk to the emulator too, through the Tencent client.
      TENCENT_API_ENDPOINT: `http://127.0.0.1:${emulatorPort}`,
      DATA_DIR: dataDir,
      LEPTOS_SITE_ROOT: join(root, 'target/site'),
      RUST_LOG: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  // The end of what the server printed, to tell why it stopped if it stops at start.
  let output = '';
  const keepTail = (chunk) => { output = (output + chunk).slice(-65_536); };
  child.stdout.on('data', keepTail);
  child.stderr.on('data', keepTail);
  const exited = new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
  const closed = new Promise((ok) => child.on('close', ok));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      await closed;
      const err = new Error(`server exited early; see ${logPath}`);
      err.addressInUse = output.includes('Address already in use');
      throw err;
    }
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`server did not become healthy; see ${logPath}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    logPath,
    dataDir,
    /** The cloud emulator's address, `127.0.0.1:<port>`. */
    emulator: `127.0.0.1:${emulatorPort}`,
    /** Kills the process without warning (no shutdown, the database left running). */
    async kill() {
      child.kill('SIGKILL');
      const status = await exited;
      log.end();
      return status;
    },
    /** SIGTERM, as a service manager would; resolves with the exit status. */
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const status = await exited;
      log.end();
      return status;
    },
  };
}

/** Headless Chromium from Debian. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A folder for this run's screenshots; printed so a person can look at them. */
export function screenshotDir(name) {
  const dir = join(here, 'screenshots', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(`screenshots: ${dir}`);
  return dir;
}

/** Waits until the page's wasm has hydrated it. */
export async function hydrated(page) {
  await page.locator('body[data-hydrated]').waitFor({ timeout: 60_000 });
}

/**
 * Fails when the page shows source code as text: an attribute expression such as
 * `disabled=a >= b` in a `view!` ends the tag at `>`, and the rest of it, event handler
 * and all, becomes the element's text.
 */
export async function noLeakedCode(page) {
  // Code the page shows on purpose (a function's source, a log) is left out.
  const text = await page.evaluate(() => {
    const body = document.body.cloneNode(true);
    body.querySelectorAll('script, style, pre, code, textarea').forEach((el) => el.remove());
    return body.textContent;
  });
  const leak = text.match(/move \|[^|]*\||on:[a-z]+=|\.(update|set|get)\(|=> view!/);
  if (leak) throw new Error(`${page.url()} shows code as text: …${text.slice(Math.max(0, leak.index - 60), leak.index + 60)}…`);
}

/**
 * Collects console errors and uncaught exceptions of every page in `context` (hydration
 * mismatches and wasm panics land there); returns the list to assert on.
 */
export function watchErrors(context) {
  const errors = [];
  context.on('page', (page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`${page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
  });
  return errors;
}
