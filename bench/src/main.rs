//! `./x bench`: starts the release server on a fresh embedded PostgreSQL, sets up the
//! callback pipeline through the console, and measures it: SSR pages and server
//! functions under 1, 16 and 64 concurrent clients, MPS event → logged invocation
//! latency, the log query over millions of rows, front-end sizes and server memory.
//! Prints a Markdown report (also written to `target/bench/report.md`).
//!
//! Options: `--tasks N` (10000), `--log-rows A,B` (1000000,10000000), `--seconds S`
//! per load step (10).
mod assets;
mod console;
mod load;
mod log_query;
mod pipeline;
mod report;
mod server_process;

use std::path::PathBuf;
use std::time::Duration;

use console::Console;
use server_process::ServerProcess;

/// Anything that stops the benchmark, with what to say.
#[derive(Debug)]
pub struct BenchError(String);

impl BenchError {
    pub fn new(message: String) -> Self {
        BenchError(message)
    }
}

impl std::fmt::Display for BenchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! from_error {
    ($($t:ty),*) => {$(
        impl From<$t> for BenchError {
            fn from(e: $t) -> Self {
                BenchError(e.to_string())
            }
        }
    )*};
}
from_error!(std::io::Error, reqwest::Error, sqlx::Error);

/// Command-line options.
pub struct Options {
    pub tasks: usize,
    pub log_rows: Vec<i64>,
    pub seconds: u64,
}

fn options() -> Result<Options, BenchError> {
    let mut o = Options {
        tasks: 10_000,
        log_rows: vec![1_000_000, 10_000_000],
        seconds: 10,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bad = |a: &str| BenchError::new(format!("bad argument {a:?}; see bench/src/main.rs"));
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| bad(flag))?;
        match flag.as_str() {
            "--tasks" => o.tasks = value.parse().map_err(|_| bad(value))?,
            "--seconds" => o.seconds = value.parse().map_err(|_| bad(value))?,
            "--log-rows" => {
                o.log_rows = value
                    .split(',')
                    .map(|v| v.trim().parse().map_err(|_| bad(value)))
                    .collect::<Result<_, _>>()?;
            }
            _ => return Err(bad(flag)),
        }
    }
    Ok(o)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), BenchError> {
    let opts = options()?;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let bin = root.join("target/release/server");
    let site = root.join("target/site");
    if !bin.is_file() || !site.join("pkg").is_dir() {
        return Err(BenchError::new(
            "build first: cargo leptos build --release --split --precompress (./x bench does)"
                .to_owned(),
        ));
    }
    let mut r = report::Report::default();
    r.front_end = Some(assets::measure(&site.join("pkg"))?);

    eprintln!("starting the server on a fresh embedded PostgreSQL");
    let server = ServerProcess::start(&bin, &site, &root.join("target/bench/data")).await?;
    let result = measure(&server, &opts, &mut r).await;
    server.stop().await?;
    // What was measured before a failure is still worth its minutes: print it, marked.
    let mut text = r.render(&opts);
    if let Err(err) = &result {
        text.push_str(&format!(
            "\n**Incomplete: the run stopped with an error: {err}**\n"
        ));
    }
    println!("{text}");
    let out = root.join("target/bench/report.md");
    std::fs::write(&out, &text)?;
    eprintln!("written to {}", out.display());
    result
}

async fn measure(
    server: &ServerProcess,
    opts: &Options,
    r: &mut report::Report,
) -> Result<(), BenchError> {
    let db = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect(&server.db_url().await?)
        .await?;
    if let Some(front) = &r.front_end {
        // Everything the heaviest page loads, as the server sends it to a browser.
        let mut names: Vec<String> = front.entry.iter().map(|a| a.name.clone()).collect();
        names.extend(
            front
                .pages
                .first()
                .into_iter()
                .flat_map(|p| p.files.clone()),
        );
        r.served = Some(assets::served(&server.base, &names).await?);
    }
    let owner = Console::setup_owner(&server.base).await?;
    let p = pipeline::setup(&owner).await?;
    // One task first, so that the log tab has a row and every cache is warm.
    pipeline::run(&db, std::slice::from_ref(&owner), &p, 1).await?;
    r.memory_at_rest = server.memory_kib()?.0;

    eprintln!("signing in 64 browsers");
    let mut sessions = vec![owner.clone()];
    for _ in 1..64 {
        sessions.push(Console::sign_in(&server.base).await?);
    }
    let step = Duration::from_secs(opts.seconds);
    let pages = [
        (
            "SSR /scf/functions",
            "/scf/functions?rid=8&ns=default".to_owned(),
        ),
        (
            "SSR function detail, Log query tab",
            format!(
                "/scf/function?rid=8&ns=default&name={}&tab=logs",
                pipeline::FUNCTION
            ),
        ),
    ];
    for clients in [1, 16, 64] {
        for (label, path) in &pages {
            eprintln!("{label}, {clients} clients");
            let path = path.clone();
            let s = load::closed_loop(
                &sessions[..clients],
                step,
                || server.cpu_ms(),
                move |c| load::get_page(c, path.clone()),
            )
            .await;
            r.add_load(label, clients, &s);
        }
        eprintln!("server function list_functions, {clients} clients");
        let s = load::closed_loop(
            &sessions[..clients],
            step,
            || server.cpu_ms(),
            |c| async move {
                c.call(
                    "list_functions",
                    &[
                        ("rid", "8"),
                        ("ns", "default"),
                        ("search", ""),
                        ("page", "1"),
                    ],
                )
                .await
                .map(drop)
            },
        )
        .await;
        r.add_load("POST /api/list_functions", clients, &s);
    }
    r.memory_after_load = server.memory_kib()?;

    eprintln!("pipeline: {} MPS tasks from 16 sessions", opts.tasks);
    r.pipeline = Some(pipeline::run(&db, &sessions[..16], &p, opts.tasks).await?);
    r.memory_after_pipeline = server.memory_kib()?;

    for &rows in &opts.log_rows {
        eprintln!("log query at {rows} rows");
        let load_secs = log_query::grow_to(&db, rows).await?;
        r.logs
            .push(log_query::measure(&db, &owner, load_secs).await?);
    }
    Ok(())
}
