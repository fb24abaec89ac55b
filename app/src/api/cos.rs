//! COS: buckets, objects under a prefix, object previews.
use leptos::prelude::*;

use super::cloud_types::{BucketRow, ObjectPage, ObjectPreview};
use crate::error::AppError;

/// Whether `name` is a bucket name as COS writes it: `name-appid`, lowercase letters,
/// digits and `-`, at most 50 characters before the APPID.
pub fn bucket_ok(name: &str) -> bool {
    let Some((base, appid)) = name.rsplit_once('-') else {
        return false;
    };
    !base.is_empty()
        && base.len() <= 50
        && base
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !base.starts_with('-')
        && !appid.is_empty()
        && appid.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `key` is an object key the console may ask for: not empty, at most 850 bytes,
/// no control characters, and no `.` or `..` folder (in a URL's path those are resolved
/// away before the request is sent, so the signed path would not be the one asked for).
pub fn key_ok(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 850
        && !key.chars().any(char::is_control)
        && !key.split('/').any(|part| part == "." || part == "..")
}

#[cfg(feature = "ssr")]
fn bucket_ref(bucket: String, region: String) -> Result<crate::ssr::BucketRef, AppError> {
    if !bucket_ok(&bucket) {
        return Err(AppError::invalid("bucket", "bucket_invalid"));
    }
    if crate::regions::by_id(&region).is_none() {
        return Err(AppError::invalid("region", "region_unknown"));
    }
    Ok(crate::ssr::BucketRef { bucket, region })
}

/// The account's buckets.
#[server(prefix = "/api", endpoint = "cos_buckets", output = crate::api::encoding::TextJson)]
pub async fn cos_buckets() -> Result<Vec<BucketRow>, AppError> {
    let (cloud, req) = crate::ssr::cloud_and_req()?;
    crate::ssr::status(cloud.buckets(&req).await)
}

/// Folders and objects directly under `prefix`, 100 per page from `marker`.
#[server(prefix = "/api", endpoint = "cos_objects", output = crate::api::encoding::TextJson)]
pub async fn cos_objects(
    bucket: String,
    region: String,
    prefix: String,
    marker: String,
) -> Result<ObjectPage, AppError> {
    use crate::ssr::status;
    let b = status(bucket_ref(bucket, region))?;
    if prefix.len() > 850 || prefix.chars().any(char::is_control) {
        return status(Err(AppError::invalid("prefix", "prefix_invalid")));
    }
    // A marker is a key the previous page ended on.
    if marker.len() > 850 || marker.chars().any(char::is_control) {
        return status(Err(AppError::invalid("marker", "marker_invalid")));
    }
    let (cloud, req) = crate::ssr::cloud_and_req()?;
    status(cloud.list_objects(&req, b, &prefix, &marker).await)
}

/// What the console shows of an object: JSON and text (the first 256 KB), images (up to
/// 2 MB), or only its size and type.
#[server(prefix = "/api", endpoint = "cos_preview", output = crate::api::encoding::TextJson)]
pub async fn cos_preview(
    bucket: String,
    region: String,
    key: String,
) -> Result<ObjectPreview, AppError> {
    use crate::ssr::status;
    let b = status(bucket_ref(bucket, region))?;
    if !key_ok(&key) {
        return status(Err(AppError::invalid("key", "key_invalid")));
    }
    let (cloud, req) = crate::ssr::cloud_and_req()?;
    status(cloud.preview_object(&req, b, &key).await)
}

/// The download address of an object (served by the console, which signs the request).
pub fn download_href(bucket: &str, region: &str, key: &str) -> String {
    format!(
        "/cos/download?bucket={}&region={}&key={}",
        crate::format::url_encode(bucket),
        crate::format::url_encode(region),
        crate::format::url_encode(key)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names() {
        assert!(bucket_ok("media-1250000000"));
        assert!(bucket_ok("mps-results-2-1250000000"));
        for bad in [
            "media",
            "Media-1250000000",
            "-x-125",
            "media-12a",
            "media_x-125",
            "",
        ] {
            assert!(!bucket_ok(bad), "{bad}");
        }
    }

    #[test]
    fn object_keys() {
        assert!(key_ok("output/a b.json"));
        assert!(!key_ok(""));
        assert!(!key_ok("a\nb"));
        assert!(!key_ok(&"k".repeat(851)));
        // Dot folders would be resolved away in the URL's path.
        for dotted in ["a/../input/x.mp4", "../../etc/passwd", "./x", "a/./b"] {
            assert!(!key_ok(dotted), "{dotted}");
        }
        assert!(key_ok("a/..b/c.d"));
    }
}
