//! The README's scripted run (`scripts/pipeline_demo.py`, Tencent's official Python SDK)
//! against the emulator: it must complete, and running it twice must work too.
use std::path::PathBuf;

#[tokio::test]
async fn the_documented_pipeline_script_runs_against_the_emulator() {
    let python = tokio::task::spawn_blocking(integration_tests::sdk_python)
        .await
        .expect("venv task");
    let emu = integration_tests::spawn_emulator().await;
    let endpoint = emu.base.trim_start_matches("http://").to_owned();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/pipeline_demo.py");
    for run in 1..=2 {
        let output = tokio::process::Command::new(&python)
            .arg(&script)
            .args([
                &endpoint,
                &emu.account.secret_id,
                &emu.account.secret_key,
                &emu.account.app_id.to_string(),
            ])
            .output()
            .await
            .expect("the script runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "run {run} failed:\n{stdout}\n{stderr}"
        );
        assert!(
            stdout.contains("pipeline ok: TaskId"),
            "run {run}: {stdout}"
        );
    }
}
