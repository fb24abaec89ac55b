//! Wire compatibility: Tencent's official Python SDKs (tencentcloud-sdk-python for CAM,
//! CLS, SCF and MPS, cos-python-sdk-v5 for COS; from PyPI) pointed at the emulator work
//! unchanged. They are installed into `target/sdk-venv` on first use.
use std::path::PathBuf;

#[tokio::test]
async fn the_official_python_sdk_works_against_the_emulator() {
    let python = tokio::task::spawn_blocking(integration_tests::sdk_python)
        .await
        .expect("venv task");
    let emu = integration_tests::spawn_emulator().await;
    let endpoint = emu.base.trim_start_matches("http://").to_owned();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sdk/official_sdk.py");
    let output = tokio::process::Command::new(python)
        .arg(script)
        .env("EMU_ENDPOINT", &endpoint)
        .env("EMU_SECRET_ID", &emu.account.secret_id)
        .env("EMU_SECRET_KEY", &emu.account.secret_key)
        .env("EMU_APP_ID", emu.account.app_id.to_string())
        .output()
        .await
        .expect("the SDK script runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "official SDK checks failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("all official SDK checks passed"),
        "{stdout}"
    );
}
