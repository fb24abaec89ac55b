//! Runs a function's Node.js code the way SCF does: the system `node` in a subprocess,
//! `file.method` called with `(event, context)` (async or callback style), the timeout and
//! memory limit enforced, console output, result, duration and memory captured.
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

/// What one invocation produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// 0 success, 430 user code error, 433 time limit, 434 memory limit, 500 platform.
    pub ret_code: i32,
    /// The handler's return value as JSON (empty on failure).
    pub ret_msg: String,
    pub err_msg: String,
    /// Console output of the function.
    pub output: String,
    pub duration_ms: f64,
    pub mem_usage: i64,
}

/// What to run.
pub struct Job<'a> {
    pub code_dir: &'a Path,
    pub handler: &'a str,
    pub event: &'a str,
    pub timeout: Duration,
    pub memory_mb: i64,
    pub env: Vec<(String, String)>,
    pub request_id: &'a str,
    pub function_name: &'a str,
    pub namespace: &'a str,
    /// The `node` to run, from [`node_binary`]; `None` when it is not installed.
    pub node: Option<PathBuf>,
}

/// The wrapper that calls the handler and reports its result to a file.
const BOOTSTRAP: &str = r#"'use strict';
const fs = require('fs');
const path = require('path');
const [file, method, resultPath, requestId, fnName, ns, memMb, timeoutMs] = process.argv.slice(2);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', run);
function report(obj) {
  obj.mem = process.memoryUsage().rss;
  fs.writeFileSync(resultPath, JSON.stringify(obj));
}
async function run() {
  let event;
  try { event = JSON.parse(input); } catch (e) { report({ ok: false, error: 'the event is not JSON' }); return; }
  const context = {
    request_id: requestId, function_name: fnName, namespace: ns, function_version: '$LATEST',
    memory_limit_in_mb: Number(memMb), time_limit_in_ms: Number(timeoutMs),
    environment: JSON.stringify(process.env),
  };
  try {
    const mod = require(path.resolve(process.cwd(), file));
    const fn = mod[method];
    if (typeof fn !== 'function') throw new Error(file + '.' + method + ' is not a function');
    const result = await new Promise((resolve, reject) => {
      const r = fn(event, context, (err, data) => (err ? reject(err) : resolve(data)));
      if (r && typeof r.then === 'function') r.then(resolve, reject);
      else if (fn.length < 3) resolve(r);
    });
    report({ ok: true, result: result === undefined ? null : result });
  } catch (e) {
    console.error((e && e.stack) || String(e));
    report({ ok: false, error: String((e && e.message) || e) });
  }
}
"#;

/// The `node` binary, if installed.
pub fn node_binary() -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("node"))
            .find(|p| p.is_file())
    })
}

fn failure(ret_code: i32, err_msg: String, output: String, started: Instant) -> Outcome {
    Outcome {
        ret_code,
        ret_msg: String::new(),
        err_msg,
        output,
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        mem_usage: 0,
    }
}

