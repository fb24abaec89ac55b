//! Real task outputs with ffmpeg, when the machine has it: transcodes, snapshots and
//! clips of the input object. Without ffmpeg, or when it fails (not a video, too slow),
//! the caller falls back to a placeholder copy of the input.
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

/// Longest an ffmpeg run may take before the output becomes a placeholder.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// At most this many ffmpeg runs at once.
static RUNS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The only demuxers ffmpeg may use on an object: plain media files, never playlists or
/// anything that could read other files or the network.
const FORMATS: &str = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,flv,mpegts,mp3,wav,ogg,aac";

/// What to make of the input.
#[derive(Clone, Copy, Debug)]
pub enum Render {
    /// An H.264/AAC MP4.
    Transcode,
    /// One JPEG frame at this second.
    Snapshot(f64),
    /// An MP4 of the input from `start` to `end` seconds.
    Clip(f64, f64),
}

/// The ffmpeg the emulator uses: `FFMPEG` or `ffmpeg` on the PATH.
fn ffmpeg() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FFMPEG") {
        return Some(PathBuf::from(p));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("ffmpeg"))
            .find(|p| p.is_file())
    })
}

/// Renders `input` with ffmpeg; `None` when ffmpeg is missing or cannot do it.
pub async fn render(input: &[u8], what: Render) -> Option<(Vec<u8>, &'static str)> {
    let bin = ffmpeg()?;
    let _permit = RUNS.acquire().await.ok()?;
    let dir = std::env::temp_dir().join(format!("mps-media-{}", uuid::Uuid::new_v4()));
    tokio::fs::create_dir_all(&dir).await.ok()?;
    let result = run(&bin, &dir, input, what).await;
    let _ = tokio::fs::remove_dir_all(&dir).await;
    result
}

async fn run(
    bin: &PathBuf,
    dir: &std::path::Path,
    input: &[u8],
    what: Render,
) -> Option<(Vec<u8>, &'static str)> {
    let source = dir.join("input");
    tokio::fs::write(&source, input).await.ok()?;
    let (out, content_type) = match what {
        Render::Snapshot(_) => (dir.join("out.jpg"), "image/jpeg"),
        _ => (dir.join("out.mp4"), "video/mp4"),
    };
    let mut cmd = tokio::process::Command::new(bin);
    cmd.args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y"])
        .args(["-protocol_whitelist", "file", "-format_whitelist", FORMATS]);
    let video = [
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "28",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-movflags",
        "+faststart",
    ];
    match what {
        Render::Transcode => {
            cmd.arg("-i").arg(&source).args(video);
        }
        Render::Snapshot(at) => {
            cmd.args(["-ss", &format!("{at:.3}")])
                .arg("-i")
                .arg(&source)
                .args(["-frames:v", "1", "-q:v", "3"]);
        }
        Render::Clip(start, end) => {
            cmd.args(["-ss", &format!("{start:.3}"), "-to", &format!("{end:.3}")])
                .arg("-i")
                .arg(&source)
                .args(video);
        }
    }
    cmd.arg(&out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let status = tokio::time::timeout(RUN_LIMIT, cmd.status())
        .await
        .ok()?
        .ok()?;
    if !status.success() {
        return None;
    }
    let bytes = tokio::fs::read(&out).await.ok()?;
    (!bytes.is_empty()).then_some((bytes, content_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn renders_the_sample_when_ffmpeg_is_here_and_refuses_garbage() {
        let sample = include_bytes!("sample.mp4");
        if ffmpeg().is_none() {
            // Nothing to check without ffmpeg: outputs are placeholders then.
            return;
        }
        let (jpg, ct) = render(sample, Render::Snapshot(1.0))
            .await
            .expect("snapshot");
        assert_eq!((&jpg[..3], ct), (&[0xFF, 0xD8, 0xFF][..], "image/jpeg"));
        let (mp4, _) = render(sample, Render::Clip(0.0, 1.0)).await.expect("clip");
        assert_eq!(&mp4[4..8], b"ftyp");
        assert!(render(b"fake video bytes", Render::Transcode)
            .await
            .is_none());
    }
}
