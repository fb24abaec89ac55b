//! Functions run as users of their own when the server runs as root.
//!
//! A function is someone's code. Run as root, it could read the data folder (the key that
//! seals the teams' cloud SecretKeys, PostgreSQL's password), other teams' code being run
//! at the same moment, and the server's own environment. Each running function instead
//! gets a user ID of its own, from a block that no account on the machine uses
//! ([`FIRST_UID`] on), with no groups and no way back to root (`no_new_privs`). Its code
//! folder is handed to that user and closed to others.
//!
//! It also answers what a process group cannot: a process the function started in a
//! session of its own (detached, double-forked) leaves the group, but not the user, and
//! every process of the user is killed when the invocation ends.
//!
//! Not root (a developer's own account), the server cannot change users: functions run
//! as the server's user, as before, and a detached process can outlive its invocation.
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

/// The first user ID used; Debian leaves 60000–64999 to local use and creates no accounts
/// there by itself.
pub const FIRST_UID: u32 = 61_000;

/// User IDs per server: one per run slot (at most 32). Each server on the machine takes a
/// block of its own, held by a lock file, so that one server's cleanup cannot kill another
/// server's functions.
const BLOCK: u32 = 32;
const BLOCKS: u32 = 100;

struct Pool {
    setpriv: PathBuf,
    free: Mutex<Vec<u32>>,
    /// Holds this server's block.
    _lock: std::fs::File,
}

static POOL: LazyLock<Option<Pool>> = LazyLock::new(|| {
    let pool = Pool::new(super::runtime::slot_count());
    if pool.is_none() && nix::unistd::geteuid().is_root() {
        tracing::warn!(
            "functions run as root: util-linux's setpriv is missing, cannot change users here, or every block of user IDs is taken"
        );
    }
    pool
});

impl Pool {
    fn new(size: usize) -> Option<Self> {
        if !nix::unistd::geteuid().is_root() {
            return None;
        }
        let setpriv = super::runtime::on_path("setpriv")?;
        let taken = ids_in_use();
        // Root's own folder: in /tmp, any user could take every block's lock first.
        let locks = PathBuf::from("/var/lib/mps-callback-console/users");
        std::fs::create_dir_all(&locks).ok()?;
        let size = u32::try_from(size).ok()?.min(BLOCK);
        for block in 0..BLOCKS {
            let uids: Vec<u32> = (0..size).map(|i| FIRST_UID + block * BLOCK + i).collect();
            if uids.iter().any(|id| taken.contains(id)) {
                continue;
            }
            let Ok(lock) = std::fs::File::create(locks.join(block.to_string())) else {
                continue;
            };
            if lock.try_lock().is_err() {
                continue;
            }
            let pool = Pool {
                setpriv,
                free: Mutex::new(uids.clone()),
                _lock: lock,
            };
            // One try shows whether this machine lets us change users (a container may
            // map too few IDs); it also ends what a killed server left running.
            for &uid in &uids {
                let ended = std::process::Command::new(&pool.setpriv)
                    .args(user_args(uid))
                    .args(["--", "/bin/sh", "-c", KILL_ALL])
                    .status();
                if !ended.is_ok_and(|s| s.success()) {
                    return None;
                }
            }
            return Some(pool);
        }
        None
    }
}

/// The `setpriv` arguments that run a command as user `uid` (before `--`).
fn user_args(uid: u32) -> [String; 4] {
    [
        format!("--reuid={uid}"),
        format!("--regid={uid}"),
        "--clear-groups".to_owned(),
        "--no-new-privs".to_owned(),
    ]
}

/// Run as a user, kills every other process of that user (`kill(-1)` spares the caller)
/// and removes what it left at the top of the shared temporary folders, which the next
/// function given the same user could read.
const KILL_ALL: &str = "kill -9 -1 2>/dev/null; find /tmp /var/tmp /dev/shm -mindepth 1 -maxdepth 1 -user \"$(id -u)\" -exec rm -rf {} + 2>/dev/null; exit 0";

/// User and group IDs the machine's accounts and groups use.
fn ids_in_use() -> HashSet<u32> {
    ["/etc/passwd", "/etc/group"]
        .iter()
        .filter_map(|file| std::fs::read_to_string(file).ok())
        .flat_map(|text| {
            text.lines()
                .filter_map(|line| line.split(':').nth(2)?.parse().ok())
                .collect::<Vec<u32>>()
        })
        .collect()
}

/// A user ID held by one running function; back in the pool when dropped, with none of
/// its processes left.
pub struct Lease {
    uid: u32,
    /// Whether [`Lease::end_processes`] ran since the function last ran.
    ended: bool,
}

impl Drop for Lease {
    fn drop(&mut self) {
        let Some(pool) = POOL.as_ref() else { return };
        // An invocation stopped halfway (its task aborted at shutdown) did not end the
        // user's processes: end them here, before another function gets the user.
        if !self.ended {
            let _ = std::process::Command::new(&pool.setpriv)
                .args(user_args(self.uid))
                .args(["--", "/bin/sh", "-c", KILL_ALL])
                .status();
        }
        pool.free
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(self.uid);
    }
}

/// Whether functions run as users of their own.
pub fn active() -> bool {
    POOL.is_some()
}

/// A user for one function, or `None` when functions run as the server's user. There are
/// as many users as run slots: a caller holding a slot always gets one.
pub fn lease() -> Option<Lease> {
    let pool = POOL.as_ref()?;
    let uid = pool.free.lock().unwrap_or_else(|e| e.into_inner()).pop()?;
    Some(Lease { uid, ended: false })
}

impl Lease {
    /// The user ID.
    pub fn uid(&self) -> u32 {
        self.uid
    }

    /// The `setpriv` arguments that run a command as this user (before `--`).
    pub fn setpriv_args(&self) -> [String; 4] {
        user_args(self.uid)
    }

    /// Hands `dir` and everything in it to this user, closed to everyone else.
    ///
    /// # Errors
    /// The folder cannot be changed.
    pub fn take_folder(&self, dir: &Path) -> std::io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        chown_tree(dir, self.uid)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }

    /// Kills every process of this user: what the function left running, however it
    /// detached.
    pub async fn end_processes(&mut self) {
        let Some(pool) = POOL.as_ref() else { return };
        let ended = tokio::process::Command::new(&pool.setpriv)
            .args(user_args(self.uid))
            .args(["--", "/bin/sh", "-c", KILL_ALL])
            .status()
            .await;
        match ended {
            Ok(_) => self.ended = true,
            Err(err) => tracing::warn!("ending a function's processes: {err}"),
        }
    }
}

fn chown_tree(path: &Path, uid: u32) -> std::io::Result<()> {
    std::os::unix::fs::lchown(path, Some(uid), Some(uid))?;
    if std::fs::symlink_metadata(path)?.is_dir() {
        for entry in std::fs::read_dir(path)? {
            chown_tree(&entry?.path(), uid)?;
        }
    }
    Ok(())
}
