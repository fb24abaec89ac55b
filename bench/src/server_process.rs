//! The release server as a child process on a fresh embedded database, and its memory.
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

use crate::BenchError;

/// A running `server` process.
pub struct ServerProcess {
    child: Child,
    bin: PathBuf,
    data_dir: PathBuf,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
}

/// A free loopback port (free when asked; the server binds it right after).
fn free_port() -> Result<u16, BenchError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

impl ServerProcess {
    /// Starts `bin` on an empty data folder `data_dir` (a cluster left there by an
    /// interrupted run is stopped and removed first) and waits until it answers.
    pub async fn start(bin: &Path, site_root: &Path, data_dir: &Path) -> Result<Self, BenchError> {
        if data_dir.exists() {
            let _ = Command::new(bin)
                .arg("stop-db")
                .arg(data_dir)
                .status()
                .await;
            std::fs::remove_dir_all(data_dir)?;
        }
        std::fs::create_dir_all(data_dir)?;
        let log = std::fs::File::create(data_dir.join("server.log"))?;
        let port = free_port()?;
        let child = Command::new(bin)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATA_DIR", data_dir)
            .env("LEPTOS_SITE_ROOT", site_root)
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("EMULATOR_ADDR", format!("127.0.0.1:{}", free_port()?))
            // Task outputs become placeholder copies: this measures delivery, not ffmpeg.
            .env("FFMPEG", "/bin/false")
            .env("RUST_LOG", "warn")
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true)
            .spawn()?;
        let server = ServerProcess {
            child,
            bin: bin.to_owned(),
            data_dir: data_dir.to_owned(),
            base: format!("http://127.0.0.1:{port}"),
        };
        server.wait_healthy().await?;
        Ok(server)
    }

    async fn wait_healthy(&self) -> Result<(), BenchError> {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(180);
        while Instant::now() < deadline {
            if let Ok(r) = client.get(format!("{}/healthz", self.base)).send().await {
                if r.status().is_success() {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        Err(BenchError::new(format!(
            "the server did not answer within 3 minutes; see {}",
            self.data_dir.join("server.log").display()
        )))
    }

    /// URL of the console's database on the embedded cluster.
    pub async fn db_url(&self) -> Result<String, BenchError> {
        let out = Command::new(&self.bin)
            .arg("db-url")
            .arg(&self.data_dir)
            .stderr(Stdio::inherit())
            .output()
            .await?;
        if !out.status.success() {
            return Err(BenchError::new("server db-url failed".to_owned()));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// Resident memory now and at its peak so far, in KiB (`VmRSS`, `VmHWM`).
    pub fn memory_kib(&self) -> Result<(u64, u64), BenchError> {
        let pid = self
            .child
            .id()
            .ok_or_else(|| BenchError::new("the server has exited".to_owned()))?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        Ok((field("VmRSS:"), field("VmHWM:")))
    }

    /// CPU time used so far, in milliseconds: by the server (with the function runs it
    /// waited for) and by all PostgreSQL processes (with the backends that have exited).
    pub fn cpu_ms(&self) -> (f64, f64) {
        let server = self.child.id().map_or(0, |pid| {
            stat_ticks(&format!("/proc/{pid}/stat")).map_or(0, |(_, ticks)| ticks)
        });
        let mut postgres = 0;
        if let Ok(entries) = std::fs::read_dir("/proc") {
            for e in entries.flatten() {
                match stat_ticks(&e.path().join("stat").to_string_lossy()) {
                    Some((comm, ticks)) if comm == "postgres" => postgres += ticks,
                    _ => {}
                }
            }
        }
        // Linux reports these in USER_HZ, 100 a second on every architecture it runs on.
        (server as f64 * 10.0, postgres as f64 * 10.0)
    }

    /// Stops the server as Ctrl-C would, so that it stops its cluster too.
    pub async fn stop(mut self) -> Result<(), BenchError> {
        if let Some(pid) = self.child.id() {
            Command::new("kill")
                .args(["-INT", &pid.to_string()])
                .status()
                .await?;
        }
        match tokio::time::timeout(Duration::from_secs(60), self.child.wait()).await {
            Ok(status) => {
                status?;
            }
            Err(_) => self.child.kill().await?,
        }
        Ok(())
    }
}

/// A process's name and its utime + stime + cutime + cstime from `/proc/<pid>/stat`.
fn stat_ticks(path: &str) -> Option<(String, u64)> {
    let stat = std::fs::read_to_string(path).ok()?;
    let (head, rest) = stat.rsplit_once(')')?;
    let comm = head.split_once('(')?.1.to_owned();
    // After the name: state is field 3; utime..cstime are fields 14 to 17.
    let ticks = rest
        .split_whitespace()
        .skip(11)
        .take(4)
        .filter_map(|v| v.parse::<u64>().ok())
        .sum();
    Some((comm, ticks))
}
