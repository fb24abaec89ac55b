// Issue: an MPS task event survives the server being killed. The pipeline is set up
// through the console's own API, ProcessMedia runs, the server is killed with SIGKILL
// right away (before the task can finish and its event be delivered), and a restarted
// server (adopting the embedded PostgreSQL left running) delivers the event: the
// function's log shows exactly one invocation for the TaskId, started after the restart,
// and its summary is in COS. A second test kills the server while ten events are queued
// or being delivered and counts what at-least-once delivery gives for each.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'playwright-core';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { readdirSync, readlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { root, startServer } from './harness.mjs';

const OWNER = { email: 'restart@example.com', password: 'restart-password-123' };
let server;

after(async () => {
  await server?.stop();
});

/** A signed-in API client of the console (form-encoded server functions, JSON answers). */
async function api(base) {
  const ctx = await request.newContext({ baseURL: base });
  const call = async (endpoint, form = {}) => {
    const res = await ctx.post(`/api/${endpoint}`, { form });
    const body = await res.json().catch(() => null);
    return { status: res.status(), body };
  };
  return { ctx, call };
}

async function until(what, fn, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `YYYY-MM-DD HH:MM:SS` in Beijing time, as SCF writes StartTime. */
function beijing(ms) {
  return new Date(ms + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
}

/**
 * Functions still running for servers that are gone: processes whose working folder is
 * a code folder (`<tmp>/mps-console-functions/<server pid>/…`) of a process that no longer
 * exists.
 */
function orphanFunctions() {
  const root = join(os.tmpdir(), 'mps-console-functions') + '/';
  const orphans = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cwd;
    try { cwd = readlinkSync(`/proc/${pid}/cwd`); } catch { continue; }
    if (!cwd.startsWith(root)) continue;
    const owner = cwd.slice(root.length).split('/')[0];
    if (!existsSync(`/proc/${owner}`)) orphans.push(`${pid} in ${cwd}`);
  }
  return orphans;
}

/** The function the pipeline calls. */
const fn = { rid: '8', ns: 'default', name: 'MPSAnalysis' };

/**
 * Sets the pipeline up through the console: the owner, `fn` from the MPS Webhook template
 * writing to the demo bucket, both service roles, the WorkflowTask trigger. Returns the bucket.
 */
async function setUpPipeline(call) {
  let r = await call('setup_owner', { team_name: 'Media', display_name: 'Rita', email: OWNER.email, password: OWNER.password });
  assert.equal(r.status, 200, JSON.stringify(r));
  const bucket = (await call('wizard_state')).body.demo_bucket;
  r = await call('create_function', {
    ...fn, template_id: 'demo-nodejs89-mps-webhook', description: '', memory_size: '128', timeout: '3',
    variables: `COS_BUCKET=${bucket}\nCOS_REGION=ap-beijing`, role: 'SCF_QcsRole',
  });
  assert.equal(r.status, 200, JSON.stringify(r));
  await until('Active', async () => (await call('get_function', fn)).body?.status === 'Active');
  for (const name of ['SCF_QcsRole', 'MPS_QcsRole']) {
    assert.equal((await call('authorize_role', { name })).status, 200);
  }
  assert.equal((await call('create_mps_trigger', { ...fn, event_type: 'WorkflowTask' })).status, 200);
  return bucket;
}

test('a task event is delivered after the server is killed mid-way and restarted', async () => {
  server = await startServer('restart');
  let { ctx, call } = await api(server.base);
  const bucket = await setUpPipeline(call);
  let r;

  r = await call('start_mps_task', {
    rid: '8', kind: 'WorkflowTask', input_bucket: bucket, input_region: 'ap-beijing', object: 'input/sample.mp4',
    output_bucket: bucket, output_region: 'ap-beijing', output_dir: '/output/', transcode: 'true', snapshot: 'true', clip_start: '0', clip_end: '0',
  });
  assert.equal(r.status, 200, JSON.stringify(r));
  const taskId = r.body;
  const killed = await server.kill();
  assert.equal(killed.signal, 'SIGKILL');
  await ctx.dispose();
  const restartedAt = Date.now();

  server = await startServer('restart', { keep: true });
  ({ ctx, call } = await api(server.base));
  r = await call('login', { email: OWNER.email, password: OWNER.password });
  assert.ok(r.status === 200 || r.status === 302, JSON.stringify(r));
  const logs = await until('the invocation', async () => {
    const page = (await call('function_logs', {
      ...fn, range: '1h', start: '0', end: '0', request_id: '', keyword: taskId, outcome: 'all', page: '1',
    })).body;
    return page?.total >= 1 ? page : null;
  });
  assert.equal(logs.total, 1, 'delivered once');

  // A second server on the same data folder refuses to start (it used to adopt this one's
  // PostgreSQL, fail to bind its port and stop the cluster under it), and this one works on.
  const second = spawnSync(join(root, 'target/release/server'), [], {
    env: { ...process.env, BIND_ADDR: '127.0.0.1:0', EMULATOR_ADDR: '127.0.0.1:0', DATA_DIR: server.dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.notEqual(second.status, 0, second.stdout + second.stderr);
  assert.match(second.stdout + second.stderr, /another server is running with the data folder/);
  assert.equal((await fetch(`${server.base}/healthz`)).status, 200);
  const row = logs.items[0];
  assert.equal(row.ret_code, 0, row.log);
  assert.ok(row.start_time >= beijing(restartedAt - 1000), `ran after the restart: ${row.start_time}`);
  const key = /summary stored: cos:\/\/[^/]+\/(\S+)/.exec(row.log)?.[1];
  assert.ok(key, row.log);
  const preview = (await call('cos_preview', { bucket, region: 'ap-beijing', key })).body;
  assert.equal(JSON.parse(preview.text).TaskId, taskId);
  await ctx.dispose();
  // Stopped here, or its process would keep the test runner alive after the next test.
  await server.stop();
  server = undefined;
});

test('events in flight when the server is killed are each delivered, repeats counted', async () => {
  server = await startServer('restart-many');
  let { ctx, call } = await api(server.base);
  const bucket = await setUpPipeline(call);
  let r;

  const taskIds = [];
  for (let i = 0; i < 10; i++) {
    r = await call('start_mps_task', {
      rid: '8', kind: 'WorkflowTask', input_bucket: bucket, input_region: 'ap-beijing', object: 'input/sample.mp4',
      output_bucket: bucket, output_region: 'ap-beijing', output_dir: `/many/${i}/`, transcode: 'true', snapshot: 'false', clip_start: '0', clip_end: '0',
    });
    assert.equal(r.status, 200, JSON.stringify(r));
    taskIds.push(r.body);
  }
  const logsOf = async (keyword) => (await call('function_logs', {
    ...fn, range: '1h', start: '0', end: '0', request_id: '', keyword, outcome: 'all', page: '1',
  })).body;
  // Killed as soon as the first event has reached the function: the rest are queued or
  // being delivered.
  await until('the first invocation', async () => (await logsOf('WorkflowTask'))?.total >= 1, 120_000);
  const killed = await server.kill();
  assert.equal(killed.signal, 'SIGKILL');
  await ctx.dispose();
  // The functions it was running died with it: none runs on unseen.
  await until('no orphaned functions', async () => orphanFunctions().length === 0, 5_000)
    .catch(() => assert.deepEqual(orphanFunctions(), []));

  server = await startServer('restart-many', { keep: true });
  ({ ctx, call } = await api(server.base));
  r = await call('login', { email: OWNER.email, password: OWNER.password });
  assert.ok(r.status === 200 || r.status === 302, JSON.stringify(r));
  let repeats = 0;
  for (const taskId of taskIds) {
    const page = await until(`an invocation for ${taskId}`, async () => {
      const p = await logsOf(taskId);
      return p?.total >= 1 ? p : null;
    }, 120_000);
    const ok = page.items.find((row) => row.ret_code === 0);
    assert.ok(ok, JSON.stringify(page.items));
    // Every earlier run of the event counts in RetryNum, a run cut off by the kill too
    // (it is in the log as interrupted; its output, the TaskId, died with it).
    assert.ok(page.total <= ok.retry_num + 1, JSON.stringify(page.items));
    repeats += ok.retry_num;
  }
  const interrupted = (await logsOf('interrupted'))?.items ?? [];
  assert.ok(interrupted.every((row) => row.ret_code === 3), JSON.stringify(interrupted));
  assert.ok(interrupted.length <= repeats, `${interrupted.length} runs interrupted, ${repeats} repeats`);
  // At least once: a repeat only for a delivery cut off by the kill, so no more than the
  // deliveries that run at once (server::emulator::delivery::worker_count).
  const inFlight = Math.min(16, Math.max(2, 2 * os.availableParallelism()));
  console.log(`${taskIds.length} events after SIGKILL: ${repeats} delivered twice`);
  assert.ok(repeats <= inFlight, `${repeats} repeats, more than ${inFlight} in flight`);
  await ctx.dispose();
});