/// Runs `job` and reports what happened; never fails itself: platform problems become a
/// 500 outcome with the reason in `err_msg`.
pub async fn run(job: Job<'_>) -> Outcome {
    let started = Instant::now();
    let Some(node) = job.node.clone() else {
        return failure(
            500,
            "node is not installed: the emulator runs Node.js functions with the system `node`"
                .to_owned(),
            String::new(),
            started,
        );
    };
    let Some((file, method)) = job.handler.split_once('.') else {
        return failure(
            500,
            format!("bad handler {}", job.handler),
            String::new(),
            started,
        );
    };
    let result_path = std::env::temp_dir().join(format!("scf-result-{}.json", job.request_id));
    let bootstrap = job.code_dir.join("__scf_bootstrap.js");
    if let Err(err) = tokio::fs::write(&bootstrap, BOOTSTRAP).await {
        return failure(
            500,
            format!("preparing the runtime: {err}"),
            String::new(),
            started,
        );
    }
    let mut cmd = Command::new(node);
    cmd.arg(format!("--max-old-space-size={}", job.memory_mb.max(16)))
        .arg(&bootstrap)
        .arg(format!("{file}.js"))
        .arg(method)
        .arg(&result_path)
        .arg(job.request_id)
        .args([
            job.function_name,
            job.namespace,
            &job.memory_mb.to_string(),
            &job.timeout.as_millis().to_string(),
        ])
        .current_dir(job.code_dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .envs(job.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(err) => return failure(500, format!("starting node: {err}"), String::new(), started),
    };
    if let Some(mut stdin) = child.stdin.take() {
        let event = job.event.as_bytes().to_vec();
        tokio::spawn(async move {
            let _ = stdin.write_all(&event).await;
        });
    }
    let waited = tokio::time::timeout(job.timeout, child.wait_with_output()).await;
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let output = match waited {
        Err(_) => {
            let _ = tokio::fs::remove_file(&result_path).await;
            return Outcome {
                ret_code: 433,
                ret_msg: String::new(),
                err_msg: format!(
                    "Invoking task timed out after {} seconds",
                    job.timeout.as_secs()
                ),
                output: String::new(),
                duration_ms,
                mem_usage: 0,
            };
        }
        Ok(Err(err)) => {
            return failure(500, format!("running node: {err}"), String::new(), started)
        }
        Ok(Ok(output)) => output,
    };
    let mut console = String::from_utf8_lossy(&output.stdout).into_owned();
    console.push_str(&String::from_utf8_lossy(&output.stderr));
    let report = tokio::fs::read_to_string(&result_path).await.ok();
    let _ = tokio::fs::remove_file(&result_path).await;
    let report: Option<serde_json::Value> = report.and_then(|r| serde_json::from_str(&r).ok());
    let mem_usage = report
        .as_ref()
        .and_then(|r| r["mem"].as_i64())
        .unwrap_or_default();
    match report {
        Some(r) if r["ok"] == true => Outcome {
            ret_code: 0,
            ret_msg: r["result"].to_string(),
            err_msg: String::new(),
            output: console,
            duration_ms,
            mem_usage,
        },
        Some(r) => Outcome {
            ret_code: 430,
            ret_msg: String::new(),
            err_msg: r["error"]
                .as_str()
                .unwrap_or("user code exception")
                .to_owned(),
            output: console,
            duration_ms,
            mem_usage,
        },
        None if console.contains("heap out of memory") => Outcome {
            ret_code: 434,
            ret_msg: String::new(),
            err_msg: format!("Memory limit of {} MB exceeded", job.memory_mb),
            output: console,
            duration_ms,
            mem_usage: job.memory_mb * 1024 * 1024,
        },
        None => Outcome {
            ret_code: 430,
            ret_msg: String::new(),
            err_msg: format!("the function exited ({}) without returning", output.status),
            output: console,
            duration_ms,
            mem_usage,
        },
    }
}

/// SCF's log text for an invocation.
pub fn log_text(request_id: &str, outcome: &Outcome, billed_ms: i64, memory_mb: i64) -> String {
    let mut log = format!("START RequestId: {request_id}\n");
    log.push_str(&outcome.output);
    if !outcome.output.is_empty() && !outcome.output.ends_with('\n') {
        log.push('\n');
    }
    if !outcome.err_msg.is_empty() {
        log.push_str(&format!(
            "ERROR RequestId: {request_id} {}\n",
            outcome.err_msg
        ));
    }
    log.push_str(&format!("END RequestId: {request_id}\n"));
    log.push_str(&format!(
        "Report RequestId: {request_id} Duration:{:.2}ms BilledDuration:{billed_ms}ms Memory:{memory_mb}MB MemUsage:{:.2}MB",
        outcome.duration_ms,
        outcome.mem_usage as f64 / (1024.0 * 1024.0)
    ));
    log
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run_code(code: &str, event: &str, timeout_secs: u64, memory_mb: i64) -> Outcome {
        let dir = std::env::temp_dir().join(format!("runtime-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("index.js"), code).expect("code");
        let rid = uuid::Uuid::new_v4().to_string();
        let outcome = run(Job {
            code_dir: &dir,
            handler: "index.main_handler",
            event,
            timeout: Duration::from_secs(timeout_secs),
            memory_mb,
            env: vec![("GREETING".to_owned(), "hi".to_owned())],
            request_id: &rid,
            function_name: "Fn",
            namespace: "default",
            node: node_binary(),
        })
        .await;
        let _ = std::fs::remove_dir_all(dir);
        outcome
    }

    #[tokio::test]
    async fn async_and_callback_handlers_return_values() {
        let out = run_code(
            "exports.main_handler = async (event, context) => { console.log('got', event.n, process.env.GREETING); return { double: event.n * 2, fn: context.function_name }; };",
            r#"{"n": 21}"#,
            5,
            128,
        )
        .await;
        assert_eq!(out.ret_code, 0, "{out:?}");
        assert_eq!(out.ret_msg, r#"{"double":42,"fn":"Fn"}"#);
        assert!(out.output.contains("got 21 hi"), "{out:?}");
        assert!(out.mem_usage > 0);
        let cb = run_code(
            "exports.main_handler = (event, context, callback) => { setTimeout(() => callback(null, 'done'), 10); };",
            "{}",
            5,
            128,
        )
        .await;
        assert_eq!(
            (cb.ret_code, cb.ret_msg.as_str()),
            (0, "\"done\""),
            "{cb:?}"
        );
    }

    #[tokio::test]
    async fn failures_are_classified() {
        let thrown = run_code(
            "exports.main_handler = async () => { throw new Error('boom'); };",
            "{}",
            5,
            128,
        )
        .await;
        assert_eq!(thrown.ret_code, 430);
        assert_eq!(thrown.err_msg, "boom");
        assert!(
            thrown.output.contains("Error: boom"),
            "stack in the log: {thrown:?}"
        );
        let slow = run_code(
            "exports.main_handler = () => new Promise(() => setTimeout(() => {}, 10000));",
            "{}",
            1,
            128,
        )
        .await;
        assert_eq!(slow.ret_code, 433, "{slow:?}");
        assert!(slow.duration_ms >= 1000.0);
        let hog = run_code(
            "exports.main_handler = async () => { const a = []; for (;;) a.push(new Array(1e6).fill(1)); };",
            "{}",
            30,
            64,
        )
        .await;
        assert_eq!(hog.ret_code, 434, "{hog:?}");
        let missing = run_code("exports.other = () => 1;", "{}", 5, 128).await;
        assert_eq!(missing.ret_code, 430);
        assert!(missing.err_msg.contains("is not a function"), "{missing:?}");
        let bad_event = run_code("exports.main_handler = () => 1;", "not json", 5, 128).await;
        assert_eq!(bad_event.ret_code, 430);
    }

    #[tokio::test]
    async fn without_node_the_invocation_fails_clearly() {
        let dir = std::env::temp_dir();
        let out = run(Job {
            code_dir: &dir,
            handler: "index.main_handler",
            event: "{}",
            timeout: Duration::from_secs(1),
            memory_mb: 128,
            env: Vec::new(),
            request_id: "r",
            function_name: "Fn",
            namespace: "default",
            node: None,
        })
        .await;
        assert_eq!(out.ret_code, 500);
        assert!(out.err_msg.contains("node is not installed"), "{out:?}");
    }

    #[test]
    fn log_lines() {
        let out = Outcome {
            ret_code: 0,
            ret_msg: "1".into(),
            err_msg: String::new(),
            output: "hello".into(),
            duration_ms: 1.5,
            mem_usage: 2 * 1024 * 1024,
        };
        let log = log_text("r1", &out, 2, 128);
        assert!(log.starts_with("START RequestId: r1\nhello\nEND RequestId: r1\n"));
        assert!(log.ends_with(
            "Report RequestId: r1 Duration:1.50ms BilledDuration:2ms Memory:128MB MemUsage:2.00MB"
        ));
    }
}
