//! The benchmark's figures as Markdown, with the targets they are held against.
use std::fmt::Write;
use std::time::Duration;

use crate::assets::{FrontEnd, Served};
use crate::load::Sample;
use crate::log_query::LogFigures;
use crate::pipeline::PipelineFigures;
use crate::Options;

/// One load step's result.
struct LoadRow {
    label: String,
    clients: usize,
    p50: Duration,
    p99: Duration,
    per_sec: f64,
    requests: usize,
    errors: u64,
    /// CPU milliseconds per successful request: the server's, PostgreSQL's.
    cpu_per_request: (f64, f64),
}

#[derive(Default)]
pub struct Report {
    pub front_end: Option<FrontEnd>,
    /// What the server sent for the heaviest page's files.
    pub served: Option<Served>,
    load: Vec<LoadRow>,
    pub pipeline: Option<PipelineFigures>,
    pub logs: Vec<LogFigures>,
    pub memory_at_rest: u64,
    /// (now, peak) after the load steps and after the pipeline, KiB.
    pub memory_after_load: (u64, u64),
    pub memory_after_pipeline: (u64, u64),
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn kib(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / 1024.0)
}

fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}

/// "yes" or "NO", for a target column.
fn met(ok: bool) -> &'static str {
    if ok {
        "yes"
    } else {
        "NO"
    }
}

impl Report {
    pub fn add_load(&mut self, label: &str, clients: usize, s: &Sample) {
        let per = |ms: f64| ms / s.latencies.len().max(1) as f64;
        self.load.push(LoadRow {
            label: label.to_owned(),
            clients,
            p50: s.quantile(0.5),
            p99: s.quantile(0.99),
            per_sec: s.per_second(),
            requests: s.latencies.len(),
            errors: s.errors,
            cpu_per_request: (per(s.cpu.0), per(s.cpu.1)),
        });
    }

