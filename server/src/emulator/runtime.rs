//! Runs a function's Node.js code the way SCF does: the system `node` in a subprocess,
//! `file.method` called with `(event, context)` (async or callback style), the timeout and
//! memory limit enforced, console output, result, duration and memory captured.
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use super::sandbox;

/// Console output kept per stream (stdout, stderr) of one invocation; the rest is read and
/// dropped, so a function printing without end costs neither memory nor database rows.
const OUTPUT_LIMIT: usize = 512 * 1024;
/// The largest return value SCF passes back (larger fails with 407).
const RESULT_LIMIT: u64 = 6 * 1024 * 1024;

/// How often a running function's resident memory is read.
const MEMORY_POLL: Duration = Duration::from_millis(25);

/// Functions running at once, whoever started them (event deliveries, of which there are
/// two per core, and `Invoke` calls); the others wait their turn, so a burst of
/// asynchronous invocations cannot start a process each.
static RUNNING: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(slot_count()));

/// Four per core, from 4 to 32.
pub(super) fn slot_count() -> usize {
    std::thread::available_parallelism()
        .map_or(4, |n| n.get() * 4)
        .clamp(4, 32)
}

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
    /// How long a caller waiting on the result (a synchronous `Invoke`) waits for a run
    /// slot before the invocation fails with 432; `None` waits as long as it takes (event
    /// deliveries and asynchronous invocations queue, as in SCF).
    pub slot_wait: Option<Duration>,
}

/// [`Job::slot_wait`] for synchronous invocations.
pub const SYNC_SLOT_WAIT: Duration = Duration::from_secs(30);

