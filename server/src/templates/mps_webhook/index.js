'use strict';
// MPS Webhook template (MPS Callback Console).
//
// Triggered by an MPS trigger (WorkflowTask or EditMediaTask events). It summarises the
// task, writes the summary as JSON to COS under a time-based key and, when WEBHOOK_URL is
// set, posts the summary there too. Written for Node.js 8.9: no dependencies beyond the
// standard library.
//
// Environment:
//   COS_BUCKET       bucket for summaries (name-appid); unset: no COS write
//   COS_REGION       its region (default: the function's region, TENCENTCLOUD_REGION)
//   COS_PREFIX       key prefix (default "mps-callback/")
//   TZ               time zone of the keys' dates (SCF's default: UTC; Asia/Shanghai for
//                    the Beijing time the console shows)
//   WEBHOOK_URL      optional http(s) URL receiving the summary as JSON
//   COS_ENDPOINT     optional base URL for COS (the local emulator sets it)
// SCF provides TENCENTCLOUD_SECRETID / _SECRETKEY / _SESSIONTOKEN from the function's role.

const crypto = require('crypto');
const http = require('http');
const https = require('https');
const url = require('url');

function cosStorage(storage) {
  const cos = storage && storage.CosOutputStorage;
  return cos ? { Bucket: cos.Bucket, Region: cos.Region } : null;
}

function workflowOutputs(results) {
  return (results || []).map(function (r) {
    const task = r.TranscodeTask || r.AnimatedGraphicTask || r.SnapshotByTimeOffsetTask ||
      r.SampleSnapshotTask || r.ImageSpriteTask || r.AdaptiveDynamicStreamingTask || {};
    const out = task.Output || {};
    const paths = out.Path ? [out.Path]
      : (out.PicInfoSet || []).map(function (p) { return p.Path; })
        .concat(out.ImagePathSet || []);
    return {
      Type: r.Type,
      Status: task.Status || null,
      ErrCode: task.ErrCode === undefined ? null : task.ErrCode,
      Message: task.Message || '',
      Storage: cosStorage(out.OutputStorage || out.Storage),
      Paths: paths,
    };
  });
}

/** The summary of an MPS task event; throws on anything else. */
function summarize(event) {
  if (event && event.EventType === 'WorkflowTask' && event.WorkflowTaskEvent) {
    const t = event.WorkflowTaskEvent;
    return {
      EventType: 'WorkflowTask',
      TaskId: t.TaskId,
      Status: t.Status,
      ErrCode: t.ErrCode,
      Message: t.Message || '',
      Input: t.InputInfo || null,
      Outputs: workflowOutputs(t.MediaProcessResultSet),
    };
  }
  if (event && event.EventType === 'EditMediaTask' && event.EditMediaTaskEvent) {
    const t = event.EditMediaTaskEvent;
    const out = t.Output || {};
    return {
      EventType: 'EditMediaTask',
      TaskId: t.TaskId,
      Status: t.Status,
      ErrCode: t.ErrCode,
      Message: t.Message || '',
      Input: t.Input || null,
      Outputs: [{ Type: 'EditMedia', Status: t.Status, ErrCode: t.ErrCode, Message: t.Message || '',
        Storage: cosStorage(out.OutputStorage), Paths: out.Path ? [out.Path] : [] }],
    };
  }
  throw new Error('not an MPS task event (EventType: ' + (event && event.EventType) + ')');
}

