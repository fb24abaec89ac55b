//! The console server binary.
//!
//! `server` serves (configuration from the environment, see `.env.example`);
//! `server emulator` runs only the cloud emulator; `server emulator-account` creates an
//! emulator account and prints its credentials (for SDKs and scripts);
//! `server stop-db DIR` stops an embedded cluster left running under data folder DIR;
//! `server db-url DIR` prints the URL of the console's database on the cluster running
//! there (for psql and the benchmark).
use std::process::ExitCode;

/// glibc's allocator spent a fifth of the server's CPU under load (arena locks, chunk
/// consolidation): page renders allocate many small short-lived values across threads.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    server::telemetry::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => match server::config::Config::from_env() {
            Ok(config) => server::run(config).await.map_err(|e| e.to_string()),
            Err(err) => Err(format!("configuration error: {err}")),
        },
        ["emulator"] => match server::config::Config::from_env() {
            Ok(config) => server::run_emulator(config).await.map_err(|e| e.to_string()),
            Err(err) => Err(format!("configuration error: {err}")),
        },
        ["emulator-account"] => match server::config::Config::from_env() {
            Ok(config) => server::new_emulator_account(config.clone())
                .await
                .map(|a| {
                    // Printed for the person who asked, as a cloud console shows a new
                    // key once; it never goes to the log.
                    println!(
                        "{}",
                        serde_json::json!({
                            "Endpoint": format!("http://{}", config.emulator_addr),
                            "SecretId": a.secret_id,
                            "SecretKey": a.secret_key,
                            "AppId": a.app_id,
                        })
                    );
                })
                .map_err(|e| e.to_string()),
            Err(err) => Err(format!("configuration error: {err}")),
        },
        ["stop-db", dir] => {
            // A live server keeps its cluster running (it would start it again): stop the
            // server instead, which stops its cluster.
            match server::lock_data_dir(std::path::Path::new(dir)) {
                Ok(_lock) => {
                    server::db::embedded::EmbeddedPostgres::stop_dir(std::path::Path::new(dir))
                        .await
                        .map_err(|e| e.to_string())
                }
                Err(err) => Err(err.to_string()),
            }
        }
        ["db-url", dir] => {
            match server::db::embedded::EmbeddedPostgres::running_url(
                std::path::Path::new(dir),
                "console",
            )
            .await
            {
                // The URL holds the cluster's password: printed for the person who asked.
                Ok(Some(url)) => {
                    println!("{url}");
                    Ok(())
                }
                Ok(None) => Err(format!("no embedded PostgreSQL is running under {dir}")),
                Err(err) => Err(err.to_string()),
            }
        }
        _ => Err(
            "usage: server [serve] | server emulator | server emulator-account | server stop-db DATA_DIR | server db-url DATA_DIR"
                .to_owned(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            ExitCode::FAILURE
        }
    }
}