/// The wrapper that calls the handler and reports its result to a file.
const BOOTSTRAP: &str = r#"'use strict';
const fs = require('fs');
const path = require('path');
const [file, method, resultPath, requestId, fnName, ns, memMb, timeoutMs] = process.argv.slice(2);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', run);
// A lone surrogate (U+D800 to U+DFFF unpaired, not Unicode) is written by JSON.stringify
// as an escape no strict JSON reader takes; it becomes U+FFFD, as UTF-8 encoding makes it.
// Pairs are written as they are, so every such escape not itself escaped is a lone one.
function report(obj) {
  obj.mem = process.memoryUsage().rss;
  const json = JSON.stringify(obj).replace(/(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/gi, '$1\\ufffd');
  fs.writeFileSync(resultPath, json);
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
    on_path("node")
}

pub(super) fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// `node`, started so that it dies with the server: a server killed outright (SIGKILL)
/// drops nothing, and its functions would run on unseen while their events are
/// delivered again after the restart. util-linux's `setpriv --pdeathsig` asks the
/// kernel for that (there is no unsafe code here to do it in-process); where it is
/// missing, `node` is started as it is. With a `user`, it runs as that user.
fn node_command(node: &Path, user: Option<&sandbox::Lease>) -> Command {
    static SETPRIV: std::sync::LazyLock<Option<PathBuf>> =
        std::sync::LazyLock::new(|| on_path("setpriv"));
    match SETPRIV.as_deref() {
        Some(setpriv) => {
            let mut cmd = Command::new(setpriv);
            if let Some(user) = user {
                cmd.args(user.setpriv_args());
            }
            cmd.args(["--pdeathsig", "KILL", "--"]).arg(node);
            cmd
        }
        None => Command::new(node),
    }
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
    // Never closed, so acquiring only waits.
    let _slot = match job.slot_wait {
        None => RUNNING.acquire().await,
        Some(limit) => match tokio::time::timeout(limit, RUNNING.acquire()).await {
            Ok(slot) => slot,
            Err(_) => {
                return failure(
                    432,
                    format!(
                        "ResourceLimitReached: {} functions are running, as many as the emulator runs at once, and none ended within {} s",
                        slot_count(),
                        limit.as_secs_f64()
                    ),
                    String::new(),
                    Instant::now(),
                )
            }
        },
    };
    // One per slot: a slot's holder always gets one (when functions run as users).
    let mut user = sandbox::lease();
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
    // In the code folder, which goes with the invocation (or, after a crash, at the next
    // start: [`super::code::remove_stale_folders`]).
    let result_path = job.code_dir.join("__scf_result.json");
    let bootstrap = job.code_dir.join("__scf_bootstrap.js");
    if let Err(err) = tokio::fs::write(&bootstrap, BOOTSTRAP).await {
        return failure(
            500,
            format!("preparing the runtime: {err}"),
            String::new(),
            started,
        );
    }
    if let Some(user) = &user {
        if let Err(err) = user.take_folder(job.code_dir) {
            return failure(
                500,
                format!("preparing the runtime: {err}"),
                String::new(),
                started,
            );
        }
    }
    let mut cmd = node_command(&node, user.as_ref());
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
        // Home and temporary files in the code folder, which goes with the invocation.
        .env("HOME", job.code_dir)
        .env("TMPDIR", job.code_dir)
        // SCF runs functions in UTC, whatever this machine's zone; a TZ variable of the
        // function's (set after) changes it.
        .env("TZ", "UTC")
        .envs(
            job.env
                .iter()
                .filter(|(k, _)| !loader_variable(k))
                .map(|(k, v)| (k.as_str(), v.as_str())),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so that whatever it starts goes with it.
        .process_group(0)
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
    let stdout = tokio::spawn(read_capped(child.stdout.take()));
    let stderr = tokio::spawn(read_capped(child.stderr.take()));
    let ended = watch(
        &mut child,
        job.timeout,
        job.memory_mb * 1024 * 1024,
        user.as_ref().map(sandbox::Lease::uid),
    )
    .await;
    // Processes the function started and left running go with it: its process group,
    // and, run as a user of its own, whatever that user runs (detached ones too).
    if let Some(pid) = ended.pid {
        kill_group(pid);
    }
    if let Some(user) = &mut user {
        user.end_processes().await;
    }
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let status = match ended.how {
        Ended::TimedOut => {
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
                mem_usage: ended.peak,
            };
        }
        Ended::OverMemory => {
            let _ = tokio::fs::remove_file(&result_path).await;
            return Outcome {
                ret_code: 434,
                ret_msg: String::new(),
                err_msg: format!("Memory limit of {} MB exceeded", job.memory_mb),
                output: String::new(),
                duration_ms,
                mem_usage: ended.peak,
            };
        }
        Ended::Failed(err) => {
            return failure(500, format!("running node: {err}"), String::new(), started)
        }
        Ended::Exited(status) => status,
    };
    let mut console = collected(stdout).await;
    console.push_str(&collected(stderr).await);
    let owner = user.as_ref().map(sandbox::Lease::uid);
    let path = result_path.clone();
    let report = tokio::task::spawn_blocking(move || read_report(&path, owner))
        .await
        .unwrap_or(Report::Missing);
    let _ = tokio::fs::remove_file(&result_path).await;
    if matches!(report, Report::TooBig) {
        return Outcome {
            ret_code: 407,
            ret_msg: String::new(),
            err_msg: "The function's return value is over 6 MB".to_owned(),
            output: console,
            duration_ms,
            mem_usage: 0,
        };
    }
    let report: Option<serde_json::Value> = match report {
        Report::Text(text) => serde_json::from_str(&text).ok(),
        _ => None,
    };
    let mem_usage = report
        .as_ref()
        .and_then(|r| r["mem"].as_i64())
        .unwrap_or_default()
        .max(ended.peak);
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
            err_msg: format!("the function exited ({status}) without returning"),
            output: console,
            duration_ms,
            mem_usage,
        },
    }
}

/// How a function's process ended.
enum Ended {
    Exited(std::process::ExitStatus),
    TimedOut,
    OverMemory,
    Failed(std::io::Error),
}

/// [`Ended`], with the peak resident memory seen (bytes) and the process id.
struct Watched {
    how: Ended,
    peak: i64,
    pid: Option<u32>,
}