function send(target, method, headers, body) {
  return new Promise(function (resolve, reject) {
    const u = url.parse(target);
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request({
      method: method, hostname: u.hostname, port: u.port, path: u.path, headers: headers,
    }, function (res) {
      const chunks = [];
      res.on('data', function (c) { chunks.push(c); });
      res.on('end', function () {
        resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.setTimeout(2500, function () { req.abort(); reject(new Error(method + ' ' + target + ' timed out')); });
    req.on('error', reject);
    req.end(body);
  });
}

function hmacSha1(key, text) { return crypto.createHmac('sha1', key).update(text).digest('hex'); }
function sha1(text) { return crypto.createHash('sha1').update(text).digest('hex'); }
function encode(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, function (c) {
    return '%' + c.charCodeAt(0).toString(16).toUpperCase();
  });
}

/** COS XML API signature (q-sign-algorithm=sha1) over the method, path and headers. */
function cosAuthorization(secretId, secretKey, method, path, headers) {
  const now = Math.floor(Date.now() / 1000);
  const keyTime = (now - 60) + ';' + (now + 600);
  const names = Object.keys(headers).map(function (k) { return k.toLowerCase(); }).sort();
  const lower = {};
  Object.keys(headers).forEach(function (k) { lower[k.toLowerCase()] = String(headers[k]); });
  const httpHeaders = names.map(function (k) { return encode(k) + '=' + encode(lower[k]); }).join('&');
  const httpString = method.toLowerCase() + '\n' + path + '\n\n' + httpHeaders + '\n';
  const stringToSign = 'sha1\n' + keyTime + '\n' + sha1(httpString) + '\n';
  const signature = hmacSha1(hmacSha1(secretKey, keyTime), stringToSign);
  return 'q-sign-algorithm=sha1&q-ak=' + secretId + '&q-sign-time=' + keyTime + '&q-key-time=' +
    keyTime + '&q-header-list=' + names.join(';') + '&q-url-param-list=&q-signature=' + signature;
}

function pad(n) { return (n < 10 ? '0' : '') + n; }

/** `<prefix>YYYY/MM/DD/HHMMSS-<TaskId>.json`, in the function's time zone (TZ). */
function summaryKey(prefix, taskId, now) {
  return prefix + now.getFullYear() + '/' + pad(now.getMonth() + 1) + '/' + pad(now.getDate()) +
    '/' + pad(now.getHours()) + pad(now.getMinutes()) + pad(now.getSeconds()) + '-' +
    String(taskId).replace(/[^A-Za-z0-9_.-]/g, '_') + '.json';
}

async function putSummary(summary) {
  const env = process.env;
  const bucket = env.COS_BUCKET;
  if (!bucket) {
    console.log('COS_BUCKET is not set: the summary is not stored');
    return null;
  }
  const region = env.COS_REGION || env.TENCENTCLOUD_REGION;
  const key = summaryKey(env.COS_PREFIX || 'mps-callback/', summary.TaskId, new Date());
  const body = Buffer.from(JSON.stringify(summary, null, 2), 'utf8');
  const host = bucket + '.cos.' + region + '.myqcloud.com';
  const base = env.COS_ENDPOINT ? env.COS_ENDPOINT.replace(/\/+$/, '') + '/' + bucket : 'https://' + host;
  const path = '/' + key;
  const headers = { 'Content-Type': 'application/json', 'Content-Length': body.length, Host: host };
  if (env.TENCENTCLOUD_SESSIONTOKEN) headers['x-cos-security-token'] = env.TENCENTCLOUD_SESSIONTOKEN;
  headers.Authorization = cosAuthorization(env.TENCENTCLOUD_SECRETID, env.TENCENTCLOUD_SECRETKEY, 'PUT', path, {
    'Content-Type': headers['Content-Type'], Host: host,
  });
  const res = await send(base + path.split('/').map(encode).join('/'), 'PUT', headers, body);
  if (res.status !== 200) throw new Error('COS PutObject failed: HTTP ' + res.status + ' ' + res.body);
  console.log('summary stored: cos://' + bucket + '/' + key + ' (' + region + ')');
  return key;
}

async function postWebhook(summary) {
  const target = process.env.WEBHOOK_URL;
  if (!target) return null;
  const body = JSON.stringify(summary);
  const res = await send(target, 'POST', { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }, body);
  console.log('webhook answered HTTP ' + res.status);
  return res.status;
}

exports.summarize = summarize;
exports.summaryKey = summaryKey;

exports.main_handler = async function (event, context) {
  const summary = summarize(event);
  console.log('MPS ' + summary.EventType + ' ' + summary.TaskId + ' status ' + summary.Status);
  const key = await putSummary(summary);
  const webhookStatus = await postWebhook(summary);
  return { TaskId: summary.TaskId, Status: summary.Status, SummaryKey: key, WebhookStatus: webhookStatus };
};
