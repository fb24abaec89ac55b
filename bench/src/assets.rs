//! Sizes of the release front end as a browser downloads it: raw, gzip and brotli.
use std::io::Write;
use std::path::Path;

use crate::BenchError;

/// One file of the site's `pkg` folder.
pub struct AssetSize {
    pub name: String,
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

/// The wasm, JavaScript and CSS files under `pkg_dir`, by name.
pub fn measure(pkg_dir: &Path) -> Result<Vec<AssetSize>, BenchError> {
    let mut sizes = Vec::new();
    for entry in std::fs::read_dir(pkg_dir)? {
        let path = entry?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !["wasm", "js", "css"].contains(&ext) {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes)?;
        let gzip = gz.finish()?.len();
        let mut br = Vec::new();
        // Quality 11, window 22: what a static build step would serve.
        brotli::BrotliCompress(
            &mut bytes.as_slice(),
            &mut br,
            &brotli::enc::BrotliEncoderParams {
                quality: 11,
                lgwin: 22,
                ..Default::default()
            },
        )?;
        sizes.push(AssetSize {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            raw: bytes.len(),
            gzip,
            brotli: br.len(),
        });
    }
    sizes.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(sizes)
}