/// Waits for `child` to exit, killing it at `timeout` or when its resident memory goes
/// over `limit` bytes. V8's heap limit alone would not do: buffers live outside it. Run
/// as a user of its own (`user`), the processes the function started count too, read
/// every fourth poll (they are found by scanning `/proc`).
async fn watch(
    child: &mut tokio::process::Child,
    timeout: Duration,
    limit: i64,
    user: Option<u32>,
) -> Watched {
    let pid = child.id();
    let deadline = tokio::time::sleep(timeout);
    tokio::pin!(deadline);
    let mut poll = tokio::time::interval(MEMORY_POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (mut peak, mut ticks, mut others) = (0, 0u32, 0);
    let how = loop {
        tokio::select! {
            status = child.wait() => break match status {
                Ok(status) => Ended::Exited(status),
                Err(err) => Ended::Failed(err),
            },
            () = &mut deadline => break Ended::TimedOut,
            _ = poll.tick() => {
                ticks = ticks.wrapping_add(1);
                if let (Some(uid), Some(pid), 0) = (user, pid, ticks % 4) {
                    others = resident_bytes_of_user(uid, pid);
                }
                if let Some(bytes) = pid.and_then(peak_resident_bytes) {
                    let bytes = bytes + others;
                    peak = peak.max(bytes);
                    if bytes > limit {
                        break Ended::OverMemory;
                    }
                }
            }
        }
    };
    if !matches!(how, Ended::Exited(_)) {
        let _ = child.start_kill();
        let _ = child.wait().await;
    }
    Watched { how, peak, pid }
}

/// Variables the C library reads as a program starts (glibc's "unsecure" list, which it
/// ignores only in set-user-ID programs) and `TMPDIR`, set by the runtime. `setpriv`
/// starts as root with the function's variables, so a function's own are left out.
fn loader_variable(key: &str) -> bool {
    const NAMES: [&str; 14] = [
        "GCONV_PATH",
        "GETCONF_DIR",
        "GLIBC_TUNABLES",
        "HOSTALIASES",
        "LOCALDOMAIN",
        "LOCPATH",
        "NIS_PATH",
        "NLSPATH",
        "RESOLV_HOST_CONF",
        "RES_OPTIONS",
        "TMPDIR",
        "TZDIR",
        "LANGUAGE",
        "MALLOC_TRACE",
    ];
    NAMES.contains(&key) || key.starts_with("MALLOC_") || key.starts_with("LD_")
}

/// What the function left in its result file.
enum Report {
    Missing,
    TooBig,
    Text(String),
}

/// Reads the result file the function wrote, at most [`RESULT_LIMIT`] bytes of it. The
/// folder is the function's: the file is opened without following a link (to a file
/// only the server may read) and without blocking (a FIFO would hold the read for ever),
/// and read only when it is a plain file of the function's own user (`owner`; any, run
/// as the server's user).
fn read_report(path: &Path, owner: Option<u32>) -> Report {
    use std::io::Read;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let Ok(file) = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
        .open(path)
    else {
        return Report::Missing;
    };
    let Ok(meta) = file.metadata() else {
        return Report::Missing;
    };
    if !meta.is_file() || owner.is_some_and(|uid| meta.uid() != uid) {
        return Report::Missing;
    }
    if meta.len() > RESULT_LIMIT {
        return Report::TooBig;
    }
    let mut text = String::new();
    match file.take(RESULT_LIMIT + 1).read_to_string(&mut text) {
        Ok(n) if n as u64 > RESULT_LIMIT => Report::TooBig,
        Ok(_) => Report::Text(text),
        Err(_) => Report::Missing,
    }
}

/// The peak resident memory of process `pid` so far (`VmHWM`), in bytes; `None` where
/// `/proc` does not tell (the limit is then V8's heap limit alone).
fn peak_resident_bytes(pid: u32) -> Option<i64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: i64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The resident memory (bytes) of the processes of user `uid` other than `except`.
fn resident_bytes_of_user(uid: u32, except: u32) -> i64 {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|p| p != except)
        })
        .filter(|e| e.metadata().is_ok_and(|m| m.uid() == uid))
        .filter_map(|e| {
            let status = std::fs::read_to_string(e.path().join("status")).ok()?;
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse::<i64>().ok()
        })
        .sum::<i64>()
        * 1024
}

/// Kills what is left of process group `pgid` (nothing, usually).
fn kill_group(pgid: u32) {
    use nix::sys::signal::{killpg, Signal};
    use nix::unistd::Pid;
    if let Ok(pgid) = i32::try_from(pgid) {
        let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
    }
}

/// Everything `stream` gives until it ends: the first [`OUTPUT_LIMIT`] bytes, a note of
/// how much was left out, and the last 4 KB (where a crash, such as running out of
/// memory, says why).
async fn read_capped(stream: Option<impl AsyncRead + Unpin>) -> String {
    const TAIL: usize = 4 * 1024;
    let Some(mut stream) = stream else {
        return String::new();
    };
    let mut kept = Vec::new();
    let mut tail: Vec<u8> = Vec::new();
    let mut beyond = 0usize;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = OUTPUT_LIMIT.saturating_sub(kept.len()).min(n);
                kept.extend_from_slice(&buf[..room]);
                tail.extend_from_slice(&buf[room..n]);
                beyond += n - room;
                if tail.len() > 2 * TAIL {
                    tail.drain(..tail.len() - TAIL);
                }
            }
        }
    }
    let mut text = String::from_utf8_lossy(&kept).into_owned();
    let tail = &tail[tail.len().saturating_sub(TAIL)..];
    if beyond > tail.len() {
        text.push_str(&format!(
            "\n[{} bytes of output left out: {} KB per stream are kept, and the last 4 KB]\n",
            beyond - tail.len(),
            OUTPUT_LIMIT / 1024
        ));
    }
    text.push_str(&String::from_utf8_lossy(tail));
    text
}

