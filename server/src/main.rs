//! The console server binary.
//!
//! `server` serves (configuration from the environment, see `.env.example`);
//! `server emulator` runs only the cloud emulator; `server emulator-account` creates an
//! emulator account and prints its credentials (for SDKs and scripts);
//! `server stop-db DIR` stops an embedded cluster left running under data folder DIR.
use std::process::ExitCode;

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
            server::db::embedded::EmbeddedPostgres::stop_dir(std::path::Path::new(dir))
                .await
                .map_err(|e| e.to_string())
        }
        _ => Err(
            "usage: server [serve] | server emulator | server emulator-account | server stop-db DATA_DIR"
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
