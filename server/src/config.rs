//! Configuration from environment variables (documented in `.env.example`).
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Everything the server reads from its environment. `Debug` leaves out the secret key.
#[derive(Clone)]
pub struct Config {
    /// An existing PostgreSQL server; without it the server runs its own cluster.
    pub database_url: Option<String>,
    /// Where the embedded cluster and other local state live.
    pub data_dir: PathBuf,
    /// Address to listen on.
    pub bind_addr: SocketAddr,
    /// The folder cargo-leptos built the site into (holds `pkg/`).
    pub site_root: String,
    pub session: SessionConfig,
    pub throttle: ThrottleConfig,
    /// How long an invitation link stays valid.
    pub invite_ttl: Duration,
    /// Where the embedded cloud emulator listens.
    pub emulator_addr: SocketAddr,
    /// How long one cloud API request may take before it counts as lost.
    pub cloud_timeout: Duration,
    /// How many pages are rendered at once (`crate::render_slots`).
    pub render_slots: usize,
    /// Key that encrypts cloud SecretKeys (64 hex digits); unset: a generated key file.
    pub secret_key: Option<String>,
    /// Where API 3.0 calls of teams on Tencent Cloud go, `{service}` standing for `scf`,
    /// `cam`, … (e.g. `https://{service}.internal.tencentcloudapi.com`); unset: the public
    /// `https://{service}.tencentcloudapi.com`.
    pub tencent_api_endpoint: Option<String>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &self.database_url.as_ref().map(|_| "<set>"))
            .field("data_dir", &self.data_dir)
            .field("bind_addr", &self.bind_addr)
            .field("emulator_addr", &self.emulator_addr)
            .field("tencent_api_endpoint", &self.tencent_api_endpoint)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

/// Login session lifetimes and cookie flags.
#[derive(Clone, Debug)]
pub struct SessionConfig {
    /// Sign out after this long without a request.
    pub idle_timeout: Duration,
    /// Sign out this long after sign-in, active or not.
    pub absolute_lifetime: Duration,
    /// Send the cookie with `Secure` (set when served over https).
    pub secure_cookie: bool,
}

/// Sign-in throttling: failures allowed within a window before refusing.
#[derive(Clone, Debug)]
pub struct ThrottleConfig {
    pub window: Duration,
    pub max_per_account: i64,
    pub max_per_ip: i64,
}

/// A configuration value that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{name}: {message}")]
pub struct ConfigError {
    pub name: &'static str,
    pub message: String,
}

impl Config {
    /// Reads the configuration.
    ///
    /// # Errors
    /// A variable that is set but malformed.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `get` (tests pass a map).
    ///
    /// # Errors
    /// A variable that is set but malformed.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let num = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => v.trim().parse().map_err(|_| ConfigError {
                    name,
                    message: format!("expected a whole number, got {v:?}"),
                }),
            }
        };
        let flag = |name: &'static str| -> Result<bool, ConfigError> {
            match get(name).as_deref().map(str::trim) {
                None | Some("") | Some("0") | Some("false") => Ok(false),
                Some("1") | Some("true") => Ok(true),
                Some(v) => Err(ConfigError {
                    name,
                    message: format!("expected true or false, got {v:?}"),
                }),
            }
        };
        // LEPTOS_SITE_ADDR is what `cargo leptos watch` sets; BIND_ADDR wins when both are.
        let bind = get("BIND_ADDR")
            .or_else(|| get("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let bind_addr = bind.parse().map_err(|_| ConfigError {
            name: "BIND_ADDR",
            message: format!("expected host:port, got {bind:?}"),
        })?;
        Ok(Config {
            database_url: get("DATABASE_URL").filter(|v| !v.trim().is_empty()),
            data_dir: PathBuf::from(get("DATA_DIR").unwrap_or_else(|| ".data".to_owned())),
            bind_addr,
            site_root: get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned()),
            session: SessionConfig {
                idle_timeout: Duration::from_secs(num("SESSION_IDLE_MINUTES", 30)? * 60),
                absolute_lifetime: Duration::from_secs(num("SESSION_ABSOLUTE_HOURS", 12)? * 3600),
                secure_cookie: flag("SESSION_SECURE_COOKIE")?,
            },
            throttle: ThrottleConfig {
                window: Duration::from_secs(num("LOGIN_THROTTLE_MINUTES", 15)? * 60),
                max_per_account: num("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)? as i64,
                max_per_ip: num("LOGIN_MAX_FAILURES_PER_IP", 20)? as i64,
            },
            invite_ttl: Duration::from_secs(num("INVITE_TTL_HOURS", 72)? * 3600),
            emulator_addr: {
                let text = get("EMULATOR_ADDR").unwrap_or_else(|| "127.0.0.1:3900".to_owned());
                text.parse().map_err(|_| ConfigError {
                    name: "EMULATOR_ADDR",
                    message: format!("expected host:port, got {text:?}"),
                })?
            },
            cloud_timeout: Duration::from_secs(num("CLOUD_TIMEOUT_SECONDS", 30)?.max(1)),
            render_slots: match get("RENDER_SLOTS") {
                None => crate::render_slots::default_count(),
                Some(_) => usize::try_from(num("RENDER_SLOTS", 0)?)
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(ConfigError {
                        name: "RENDER_SLOTS",
                        message: "expected a whole number from 1".to_owned(),
                    })?,
            },
            secret_key: get("CONSOLE_SECRET_KEY").filter(|v| !v.trim().is_empty()),
            tencent_api_endpoint: match get("TENCENT_API_ENDPOINT").map(|v| v.trim().to_owned()) {
                None => None,
                Some(v) if v.is_empty() => None,
                Some(v) if v.starts_with("https://") || v.starts_with("http://") => Some(v),
                Some(v) => {
                    return Err(ConfigError {
                        name: "TENCENT_API_ENDPOINT",
                        message: format!("expected an http(s) URL, got {v:?}"),
                    })
                }
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_errors() {
        let config = Config::from_lookup(|_| None).expect("defaults are valid");
        assert!(config.database_url.is_none());
        assert_eq!(config.session.idle_timeout, Duration::from_secs(1800));
        let bad = Config::from_lookup(|n| (n == "SESSION_IDLE_MINUTES").then(|| "ten".to_owned()));
        assert_eq!(bad.expect_err("malformed").name, "SESSION_IDLE_MINUTES");
        let bad = Config::from_lookup(|n| (n == "SESSION_SECURE_COOKIE").then(|| "yes".to_owned()));
        assert!(bad.is_err());
        assert!(config.tencent_api_endpoint.is_none());
        let bad = Config::from_lookup(|n| {
            (n == "TENCENT_API_ENDPOINT").then(|| "scf.tencentcloudapi.com".to_owned())
        });
        assert_eq!(bad.expect_err("no scheme").name, "TENCENT_API_ENDPOINT");
        assert!(config.render_slots >= 4);
        let bad = Config::from_lookup(|n| (n == "RENDER_SLOTS").then(|| "0".to_owned()));
        assert_eq!(bad.expect_err("no slot").name, "RENDER_SLOTS");
        let set = Config::from_lookup(|n| (n == "RENDER_SLOTS").then(|| "3".to_owned()));
        assert_eq!(set.expect("valid").render_slots, 3);
    }
}
