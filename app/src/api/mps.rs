//! MPS media tasks: start ProcessMedia / EditMedia on a COS object, list tasks.
// Server functions take one argument per form field; the macro's generated functions
// do not inherit an item-level allow.
#![allow(clippy::too_many_arguments)]
use leptos::prelude::*;

use super::cloud_types::TaskPage;
use crate::error::AppError;

/// Whether `dir` is an output folder as MPS takes it: starts and ends with `/`, at most
/// 256 bytes, no empty, `.` or `..` folder (COS keys are flat, so `/../` would make a
/// folder named `..` that reads as a way out of the bucket) and no control character.
pub fn output_dir_ok(dir: &str) -> bool {
    dir.len() <= 256 && output_path_ok(dir, true)
}

/// Whether `path` is an output path in a bucket (the console's and the emulator's rule):
/// from the root, no control character, no empty, `.` or `..` folder; a folder (`dir`)
/// ends with `/`, and may be the root itself.
pub fn output_path_ok(path: &str, dir: bool) -> bool {
    // Between the leading `/` and, for a folder, the trailing one.
    let inner = path.strip_prefix('/').and_then(|rest| {
        if dir {
            rest.strip_suffix('/')
        } else {
            Some(rest)
        }
    });
    !path.chars().any(char::is_control)
        && (dir && path == "/"
            || inner.is_some_and(|inner| {
                inner
                    .split('/')
                    .all(|part| !matches!(part, "" | "." | ".."))
            }))
}

/// MPS tasks of region `rid`, newest first; `next` is the scroll token of the page.
#[server(prefix = "/api", endpoint = "mps_tasks", output = crate::api::encoding::TextJson)]
pub async fn mps_tasks(rid: u32, next: String) -> Result<TaskPage, AppError> {
    use crate::ssr::{cloud_and_req, status};
    let region = status(
        crate::regions::by_rid(rid)
            .map(|r| r.id.to_owned())
            .ok_or_else(|| AppError::invalid("rid", "region_unknown")),
    )?;
    if next.len() > 512 {
        return status(Err(AppError::invalid("next", "token_invalid")));
    }
    let (cloud, req) = cloud_and_req()?;
    status(cloud.mps_tasks(&req, &region, &next).await)
}

/// Starts a task in region `rid` and returns its TaskId. `kind` is `WorkflowTask`
/// (ProcessMedia: `transcode` and/or `snapshot`) or `EditMediaTask` (EditMedia: the clip
/// from `clip_start` to `clip_end` seconds).
#[server(prefix = "/api", endpoint = "start_mps_task", output = crate::api::encoding::TextJson)]
pub async fn start_mps_task(
    rid: u32,
    kind: String,
    input_bucket: String,
    input_region: String,
    object: String,
    output_bucket: String,
    output_region: String,
    output_dir: String,
    transcode: bool,
    snapshot: bool,
    clip_start: f64,
    clip_end: f64,
) -> Result<String, AppError> {
    use super::cos::{bucket_ok, key_ok};
    use crate::ssr::{cloud_and_req, status, BucketRef, NewTask};
    let check = || -> Result<String, AppError> {
        let region = crate::regions::by_rid(rid)
            .map(|r| r.id.to_owned())
            .ok_or_else(|| AppError::invalid("rid", "region_unknown"))?;
        if !["WorkflowTask", "EditMediaTask"].contains(&kind.as_str()) {
            return Err(AppError::invalid("kind", "task_kind_unknown"));
        }
        // The form's fields, all checked: each problem shows by its field at once.
        let check = |ok: bool, field: &str, code: &str| {
            if ok {
                Ok(())
            } else {
                Err(AppError::invalid(field, code))
            }
        };
        let region_ok = |r: &str| crate::regions::by_id(r).is_some();
        AppError::all_fields(vec![
            check(
                bucket_ok(&input_bucket) && region_ok(&input_region),
                "input_bucket",
                "bucket_invalid",
            ),
            check(
                key_ok(object.trim_start_matches('/')),
                "object",
                "key_invalid",
            ),
            check(
                bucket_ok(&output_bucket) && region_ok(&output_region),
                "output_bucket",
                "bucket_invalid",
            ),
            check(
                output_dir_ok(&output_dir),
                "output_dir",
                "output_dir_invalid",
            ),
            check(
                kind != "WorkflowTask" || transcode || snapshot,
                "transcode",
                "task_types_required",
            ),
            check(
                kind != "EditMediaTask"
                    || (clip_start.is_finite()
                        && clip_end.is_finite()
                        && clip_start >= 0.0
                        && clip_end > clip_start),
                "clip_end",
                "clip_invalid",
            ),
        ])?;
        Ok(region)
    };
    let region = status(check())?;
    let (cloud, req) = cloud_and_req()?;
    let task = NewTask {
        region,
        kind,
        input: BucketRef {
            bucket: input_bucket,
            region: input_region.clone(),
        },
        object: object.trim_start_matches('/').to_owned(),
        output: BucketRef {
            bucket: output_bucket,
            region: output_region,
        },
        output_dir,
        transcode,
        snapshot,
        clip_start,
        clip_end,
    };
    status(cloud.start_task(&req, task).await)
}

#[cfg(test)]
mod tests {
    use super::output_dir_ok;

    #[test]
    fn output_dirs() {
        assert!(output_dir_ok("/"));
        assert!(output_dir_ok("/output/"));
        assert!(!output_dir_ok("output/"));
        assert!(!output_dir_ok("/output"));
        assert!(!output_dir_ok("/a//b/"));
        assert!(output_dir_ok("/a/b.c/"));
        for bad in [
            "//",
            "/../",
            "/../../etc/",
            "/a/./",
            "/a/../b/",
            "/a\u{0}/",
            "/é/x",
        ] {
            assert!(!output_dir_ok(bad), "{bad}");
        }
        assert!(!output_dir_ok(&format!("/{}/", "a".repeat(255))));
    }
}
