//! A private PostgreSQL cluster run from the system's binaries (initdb/pg_ctl), used when
//! no `DATABASE_URL` is given.
//!
//! PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres`
//! system user (or `nobody`), and every initdb/pg_ctl call runs as that user. The
//! superuser password is generated once and kept in a 0600 file beside the cluster. The
//! cluster listens on a free loopback port, and on a unix socket inside its own 0700
//! folder (only its user and root reach it), which the console prefers: a query over it
//! costs less CPU than over loopback TCP.
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use cloud_wire::sign::url_encode;
use tokio::process::Command;

/// What went wrong bringing the cluster up or down.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error("PostgreSQL binaries not found: install the `postgresql` package or set PG_BIN_DIR")]
    NoBinaries,
    #[error("{0}")]
    Setup(String),
    #[error("io error at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> EmbeddedError + '_ {
    move |source| EmbeddedError::Io {
        path: path.to_owned(),
        source,
    }
}

/// A running private cluster.
#[derive(Debug, Clone)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    cluster_dir: PathBuf,
    run_as: Option<(u32, u32)>,
    port: u16,
    password: String,
    /// False when an already running cluster was adopted.
    started_here: bool,
}

const SUPERUSER: &str = "console";

impl EmbeddedPostgres {
    /// Creates the cluster under `data_dir` on first use, starts it (or adopts one left
    /// running by a killed server) and returns its handle.
    ///
    /// # Errors
    /// Missing binaries, a folder the cluster user cannot reach, or initdb/pg_ctl failing
    /// (their output is in the error).
    pub async fn start(data_dir: &Path) -> Result<Self, EmbeddedError> {
        let mut pg = Self::locate(data_dir).await?;
        if !pg.cluster_dir.join("PG_VERSION").exists() {
            pg.init().await?;
        }
        if let Some(port) = pg.running_port().await {
            tracing::info!(port, "adopting the embedded PostgreSQL already running");
            pg.port = port;
        } else {
            pg.port = free_port()?;
            pg.start_on_port().await?;
            pg.started_here = true;
            tracing::info!(port = pg.port, dir = %pg.cluster_dir.display(), "embedded PostgreSQL started");
        }
        Ok(pg)
    }

    /// Whether [`EmbeddedPostgres::start`] started the cluster (rather than adopting one
    /// that was already running, say under a live server).
    pub fn started_here(&self) -> bool {
        self.started_here
    }

    /// The cluster that belongs to `data_dir`, neither created nor started.
    async fn locate(data_dir: &Path) -> Result<Self, EmbeddedError> {
        let bin_dir = find_bin_dir().ok_or(EmbeddedError::NoBinaries)?;
        std::fs::create_dir_all(data_dir).map_err(io(data_dir))?;
        let data_dir = data_dir.canonicalize().map_err(io(data_dir))?;
        let run_as = if is_root() {
            Some(cluster_user()?)
        } else {
            None
        };
        let cluster_dir = cluster_dir(&data_dir, run_as).await?;
        let password = load_or_create_password(&data_dir.join("postgres-password"))?;
        Ok(EmbeddedPostgres {
            bin_dir,
            cluster_dir,
            run_as,
            port: 0,
            password,
            started_here: false,
        })
    }

    /// Stops the cluster under `data_dir` if one is running there.
    ///
    /// # Errors
    /// The folder not holding a cluster we can manage, or pg_ctl failing.
    pub async fn stop_dir(data_dir: &Path) -> Result<(), EmbeddedError> {
        let pg = Self::locate(data_dir).await?;
        if pg.running_port().await.is_some() {
            pg.stop().await?;
        }
        Ok(())
    }

    /// URL of database `name` on the cluster running under `data_dir`, if one runs there.
    ///
    /// # Errors
    /// The folder not holding a cluster we can manage.
    pub async fn running_url(data_dir: &Path, name: &str) -> Result<Option<String>, EmbeddedError> {
        let mut pg = Self::locate(data_dir).await?;
        Ok(pg.running_port().await.map(|port| {
            pg.port = port;
            pg.url_for(name)
        }))
    }

    /// Connection URL of the maintenance database `postgres`.
    pub fn url(&self) -> String {
        self.url_for("postgres")
    }

