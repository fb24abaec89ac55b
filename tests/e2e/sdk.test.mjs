// Tencent's official Node.js SDKs against the emulator, unchanged but for one setting: the
// emulator as their HTTP proxy. They then sign for the cloud's own hosts, as against
// Tencent Cloud (tencentcloud-sdk-nodejs opens a CONNECT tunnel even for http:, which the
// emulator serves itself; cos-nodejs-sdk-v5 sends <bucket>.cos.<region>.myqcloud.com).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as scfSdk from 'tencentcloud-sdk-nodejs-scf';
import * as mpsSdk from 'tencentcloud-sdk-nodejs-mps';
import COS from 'cos-nodejs-sdk-v5';
import { startServer, root } from './harness.mjs';

let server;
let account;

before(async () => {
  server = await startServer('sdk');
  // A fresh emulator account, as the README's `server emulator-account` prints it.
  const out = execFileSync(join(root, 'target/release/server'), ['emulator-account'], {
    env: { ...process.env, DATA_DIR: server.dataDir, EMULATOR_ADDR: server.emulator },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  account = JSON.parse(out.toString());
});

after(async () => {
  const status = await server?.stop();
  assert.equal(status?.code, 0, `server exit: ${JSON.stringify(status)}`);
});

function clientConfig(secretKey = account.SecretKey) {
  return {
    credential: { secretId: account.SecretId, secretKey },
    region: 'ap-beijing',
    profile: { httpProfile: { protocol: 'http:', proxy: `http://${server.emulator}` } },
  };
}

async function cloudError(call) {
  try {
    await call();
  } catch (err) {
    return err;
  }
  assert.fail('the call succeeded');
}

test('tencentcloud-sdk-nodejs: SCF and MPS calls, errors with their code and RequestId', async () => {
  const scf = new scfSdk.scf.v20180416.Client(clientConfig());
  const namespaces = await scf.ListNamespaces({});
  assert.deepEqual(namespaces.Namespaces.map((n) => n.Name), ['default']);
  const missing = await cloudError(() => scf.GetFunction({ FunctionName: 'Nope' }));
  assert.equal(missing.code, 'ResourceNotFound.FunctionName');
  assert.ok(missing.requestId, 'a RequestId with the error');
  const forged = new scfSdk.scf.v20180416.Client(clientConfig('wrong-key'));
  assert.equal((await cloudError(() => forged.ListNamespaces({}))).code, 'AuthFailure.SignatureFailure');

  const mps = new mpsSdk.mps.v20190612.Client(clientConfig());
  const bucket = `media-${account.AppId}`;
  const { TaskId } = await mps.ProcessMedia({
    InputInfo: { Type: 'COS', CosInputInfo: { Bucket: bucket, Region: 'ap-beijing', Object: '/input/sample.mp4' } },
    OutputDir: '/sdk-output/',
    MediaProcessTask: { TranscodeTaskSet: [{ Definition: 10 }] },
  });
  let detail;
  for (let i = 0; i < 300; i++) {
    detail = await mps.DescribeTaskDetail({ TaskId });
    if (detail.Status === 'FINISH') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(detail.Status, 'FINISH');
  assert.equal(detail.WorkflowTask.TaskId, TaskId);
  const finished = await mps.DescribeTasks({ Status: 'FINISH', Limit: 10 });
  assert.deepEqual(finished.TaskSet.map((t) => t.TaskId), [TaskId]);
  assert.equal((await cloudError(() => mps.DescribeTasks({ Limit: 10 }))).code, 'MissingParameter');
  // The sample video's MetaData, read from its MP4 boxes.
  const meta = detail.WorkflowTask.MetaData;
  assert.deepEqual([meta.Width, meta.Height, meta.VideoStreamSet[0].Codec], [320, 180, 'h264']);

  // GET (httpProfile.reqMethod): the parameters flattened into the signed query.
  const get = clientConfig();
  get.profile.httpProfile.reqMethod = 'GET';
  const mpsGet = new mpsSdk.mps.v20190612.Client(get);
  const ok = await mpsGet.DescribeTasks({ Status: 'FINISH', Limit: 10, SubTaskHasFailed: false });
  assert.deepEqual(ok.TaskSet.map((t) => t.TaskId), [TaskId]);
  const failed = await mpsGet.DescribeTasks({ Status: 'FINISH', Limit: 10, SubTaskHasFailed: true });
  assert.equal(failed.TotalCount, 0);
});

test('cos-nodejs-sdk-v5: list, upload, download, and a missing key', async () => {
  const cos = new COS({
    SecretId: account.SecretId,
    SecretKey: account.SecretKey,
    Protocol: 'http:',
    Proxy: `http://${server.emulator}`,
  });
  const call = (method, params) => promisify(cos[method].bind(cos))({ Region: 'ap-beijing', ...params });
  const Bucket = `media-${account.AppId}`;
  const listed = await call('getBucket', { Bucket, Prefix: 'input/' });
  assert.deepEqual(listed.Contents.map((o) => o.Key), ['input/sample.mp4']);
  await call('putObject', { Bucket, Key: 'sdk/hello.txt', Body: 'hello from node' });
  const got = await call('getObject', { Bucket, Key: 'sdk/hello.txt' });
  assert.equal(got.Body.toString(), 'hello from node');
  const missing = await cloudError(() => call('getObject', { Bucket, Key: 'sdk/missing.txt' }));
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.code, 'NoSuchKey');
});
