//! COS for the console: buckets, listings, previews and downloads.
use app::api::cloud_types::{BucketRow, ObjectPage, ObjectPreview, ObjectRow};
use app::api::types::Role;
use app::ssr::{BucketRef, ChunkSource, ObjectDownload, Req};
use base64::Engine;

use super::CloudConsole;
use crate::cloud::cos::ObjectBytes;
use crate::error::AppResult;

/// Objects per page of the browser.
const PAGE: u32 = 100;
/// How much of a text object the preview shows.
const TEXT_PREVIEW: usize = 256 * 1024;
/// Largest image the preview inlines.
const IMAGE_PREVIEW: usize = 2 * 1024 * 1024;
/// How long a download through the console may take in all.
const DOWNLOAD_TIME: std::time::Duration = std::time::Duration::from_secs(3600);

pub(super) async fn buckets(c: &CloudConsole, req: &Req) -> AppResult<Vec<BucketRow>> {
    let s = c.session(req, Role::Viewer).await?;
    let mut rows: Vec<BucketRow> = s
        .cos()
        .list_buckets()
        .await?
        .into_iter()
        .map(|b| BucketRow {
            name: b.name,
            region: b.location,
            created: b.creation_date,
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(rows)
}

pub(super) async fn list(
    c: &CloudConsole,
    req: &Req,
    b: BucketRef,
    prefix: &str,
    marker: &str,
) -> AppResult<ObjectPage> {
    let s = c.session(req, Role::Viewer).await?;
    let list = s
        .cos()
        .list_objects(&b.bucket, &b.region, prefix, marker, PAGE)
        .await?;
    Ok(ObjectPage {
        folders: list.folders().into_iter().map(str::to_owned).collect(),
        objects: list
            .contents
            .iter()
            // A "folder" object (the prefix itself) is not shown as a file.
            .filter(|o| o.key != prefix)
            .map(|o| ObjectRow {
                key: o.key.clone(),
                size: o.size,
                modified: o.last_modified.clone(),
            })
            .collect(),
        // Without a NextMarker, the page ends at its last key or folder, whichever is later.
        next_marker: list
            .is_truncated
            .then(|| {
                list.next_marker
                    .clone()
                    .filter(|m| !m.is_empty())
                    .or_else(|| {
                        let last_key = list.contents.last().map(|o| o.key.as_str());
                        let last_folder = list.folders().last().copied();
                        last_key.max(last_folder).map(str::to_owned)
                    })
            })
            .flatten(),
    })
}

/// How the preview treats an object, by its type and else its extension.
fn kind_of(content_type: &str, key: &str) -> &'static str {
    let ext = key
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let ct = content_type.to_ascii_lowercase();
    if ct.contains("json") || ext == "json" {
        "json"
    } else if ct.starts_with("image/") || ["jpg", "jpeg", "png", "gif", "webp"].contains(&&*ext) {
        "image"
    } else if ct.starts_with("text/")
        || ["txt", "log", "csv", "xml", "md", "srt", "vtt", "m3u8"].contains(&&*ext)
    {
        "text"
    } else {
        "binary"
    }
}

/// The image type of `bytes` from its magic number, if it is one browsers show.
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

/// The preview of an object's first bytes.
pub fn preview_of(key: &str, o: ObjectBytes) -> ObjectPreview {
    let mut p = ObjectPreview {
        key: key.to_owned(),
        size: o.total,
        content_type: o.content_type.clone(),
        kind: kind_of(&o.content_type, key).to_owned(),
        text: String::new(),
        data_url: String::new(),
        truncated: o.truncated,
    };
    match p.kind.as_str() {
        "json" => {
            p.text = match serde_json::from_slice::<serde_json::Value>(&o.bytes) {
                Ok(v) if !o.truncated => serde_json::to_string_pretty(&v).unwrap_or_default(),
                _ => String::from_utf8_lossy(&o.bytes).into_owned(),
            };
        }
        "text" => p.text = String::from_utf8_lossy(&o.bytes).into_owned(),
        "image" => match image_type(&o.bytes) {
            // Only real images are inlined, typed by their bytes (never by the header).
            Some(mime) if !o.truncated => {
                let b64 = base64::engine::general_purpose::STANDARD.encode(&o.bytes);
                p.data_url = format!("data:{mime};base64,{b64}");
            }
            _ => p.kind = "binary".to_owned(),
        },
        _ => {}
    }
    p
}

pub(super) async fn preview(
    c: &CloudConsole,
    req: &Req,
    b: BucketRef,
    key: &str,
) -> AppResult<ObjectPreview> {
    let s = c.session(req, Role::Viewer).await?;
    let limit = if kind_of("", key) == "image" {
        IMAGE_PREVIEW
    } else {
        TEXT_PREVIEW
    };
    let o = s
        .cos()
        .get_object_bytes(&b.bucket, &b.region, key, limit)
        .await?;
    Ok(preview_of(key, o))
}

/// The object, for the download route, read from COS as the browser takes it.
pub async fn download(
    c: &CloudConsole,
    req: &Req,
    b: BucketRef,
    key: &str,
    range: Option<&str>,
) -> AppResult<ObjectDownload> {
    let s = c.session(req, Role::Viewer).await?;
    let o = s
        .cos()
        .get_object_stream(&b.bucket, &b.region, key, range, DOWNLOAD_TIME)
        .await?;
    Ok(ObjectDownload {
        content_type: o.content_type,
        length: o.length,
        content_range: o.content_range,
        body: Box::new(ResponseChunks(o.response)),
    })
}

/// A COS response's body, chunk by chunk.
struct ResponseChunks(reqwest::Response);

#[async_trait::async_trait]
impl ChunkSource for ResponseChunks {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, String> {
        match self.0.chunk().await {
            Ok(chunk) => Ok(chunk.map(|c| c.to_vec())),
            Err(e) => Err(format!("COS response lost: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(content_type: &str, body: &[u8], truncated: bool) -> ObjectBytes {
        ObjectBytes {
            content_type: content_type.to_owned(),
            total: body.len() as u64,
            bytes: body.to_vec(),
            truncated,
        }
    }

    #[test]
    fn previews_by_type() {
        let p = preview_of("a/s.json", bytes("application/json", br#"{"a":1}"#, false));
        assert_eq!(
            (p.kind.as_str(), p.text.as_str()),
            ("json", "{\n  \"a\": 1\n}")
        );
        let p = preview_of("x.txt", bytes("", b"hello", false));
        assert_eq!((p.kind.as_str(), p.text.as_str()), ("text", "hello"));
        let p = preview_of("s.jpg", bytes("image/jpeg", &[0xFF, 0xD8, 0xFF, 0], false));
        assert!(p.data_url.starts_with("data:image/jpeg;base64,"));
        // A .jpg that is not an image (an emulator placeholder) is not inlined.
        let p = preview_of("s.jpg", bytes("image/jpeg", b"<svg onload=x>", false));
        assert_eq!((p.kind.as_str(), p.data_url.as_str()), ("binary", ""));
        let p = preview_of("v.mp4", bytes("video/mp4", b"....", false));
        assert_eq!(p.kind, "binary");
    }
}