    /// Connection URL of database `name` on this cluster: over its unix socket when it
    /// has one (a cluster started by an older version may not), else loopback TCP.
    pub fn url_for(&self, name: &str) -> String {
        // A host starting with an encoded `/` names the socket's folder (as in libpq).
        let host = match self.socket_dir() {
            Some(dir) if dir.join(format!(".s.PGSQL.{}", self.port)).exists() => {
                url_encode(&dir.to_string_lossy())
            }
            _ => "127.0.0.1".to_owned(),
        };
        format!(
            "postgres://{SUPERUSER}:{}@{host}:{}/{name}",
            self.password, self.port
        )
    }

    /// The folder for the cluster's unix socket: its own, when the socket path fits the
    /// kernel's limit and the folder name needs no quoting in pg_ctl's `-o`.
    fn socket_dir(&self) -> Option<&Path> {
        let dir = self.cluster_dir.to_str()?;
        // sun_path holds 107 bytes; the socket is `<dir>/.s.PGSQL.<port>`.
        let fits = dir.len() + "/.s.PGSQL.65535".len() <= 107;
        let plain = !dir.contains(['\'', '\\']) && !dir.chars().any(char::is_control);
        (fits && plain).then_some(self.cluster_dir.as_path())
    }

    /// The postgres options pg_ctl passes on start: the port and the socket folder.
    fn server_options(&self) -> String {
        match self.socket_dir() {
            Some(dir) => format!(
                "-p {} -k '{}' -c unix_socket_permissions=0700",
                self.port,
                dir.display()
            ),
            None => format!("-p {} -k ''", self.port),
        }
    }

    /// Stops the cluster (fast shutdown: open transactions roll back).
    ///
    /// # Errors
    /// pg_ctl failing.
    pub async fn stop(&self) -> Result<(), EmbeddedError> {
        self.pg_ctl(&["stop", "-m", "fast", "-w", "-t", "60"])
            .await?;
        tracing::info!("embedded PostgreSQL stopped");
        Ok(())
    }

    /// Restarts the cluster on the same port (fast mode: open connections are cut), as a
    /// database failover or an operator's restart would. The reliability tests use it.
    ///
    /// # Errors
    /// pg_ctl failing.
    pub async fn restart(&self) -> Result<(), EmbeddedError> {
        self.pg_ctl_serving(&["restart", "-m", "fast"]).await?;
        tracing::info!(port = self.port, "embedded PostgreSQL restarted");
        Ok(())
    }

