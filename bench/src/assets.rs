//! Sizes of the release front end as a browser downloads it: raw, gzip and brotli.
//!
//! The build splits the WASM per page (`cargo leptos build --split`): every page loads the
//! entry module, then its own chunks, listed in `__wasm_split_manifest.json`. Each file
//! is compressed on its own, as a server compresses each response. The release build is
//! precompressed (`cargo leptos build --precompress`), and [`served`] asks the running server
//! for a page's files as a browser does, to check that it sends the brotli files.
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::BenchError;

/// The split manifest cargo-leptos writes next to the WASM.
const MANIFEST: &str = "__wasm_split_manifest.json";

/// Sizes of one file, or of a set of files compressed one by one.
#[derive(Default, Clone, Copy)]
pub struct Sizes {
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

impl std::ops::Add for Sizes {
    type Output = Sizes;
    fn add(self, o: Sizes) -> Sizes {
        Sizes {
            raw: self.raw + o.raw,
            gzip: self.gzip + o.gzip,
            brotli: self.brotli + o.brotli,
        }
    }
}

/// One file every page loads (entry WASM, JavaScript, CSS).
pub struct AssetSize {
    pub name: String,
    pub sizes: Sizes,
}

/// What one page adds to the entry module.
pub struct PageChunks {
    /// The lazy route, as the manifest names it (`functions_route`, …).
    pub page: String,
    /// Its chunk files (`chunk_16.wasm`, …).
    pub files: Vec<String>,
    pub sizes: Sizes,
}

pub struct FrontEnd {
    /// Loaded by every page.
    pub entry: Vec<AssetSize>,
    /// The entry WASM module alone.
    pub entry_wasm: Sizes,
    /// Per page, heaviest first.
    pub pages: Vec<PageChunks>,
    /// Every chunk of every page.
    pub all_chunks: (usize, Sizes),
}

fn compress(bytes: &[u8]) -> Result<Sizes, BenchError> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes)?;
    let gzip = gz.finish()?.len();
    let mut br = Vec::new();
    // Quality 11, window 22: the defaults `cargo leptos build --precompress` writes with.
    brotli::BrotliCompress(
        &mut &bytes[..],
        &mut br,
        &brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 22,
            ..Default::default()
        },
    )?;
    Ok(Sizes {
        raw: bytes.len(),
        gzip,
        brotli: br.len(),
    })
}

/// Measures the site's `pkg` folder.
pub fn measure(pkg_dir: &Path) -> Result<FrontEnd, BenchError> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(pkg_dir)? {
        let path = entry?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !["wasm", "js", "css"].contains(&ext) {
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.insert(name, compress(&std::fs::read(&path)?)?);
    }
    // Page name → chunk file stems (without `.wasm`).
    let manifest: BTreeMap<String, Vec<String>> = match std::fs::read(pkg_dir.join(MANIFEST)) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| BenchError::new(format!("{MANIFEST}: {e}")))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
        Err(e) => return Err(e.into()),
    };
    let chunk_names: std::collections::BTreeSet<String> = manifest
        .values()
        .flatten()
        .map(|stem| format!("{stem}.wasm"))
        .collect();

    let mut pages = Vec::new();
    for (key, stems) in &manifest {
        let mut sizes = Sizes::default();
        for stem in stems {
            let name = format!("{stem}.wasm");
            sizes = sizes
                + *files.get(&name).ok_or_else(|| {
                    BenchError::new(format!("{MANIFEST} lists {name}, not built"))
                })?;
        }
        pages.push(PageChunks {
            page: page_name(key),
            files: stems.iter().map(|stem| format!("{stem}.wasm")).collect(),
            sizes,
        });
    }
    pages.sort_by_key(|p| std::cmp::Reverse(p.sizes.brotli));

    let mut all_chunks = (0, Sizes::default());
    let mut entry = Vec::new();
    let mut entry_wasm = Sizes::default();
    for (name, sizes) in files {
        if chunk_names.contains(&name) {
            all_chunks = (all_chunks.0 + 1, all_chunks.1 + sizes);
            continue;
        }
        if name.ends_with(".wasm") {
            entry_wasm = entry_wasm + sizes;
        }
        entry.push(AssetSize { name, sizes });
    }
    Ok(FrontEnd {
        entry,
        entry_wasm,
        pages,
        all_chunks,
    })
}

/// What the running server sent for some files of `/pkg/`.
pub struct Served {
    pub files: usize,
    /// Response bodies, as sent.
    pub bytes: usize,
    /// Each `Content-Encoding` seen (`identity` for none), with its number of files.
    pub encodings: BTreeMap<String, usize>,
}

/// Asks the server at `base` for `names` under `/pkg/` with `Accept-Encoding: br, gzip`,
/// as a browser does, and counts the bytes of the bodies as sent (not decoded).
pub async fn served(base: &str, names: &[String]) -> Result<Served, BenchError> {
    let client = reqwest::Client::new();
    let mut served = Served {
        files: 0,
        bytes: 0,
        encodings: BTreeMap::new(),
    };
    for name in names {
        let response = client
            .get(format!("{base}/pkg/{name}"))
            .header(reqwest::header::ACCEPT_ENCODING, "br, gzip")
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(BenchError::new(format!(
                "/pkg/{name}: HTTP {}",
                response.status()
            )));
        }
        let encoding = response
            .headers()
            .get(reqwest::header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("identity")
            .to_owned();
        served.bytes += response.bytes().await?.len();
        served.files += 1;
        *served.encodings.entry(encoding).or_default() += 1;
    }
    Ok(served)
}

/// `__functions_route_view_1783…` → `functions_route`.
fn page_name(key: &str) -> String {
    let key = key.trim_start_matches('_');
    let key = key.rsplit_once('_').map_or(key, |(head, _hash)| head);
    key.trim_end_matches("_view").to_owned()
}

#[cfg(test)]
mod tests {
    use super::page_name;

    #[test]
    fn page_names_drop_the_hash_and_suffix() {
        assert_eq!(
            page_name("__functions_route_view_17837374376235476695"),
            "functions_route"
        );
        assert_eq!(page_name("__mps_route_view_1"), "mps_route");
    }
}