/// A reader's text once the function has exited; a stream that something the function
/// started still holds open is given up after a second.
async fn collected(reader: tokio::task::JoinHandle<String>) -> String {
    let abort = reader.abort_handle();
    match tokio::time::timeout(Duration::from_secs(1), reader).await {
        Ok(Ok(text)) => text,
        _ => {
            abort.abort();
            String::new()
        }
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
        // Not at the top of /tmp, which is cleared of what a function's user owns when
        // the invocation ends.
        let dir = std::env::temp_dir()
            .join("mps-runtime-tests")
            .join(format!("runtime-test-{}", uuid::Uuid::new_v4()));
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
            slot_wait: None,
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
    async fn lone_surrogates_in_a_result_become_replacement_characters() {
        let out = run_code(
            r"exports.main_handler = async () => ({ ['k\udc00']: 'a\ud800b', pair: '\ud83d\ude00', text: '\\ud800' });",
            "{}",
            5,
            128,
        )
        .await;
        assert_eq!(out.ret_code, 0, "{out:?}");
        let value: serde_json::Value = serde_json::from_str(&out.ret_msg).expect("JSON");
        assert_eq!(value["k\u{fffd}"], "a\u{fffd}b", "{out:?}");
        assert_eq!(value["pair"], "\u{1f600}");
        assert_eq!(value["text"], "\\ud800");
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
        // Buffers live outside V8's heap: the resident memory is what counts.
        let buffers = run_code(
            "exports.main_handler = async () => { const a = []; for (;;) { a.push(Buffer.alloc(8 << 20, 1)); await new Promise((r) => setImmediate(r)); } };",
            "{}",
            30,
            128,
        )
        .await;
        assert_eq!(buffers.ret_code, 434, "{buffers:?}");
        assert!(buffers.mem_usage > 128 << 20, "{buffers:?}");
        assert!(buffers.mem_usage < 1 << 30, "stopped early: {buffers:?}");
        let missing = run_code("exports.other = () => 1;", "{}", 5, 128).await;
        assert_eq!(missing.ret_code, 430);
        assert!(missing.err_msg.contains("is not a function"), "{missing:?}");
        let bad_event = run_code("exports.main_handler = () => 1;", "not json", 5, 128).await;
        assert_eq!(bad_event.ret_code, 430);
    }

    /// A new folder any function may write in, whichever user it runs as (not at the top
    /// of /tmp, which is cleared of what a function's user owns when it ends).
    fn shared_dir() -> std::path::PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir()
            .join("mps-runtime-tests")
            .join(format!("shared-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        dir
    }

    /// Waits for process `pid` to end (or be a zombie, waiting for init to reap it).
    async fn assert_ends(pid: &str, what: &str) {
        let proc_dir = std::path::PathBuf::from(format!("/proc/{}", pid.trim()));
        for _ in 0..100 {
            if !proc_dir.exists() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let state = std::fs::read_to_string(proc_dir.join("status")).unwrap_or_default();
        assert!(state.contains("State:\tZ"), "{what} still runs: {state}");
    }

    #[tokio::test]
    async fn what_a_function_starts_ends_with_it() {
        let dir = shared_dir();
        let pid_file = dir.join("children.pid");
        // A child in the function's process group, and one in a session of its own.
        let code = format!(
            "const {{ spawn }} = require('child_process');\nexports.main_handler = async () => {{ const c = spawn('sleep', ['60'], {{ stdio: 'ignore' }}); c.unref(); const d = spawn('sleep', ['61'], {{ stdio: 'ignore', detached: true }}); d.unref(); require('fs').writeFileSync({:?}, c.pid + ' ' + d.pid); return 'left'; }};",
            pid_file.display().to_string()
        );
        let out = run_code(&code, "{}", 5, 128).await;
        assert_eq!(out.ret_code, 0, "{out:?}");
        let pids =
            std::fs::read_to_string(&pid_file).expect("the function wrote its children's pids");
        let _ = std::fs::remove_dir_all(&dir);
        let (child, detached) = pids.split_once(' ').expect("two pids");
        assert_ends(child, "the child").await;
        if sandbox::active() {
            assert_ends(detached, "the detached child").await;
        } else {
            // Run as the server's own user, a detached process escapes; end it here.
            let _ = std::process::Command::new("kill")
                .args(["-9", detached.trim()])
                .status();
        }
    }

    #[tokio::test]
    async fn a_function_run_by_root_cannot_read_the_servers_files() {
        if !sandbox::active() {
            eprintln!("not root, or no setpriv: functions run as the server's user");
            return;
        }
        let secret = std::env::temp_dir().join(format!("runtime-secret-{}", uuid::Uuid::new_v4()));
        {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&secret)
                .expect("secret file");
        }
        let code = format!(
            "exports.main_handler = async () => {{ const fs = require('fs'); const out = {{ uid: process.getuid() }}; try {{ fs.readFileSync({path:?}); out.secret = 'read'; }} catch (e) {{ out.secret = e.code; }} try {{ fs.readFileSync('/proc/1/environ'); out.environ = 'read'; }} catch (e) {{ out.environ = e.code; }} return out; }};",
            path = secret.to_string_lossy()
        );
        let out = run_code(&code, "{}", 10, 128).await;
        let _ = std::fs::remove_file(&secret);
        assert_eq!(out.ret_code, 0, "{out:?}");
        let result: serde_json::Value = serde_json::from_str(&out.ret_msg).expect("json");
        assert!(
            result["uid"]
                .as_u64()
                .is_some_and(|uid| uid >= u64::from(sandbox::FIRST_UID)),
            "{result}"
        );
        assert_eq!(result["secret"], "EACCES", "{result}");
        assert_eq!(result["environ"], "EACCES", "{result}");
        // What it leaves in /tmp goes with it: the next function given its user would
        // read it.
        let left = std::env::temp_dir().join(format!("runtime-left-{}", uuid::Uuid::new_v4()));
        let out = run_code(
            &format!(
                "exports.main_handler = async () => {{ require('fs').writeFileSync({:?}, 'x', {{ mode: 0o600 }}); return require('os').homedir(); }};",
                left.to_string_lossy()
            ),
            "{}",
            10,
            128,
        )
        .await;
        assert_eq!(out.ret_code, 0, "{out:?}");
        assert!(!left.exists(), "{} is left", left.display());
        assert!(
            out.ret_msg.contains("runtime-test-"),
            "home: {}",
            out.ret_msg
        );
    }

    #[tokio::test]
    async fn memory_of_the_processes_a_function_starts_counts() {
        if !sandbox::active() {
            eprintln!("not root, or no setpriv: only the function's own process is measured");
            return;
        }
        // A child holding 300 MB for 3 s, under a 128 MB function.
        let out = run_code(
            "exports.main_handler = async () => { require('child_process').execFileSync('node', ['-e', 'const b = Buffer.alloc(300 * 1024 * 1024, 1); setTimeout(() => b.length, 3000);']); return 'survived'; };",
            "{}",
            20,
            128,
        )
        .await;
        assert_eq!(out.ret_code, 434, "{out:?}");
        assert!(out.mem_usage > 128 * 1024 * 1024, "{out:?}");
    }

    #[tokio::test]
    async fn the_result_file_is_read_only_when_it_is_a_plain_file() {
        // A link to a file the function may not read: its content is not reported.
        let secret = std::env::temp_dir().join(format!("runtime-root-{}", uuid::Uuid::new_v4()));
        std::fs::write(&secret, r#"{"ok":true,"result":"ROOT ONLY"}"#).expect("file");
        let link = run_code(
            &format!(
                "exports.main_handler = async () => {{ require('fs').symlinkSync({:?}, process.argv[4]); process.exit(0); }};",
                secret.to_string_lossy()
            ),
            "{}",
            10,
            128,
        )
        .await;
        let _ = std::fs::remove_file(&secret);
        assert!(!link.ret_msg.contains("ROOT ONLY"), "{link:?}");
        assert_ne!(link.ret_code, 0, "{link:?}");
        // A FIFO in its place would hold a blocking read for ever.
        let fifo = tokio::time::timeout(
            Duration::from_secs(20),
            run_code(
                "exports.main_handler = async () => { require('child_process').execFileSync('mkfifo', [process.argv[4]]); process.exit(0); };",
                "{}",
                10,
                128,
            ),
        )
        .await
        .expect("the invocation ends");
        assert_ne!(fifo.ret_code, 0, "{fifo:?}");
    }

    #[tokio::test]
    async fn output_and_results_are_bounded() {
        // 3 MB printed: the first 512 KB and the last 4 KB are kept, with a note between.
        let loud = run_code(
            "exports.main_handler = async () => { const line = 'x'.repeat(1023); for (let i = 0; i < 3072; i++) console.log(line); console.log('THE END'); return 1; };",
            "{}",
            30,
            128,
        )
        .await;
        assert_eq!(loud.ret_code, 0, "{}", &loud.err_msg);
        assert!(
            loud.output.len() < OUTPUT_LIMIT + 8 * 1024,
            "{}",
            loud.output.len()
        );
        assert!(loud.output.contains("bytes of output left out"));
        assert!(loud.output.trim_end().ends_with("THE END"));
        // A return value over 6 MB fails as SCF fails it.
        let big = run_code(
            "exports.main_handler = async () => 'y'.repeat(7 * 1024 * 1024);",
            "{}",
            30,
            256,
        )
        .await;
        assert_eq!(
            (big.ret_code, big.ret_msg.as_str()),
            (407, ""),
            "{}",
            big.err_msg
        );
    }

    #[tokio::test]
    async fn a_burst_of_invocations_runs_a_few_at_a_time() {
        let slots = slot_count();
        // A folder and file every function may write to, whichever user it runs as.
        let dir = shared_dir();
        let log = dir.join("marks.log");
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::write(&log, "").expect("log");
            std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o666)).expect("chmod");
        }
        let code = format!(
            "const fs = require('fs'); exports.main_handler = async () => {{ fs.appendFileSync({path:?}, '+\\n'); await new Promise((r) => setTimeout(r, 300)); fs.appendFileSync({path:?}, '-\\n'); return 1; }};",
            path = log.to_string_lossy()
        );
        let runs = (0..slots * 2).map(|_| run_code(&code, "{}", 30, 128));
        let outcomes = futures_util::future::join_all(runs).await;
        assert!(outcomes.iter().all(|o| o.ret_code == 0), "{outcomes:?}");
        // The most functions that were between their start and their end at one time.
        let marks = std::fs::read_to_string(&log).expect("marks");
        let _ = std::fs::remove_dir_all(&dir);
        let (mut now, mut most) = (0i32, 0i32);
        for mark in marks.lines() {
            now += if mark == "+" { 1 } else { -1 };
            most = most.max(now);
        }
        assert_eq!(marks.lines().count(), slots * 4);
        assert!(most as usize <= slots, "{most} ran at once, {slots} slots");
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
            slot_wait: None,
        })
        .await;
        assert_eq!(out.ret_code, 500);
        assert!(out.err_msg.contains("node is not installed"), "{out:?}");
    }

    /// A job that fails at once for want of `node`, once it has a slot.
    fn nodeless_job(dir: &Path, slot_wait: Duration) -> Job<'_> {
        Job {
            code_dir: dir,
            handler: "index.main_handler",
            event: "{}",
            timeout: Duration::from_secs(1),
            memory_mb: 128,
            env: Vec::new(),
            request_id: "r",
            function_name: "Fn",
            namespace: "default",
            node: None,
            slot_wait: Some(slot_wait),
        }
    }

    #[tokio::test]
    async fn a_synchronous_caller_waits_for_a_slot_only_so_long() {
        // Every slot held, as by long-running functions.
        let slots = u32::try_from(slot_count()).expect("a few slots");
        let held = RUNNING.acquire_many(slots).await.expect("slots");
        let dir = std::env::temp_dir();
        let out = run(nodeless_job(&dir, Duration::from_millis(100))).await;
        assert_eq!(out.ret_code, 432, "{out:?}");
        assert!(out.err_msg.starts_with("ResourceLimitReached"), "{out:?}");
        // A slot freed in time is taken (the job then fails on the missing node).
        let waiting = tokio::spawn(async move {
            let dir = std::env::temp_dir();
            run(nodeless_job(&dir, Duration::from_secs(10))).await
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        drop(held);
        let out = waiting.await.expect("joined");
        assert_eq!(out.ret_code, 500, "{out:?}");
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