    /// Starts the cluster again whenever its postmaster is found gone (killed, say) while
    /// the server runs: PostgreSQL recovers from its write-ahead log on start, on the same
    /// port, and the pool's connections come back with it. Checks every 2 s; a start that
    /// fails (the dead postmaster's backends still holding its shared memory) is tried
    /// again at the next check. Runs until the task is aborted.
    pub async fn supervise(self) {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if self.postmaster_pid().is_some() {
                continue;
            }
            tracing::warn!(
                port = self.port,
                "the embedded PostgreSQL is not running; starting it again"
            );
            self.remove_stale_pid_file();
            match self.start_on_port().await {
                Ok(()) => tracing::info!(port = self.port, "embedded PostgreSQL started again"),
                Err(err) => tracing::warn!("could not start the embedded PostgreSQL again: {err}"),
            }
        }
    }

    /// The running postmaster's process id. `postmaster.pid` outlives a killed
    /// postmaster, so its process must still be there, be `postgres` and work in this
    /// cluster's folder (where that can be read: as root, or as the cluster's user).
    pub fn postmaster_pid(&self) -> Option<u32> {
        let pid = self.pid_in_file()?;
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
        let here = match std::fs::read_link(format!("/proc/{pid}/cwd")) {
            Ok(cwd) => {
                cwd == self.cluster_dir || self.cluster_dir.canonicalize().is_ok_and(|d| d == cwd)
            }
            Err(_) => true,
        };
        (comm.trim() == "postgres" && here).then_some(pid)
    }

    /// Removes `postmaster.pid` when the process it names is alive but no PostgreSQL
    /// (its id reused since the postmaster died): PostgreSQL would refuse to start as
    /// long as it is there.
    fn remove_stale_pid_file(&self) {
        let Some(pid) = self.pid_in_file() else {
            return;
        };
        if let Ok(comm) = std::fs::read_to_string(format!("/proc/{pid}/comm")) {
            let file = self.cluster_dir.join("postmaster.pid");
            if comm.trim() != "postgres" && std::fs::remove_file(&file).is_ok() {
                tracing::warn!(
                    pid,
                    "removed postmaster.pid naming a process that is not PostgreSQL"
                );
            }
        }
    }

    /// The process id on the first line of `postmaster.pid`, if there is one.
    fn pid_in_file(&self) -> Option<u32> {
        let text = std::fs::read_to_string(self.cluster_dir.join("postmaster.pid")).ok()?;
        text.lines().next()?.trim().parse().ok()
    }

    async fn start_on_port(&self) -> Result<(), EmbeddedError> {
        self.pg_ctl_serving(&["start"]).await
    }

    /// `pg_ctl` `command` (`start`, `restart -m fast`) for a server on this cluster's port
    /// and socket, logging to `postgres.log`, waiting up to 60 s for it to be up.
    async fn pg_ctl_serving(&self, command: &[&str]) -> Result<(), EmbeddedError> {
        let log = self.cluster_dir.join("postgres.log");
        let log = log.to_string_lossy();
        let options = self.server_options();
        let mut args = command.to_vec();
        args.extend_from_slice(&["-w", "-t", "60", "-l", &log, "-o", &options]);
        self.pg_ctl(&args).await
    }

    async fn init(&self) -> Result<(), EmbeddedError> {
        tracing::info!(dir = %self.cluster_dir.display(), "creating the embedded PostgreSQL cluster");
        let pwfile = self.cluster_dir.with_extension("pwfile");
        write_private(&pwfile, &self.password, self.run_as)?;
        let result = self
            .run(
                "initdb",
                &[
                    "-D",
                    &self.cluster_dir.to_string_lossy(),
                    "-U",
                    SUPERUSER,
                    "--pwfile",
                    &pwfile.to_string_lossy(),
                    "--auth=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--locale=C",
                ],
            )
            .await;
        let _ = std::fs::remove_file(&pwfile);
        result?;
        // No unix socket by default (none in a shared folder such as /tmp): each start
        // passes the cluster's own folder instead (`server_options`).
        let conf = self.cluster_dir.join("postgresql.auto.conf");
        let mut text = std::fs::read_to_string(&conf).unwrap_or_default();
        text.push_str("listen_addresses = '127.0.0.1'\nunix_socket_directories = ''\n");
        std::fs::write(&conf, text).map_err(io(&conf))?;
        if let Some((uid, gid)) = self.run_as {
            std::os::unix::fs::chown(&conf, Some(uid), Some(gid)).map_err(io(&conf))?;
        }
        Ok(())
    }

    /// The port of a cluster already running from this folder, if any.
    async fn running_port(&self) -> Option<u16> {
        self.pg_ctl(&["status"]).await.ok()?;
        let pid_file = std::fs::read_to_string(self.cluster_dir.join("postmaster.pid")).ok()?;
        // postmaster.pid: pid, data dir, start time, port, ...
        pid_file.lines().nth(3)?.trim().parse().ok()
    }

    async fn pg_ctl(&self, args: &[&str]) -> Result<(), EmbeddedError> {
        let mut all = vec!["-D", self.cluster_dir.to_str().unwrap_or_default()];
        all.extend_from_slice(args);
        self.run("pg_ctl", &all).await
    }

    async fn run(&self, program: &str, args: &[&str]) -> Result<(), EmbeddedError> {
        let mut cmd = Command::new(self.bin_dir.join(program));
        cmd.args(args).env("LC_ALL", "C").kill_on_drop(true);
        if let Some((uid, gid)) = self.run_as {
            cmd.uid(uid).gid(gid).current_dir(&self.cluster_dir);
        }
        let output = cmd
            .output()
            .await
            .map_err(|e| EmbeddedError::Setup(format!("could not run {program}: {e}")))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(EmbeddedError::Setup(format!(
                "{program} {} failed: {}{}",
                args.first().copied().unwrap_or_default(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )))
        }
    }
}