    pub fn render(&self, o: &Options) -> String {
        let mut t = String::new();
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        let _ = writeln!(
            t,
            "## Benchmark ({cores} cores; release build; server, PostgreSQL and load generator on one machine)\n"
        );
        let _ = writeln!(
            t,
            "### Pages and server functions ({} s per step after {} s of warm-up, closed loop, one session per client)\n",
            o.seconds,
            crate::load::WARM_UP.as_secs()
        );
        let _ = writeln!(
            t,
            "| request | clients | p50 ms | p99 ms | req/s | requests | errors | CPU ms/req: server | CPU ms/req: PostgreSQL | SSR p99 < 50 ms at 64 |"
        );
        let _ = writeln!(t, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for l in &self.load {
            let target = if l.label.starts_with("SSR") && l.clients == 64 {
                met(l.p99 < Duration::from_millis(50))
            } else {
                ""
            };
            let _ = writeln!(
                t,
                "| {} | {} | {} | {} | {:.0} | {} | {} | {:.2} | {:.2} | {target} |",
                l.label,
                l.clients,
                ms(l.p50),
                ms(l.p99),
                l.per_sec,
                l.requests,
                l.errors,
                l.cpu_per_request.0,
                l.cpu_per_request.1
            );
        }
        if let Some(p) = &self.pipeline {
            let _ = writeln!(
                t,
                "\n### MPS event → logged invocation ({} tasks started through the console from 16 sessions in {:.0} s)\n",
                p.tasks, p.submit_secs
            );
            let _ = writeln!(
                t,
                "| p50 ms | p99 ms | events/s | invocations | failed invocations | p99 < 1 s |"
            );
            let _ = writeln!(t, "|---:|---:|---:|---:|---:|---|");
            let _ = writeln!(
                t,
                "| {:.1} | {:.1} | {:.1} | {} | {} | {} |",
                p.latency_p50_ms,
                p.latency_p99_ms,
                p.events_per_sec,
                p.invocations,
                p.failed,
                met(p.latency_p99_ms < 1000.0)
            );
            let _ = writeln!(
                t,
                "\nLatency: the invocation's log row written, less the event's creation (the task finishing) and the function's own run time."
            );
        }
        if !self.logs.is_empty() {
            let _ = writeln!(
                t,
                "\n### Log query (Log query tab → GetFunctionLogs, one-day range, 50 queries each)\n"
            );
            let _ = writeln!(
                t,
                "| rows | rows in the day | load s | range p95 ms | RequestId p95 ms | keyword p95 ms | p95 < 100 ms |"
            );
            let _ = writeln!(t, "|---:|---:|---:|---:|---:|---:|---|");
            for l in &self.logs {
                let worst = l.range_p95.max(l.request_id_p95).max(l.keyword_p95);
                let _ = writeln!(
                    t,
                    "| {} | {} | {:.0} | {} | {} | {} | {} |",
                    l.rows,
                    l.day_total,
                    l.load_secs,
                    ms(l.range_p95),
                    ms(l.request_id_p95),
                    ms(l.keyword_p95),
                    met(worst < Duration::from_millis(100))
                );
            }
        }
        if let Some(front) = &self.front_end {
            front_end_section(&mut t, front, self.served.as_ref());
        }
        let _ = writeln!(t, "\n### Server memory (resident set, MiB)\n");
        let _ = writeln!(
            t,
            "| at rest | after the page load: now / peak | after the pipeline: now / peak |"
        );
        let _ = writeln!(t, "|---:|---:|---:|");
        let _ = writeln!(
            t,
            "| {} | {} / {} | {} / {} |",
            mib(self.memory_at_rest),
            mib(self.memory_after_load.0),
            mib(self.memory_after_load.1),
            mib(self.memory_after_pipeline.0),
            mib(self.memory_after_pipeline.1)
        );
        t
    }
}

/// The front end: what every page loads, then what each page adds.
fn front_end_section(t: &mut String, front: &FrontEnd, served: Option<&Served>) {
    let _ = writeln!(t, "\n### Front end (release)\n");
    let _ = writeln!(t, "Loaded by every page:\n");
    let _ = writeln!(t, "| file | raw KiB | gzip KiB | brotli KiB |");
    let _ = writeln!(t, "|---|---:|---:|---:|");
    for a in &front.entry {
        let s = a.sizes;
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} |",
            a.name,
            kib(s.raw),
            kib(s.gzip),
            kib(s.brotli)
        );
    }
    if !front.pages.is_empty() {
        let _ = writeln!(
            t,
            "\nWhat each page adds, fetched when it is first shown (each file compressed on its own):\n"
        );
        let _ = writeln!(
            t,
            "| page | chunk files | chunks raw KiB | chunks brotli KiB | entry WASM + chunks, brotli KiB |"
        );
        let _ = writeln!(t, "|---|---:|---:|---:|---:|");
        for p in &front.pages {
            let _ = writeln!(
                t,
                "| {} | {} | {} | {} | {} |",
                p.page,
                p.files.len(),
                kib(p.sizes.raw),
                kib(p.sizes.brotli),
                kib(front.entry_wasm.brotli + p.sizes.brotli)
            );
        }
        let (count, all) = front.all_chunks;
        let _ = writeln!(
            t,
            "\nAll {count} chunks: {} KiB raw, {} KiB gzip, {} KiB brotli.",
            kib(all.raw),
            kib(all.gzip),
            kib(all.brotli)
        );
    }
    let _ = writeln!(
        t,
        "\nWASM < 300 KB brotli, entry module: {}",
        met(front.entry_wasm.brotli < 300 * 1000)
    );
    if let Some(heaviest) = front.pages.first() {
        let total = front.entry_wasm.brotli + heaviest.sizes.brotli;
        let _ = writeln!(
            t,
            "WASM < 300 KB brotli, heaviest page ({}) with its chunks: {}",
            heaviest.page,
            met(total < 300 * 1000)
        );
        if let Some(s) = served {
            let encodings: Vec<String> = s
                .encodings
                .iter()
                .map(|(encoding, files)| format!("{encoding} × {files}"))
                .collect();
            let _ = writeln!(
                t,
                "\nSent by the server for {} (every file it loads, asked with `Accept-Encoding: br, gzip`): {} files, {} KiB ({})",
                heaviest.page,
                s.files,
                kib(s.bytes),
                encodings.join(", ")
            );
        }
    }
}
