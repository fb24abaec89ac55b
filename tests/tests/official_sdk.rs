//! Wire compatibility: Tencent's official Python SDK (tencentcloud-sdk-python, from PyPI)
//! pointed at the emulator works unchanged. The SDK is installed into `target/sdk-venv` on
//! first use.
use std::path::PathBuf;
use std::process::Command;

fn sdk_python() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let venv = root.join("target/sdk-venv");
    let python = venv.join("bin/python");
    let ready = Command::new(&python)
        .args([
            "-c",
            "import tencentcloud.cam.v20190116, tencentcloud.scf.v20180416",
        ])
        .status()
        .is_ok_and(|s| s.success());
    if !ready {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .expect("python3 runs");
        assert!(made.success(), "could not create {}", venv.display());
        let installed = Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "-q",
                "tencentcloud-sdk-python-cam",
                "tencentcloud-sdk-python-scf",
            ])
            .status()
            .expect("pip runs");
        assert!(
            installed.success(),
            "could not install the official SDK from PyPI"
        );
    }
    python
}

#[tokio::test]
async fn the_official_python_sdk_works_against_the_emulator() {
    let python = tokio::task::spawn_blocking(sdk_python)
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