fn find_bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PG_BIN_DIR") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// uid and gid of the unprivileged user that owns the cluster when we run as root.
fn cluster_user() -> Result<(u32, u32), EmbeddedError> {
    let passwd = std::fs::read_to_string("/etc/passwd").map_err(io(Path::new("/etc/passwd")))?;
    for wanted in ["postgres", "nobody"] {
        for line in passwd.lines() {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.len() > 3 && fields[0] == wanted {
                if let (Ok(uid), Ok(gid)) = (fields[2].parse(), fields[3].parse()) {
                    return Ok((uid, gid));
                }
            }
        }
    }
    Err(EmbeddedError::Setup(
        "running as root, but neither a `postgres` nor a `nobody` user exists to own the cluster"
            .to_owned(),
    ))
}

/// Where the cluster lives: `<data_dir>/postgres`, or, when the cluster user cannot reach
/// `data_dir` (say, a checkout under a 0700 /root), a folder of its own under /var/lib.
async fn cluster_dir(
    data_dir: &Path,
    run_as: Option<(u32, u32)>,
) -> Result<PathBuf, EmbeddedError> {
    let mut dir = data_dir.join("postgres");
    if let Some((uid, gid)) = run_as {
        if !reachable_by(data_dir, uid, gid).await {
            let key = data_dir.to_string_lossy().replace(['/', ' '], "_");
            dir = PathBuf::from("/var/lib/mps-callback-console").join(key);
            tracing::info!(
                dir = %dir.display(),
                "the postgres user cannot reach the data folder; keeping the cluster here"
            );
        }
    }
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).map_err(io(&dir))?;
    if let Some((uid, gid)) = run_as {
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).map_err(io(&dir))?;
        if let Some(parent) = dir.parent() {
            // The pwfile is written beside the cluster folder for initdb to read.
            let meta = std::fs::metadata(parent).map_err(io(parent))?;
            if meta.permissions().mode() & 0o005 != 0o005 {
                std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o755))
                    .map_err(io(parent))?;
            }
        }
    }
    Ok(dir)
}

async fn reachable_by(dir: &Path, uid: u32, gid: u32) -> bool {
    Command::new("/bin/sh")
        .args(["-c", "cd \"$1\"", "sh"])
        .arg(dir)
        .uid(uid)
        .gid(gid)
        .status()
        .await
        .map(|s| s.success())
        .unwrap_or(false)
}

fn load_or_create_password(path: &Path) -> Result<String, EmbeddedError> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim().to_owned();
        if !existing.is_empty() {
            return Ok(existing);
        }
    }
    let password = crate::auth::token::random_hex(24);
    write_private(path, &password, None)?;
    Ok(password)
}

/// Writes a file readable by its owner only (`owner` when given, else us).
fn write_private(path: &Path, text: &str, owner: Option<(u32, u32)>) -> Result<(), EmbeddedError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let _ = std::fs::remove_file(path);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(io(path))?;
    file.write_all(text.as_bytes()).map_err(io(path))?;
    if let Some((uid, gid)) = owner {
        std::os::unix::fs::chown(path, Some(uid), Some(gid)).map_err(io(path))?;
    }
    Ok(())
}

fn free_port() -> Result<u16, EmbeddedError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| EmbeddedError::Setup(format!("no free loopback port: {e}")))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| EmbeddedError::Setup(e.to_string()))
}

/// Waits until the cluster accepts connections (after `pg_ctl start -w` it normally does).
pub async fn wait_ready(url: &str) -> Result<(), sqlx::Error> {
    let mut last = None;
    for _ in 0..50 {
        match sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await
        {
            Ok(pool) => {
                pool.close().await;
                return Ok(());
            }
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err(last.unwrap_or(sqlx::Error::PoolTimedOut))
}

#[cfg(test)]
mod tests {
    use super::url_encode;

    #[test]
    fn socket_folders_are_percent_encoded() {
        assert_eq!(url_encode("/srv/pg-15"), "%2Fsrv%2Fpg-15");
        assert_eq!(url_encode("/a b&c#d%"), "%2Fa%20b%26c%23d%25");
    }
}
