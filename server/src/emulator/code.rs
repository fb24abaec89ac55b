//! A function's code on disk for one invocation: a template's files, or the uploaded zip
//! unpacked with its paths checked (no absolute paths, no `..`, no links).
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::db::Db;

use super::scf::FunctionRow;

/// Largest unpacked size of a function's code, as SCF allows (500 MB) would be too much
/// for a local emulator; 100 MB is plenty for Node.js handlers.
const MAX_UNPACKED: u64 = 100 * 1024 * 1024;

/// Where the functions of all servers on this machine get their code folders. As root,
/// functions run as users of their own ([`super::sandbox`]), and the folders are kept out
/// of `/tmp`: Node.js looks for modules in every folder above the code, and any user may
/// make `/tmp/node_modules`.
fn functions_root() -> PathBuf {
    if nix::unistd::geteuid().is_root() {
        PathBuf::from("/var/lib/mps-callback-console/functions")
    } else {
        std::env::temp_dir().join("mps-console-functions")
    }
}

/// This server's part of [`functions_root`], named by its process id.
fn own_folder() -> PathBuf {
    functions_root().join(std::process::id().to_string())
}

/// Removes the code folders that servers no longer running left behind (a server killed
/// mid-invocation cannot clean up after itself); a running server's are left alone.
pub fn remove_stale_folders() {
    let Ok(entries) = std::fs::read_dir(functions_root()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let alive = name
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Writes the function's code into a fresh folder named after the request.
///
/// # Errors
/// A message for the invocation log: unreadable zip, unsafe paths, I/O failures.
pub(crate) async fn prepare(
    db: &Db,
    function: &FunctionRow,
    request_id: &str,
) -> Result<PathBuf, String> {
    let dir = own_folder().join(request_id);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| format!("preparing the code folder: {e}"))?;
    match fill(db, function, &dir).await {
        Ok(()) => Ok(dir),
        Err(message) => {
            let _ = tokio::fs::remove_dir_all(&dir).await;
            Err(message)
        }
    }
}

async fn fill(db: &Db, function: &FunctionRow, dir: &Path) -> Result<(), String> {
    if let Some(template) = function.demo_id.as_deref().and_then(crate::templates::find) {
        for (path, contents) in template.files {
            tokio::fs::write(dir.join(path), contents)
                .await
                .map_err(|e| format!("writing {path}: {e}"))?;
        }
        return Ok(());
    }
    let zip: Option<Vec<u8>> =
        sqlx::query_scalar("select code_zip from emulator.scf_function where function_id = $1")
            .bind(&function.function_id)
            .fetch_optional(db)
            .await
            .map_err(|e| format!("loading the code package: {e}"))?
            .flatten();
    let zip = zip.ok_or_else(|| "this function has no code package".to_owned())?;
    let target = dir.to_owned();
    tokio::task::spawn_blocking(move || unpack(&zip, &target))
        .await
        .map_err(|e| format!("unpacking the code package: {e}"))?
}

/// Entry files larger than this are not shown by `GetFunction` (as SCF: 1 MB).
const MAX_SHOWN: u64 = 1024 * 1024;

/// `GetFunction`'s `CodeInfo` and `CodeSize`: the entry file named by the handler
/// (`index.main_handler` → `index.js`), empty when missing or over 1 MB.
pub(crate) async fn entry_source(db: &Db, function: &FunctionRow) -> (String, i64) {
    let module = function
        .handler
        .rsplit_once('.')
        .map_or(function.handler.as_str(), |(m, _)| m);
    let entry = format!("{module}.js");
    if let Some(template) = function.demo_id.as_deref().and_then(crate::templates::find) {
        let size = template.zip().map_or(0, |z| z.len() as i64);
        let source = template
            .files
            .iter()
            .find(|(path, _)| *path == entry)
            .map(|(_, text)| (*text).to_owned())
            .unwrap_or_default();
        return (source, size);
    }
    let zip: Option<Vec<u8>> =
        sqlx::query_scalar("select code_zip from emulator.scf_function where function_id = $1")
            .bind(&function.function_id)
            .fetch_optional(db)
            .await
            .ok()
            .flatten()
            .flatten();
    let Some(zip) = zip else {
        return (String::new(), 0);
    };
    let size = zip.len() as i64;
    let source = tokio::task::spawn_blocking(move || {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).ok()?;
        let file = archive.by_name(&entry).ok()?;
        if file.size() > MAX_SHOWN {
            return None;
        }
        let mut text = String::new();
        file.take(MAX_SHOWN).read_to_string(&mut text).ok()?;
        Some(text)
    })
    .await
    .ok()
    .flatten()
    .unwrap_or_default();
    (source, size)
}

/// Unpacks `zip` into `dir`.
fn unpack(zip: &[u8], dir: &Path) -> Result<(), String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip))
        .map_err(|e| format!("the code package is not a valid zip file: {e}"))?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| format!("reading the code package: {e}"))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let Some(relative) = entry.enclosed_name() else {
            return Err(format!("the code package holds an unsafe path: {name}"));
        };
        if entry.is_symlink() {
            return Err(format!("the code package holds a symbolic link: {name}"));
        }
        let path = dir.join(relative);
        if entry.is_dir() {
            std::fs::create_dir_all(&path).map_err(|e| format!("unpacking: {e}"))?;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("unpacking: {e}"))?;
        }
        let mut bytes = Vec::new();
        (&mut entry)
            .take(MAX_UNPACKED - total + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("unpacking {name}: {e}"))?;
        total += bytes.len() as u64;
        if total > MAX_UNPACKED {
            return Err("the code package unpacks to more than 100 MB".to_owned());
        }
        std::fs::write(&path, bytes).map_err(|e| format!("unpacking: {e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, body) in entries {
            out.start_file(*name, zip::write::SimpleFileOptions::default())
                .expect("entry");
            out.write_all(body.as_bytes()).expect("write");
        }
        out.finish().expect("finish").into_inner()
    }

    #[test]
    fn unpacks_nested_files_and_refuses_escapes() {
        let dir = std::env::temp_dir().join(format!("code-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        unpack(&zip_of(&[("index.js", "x"), ("lib/a.js", "y")]), &dir).expect("unpacks");
        assert_eq!(
            std::fs::read_to_string(dir.join("lib/a.js")).expect("file"),
            "y"
        );
        let err = unpack(&zip_of(&[("../evil.js", "x")]), &dir).expect_err("escape");
        assert!(err.contains("unsafe path"), "{err}");
        let err = unpack(b"not a zip", &dir).expect_err("garbage");
        assert!(err.contains("not a valid zip"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
