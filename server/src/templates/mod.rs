//! The function template catalogue ("demos"). The console shows, searches and packages
//! it (functions are created from the template's zip, which works on any cloud); the
//! emulator also accepts its ids as `Code.DemoId`. The templates are this project's own
//! code.
use std::io::Write;

/// A function template.
#[derive(Debug)]
pub struct Template {
    /// The `DemoId` (the emulator's ids are the same in every region).
    pub id: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub description_zh: &'static str,
    pub description_en: &'static str,
    /// English keywords, as the console's search uses them.
    pub tags: &'static [&'static str],
    pub runtime: &'static str,
    pub handler: &'static str,
    pub memory_size: u32,
    pub timeout: u32,
    /// The execution role the template needs (its code calls cloud APIs); empty for none.
    pub role: &'static str,
    /// The environment variables the code reads.
    pub variables: &'static [&'static str],
    /// (path, contents) of the code files.
    pub files: &'static [(&'static str, &'static str)],
}

/// Every template.
pub const TEMPLATES: &[Template] = &[
    Template {
        id: "demo-nodejs89-mps-webhook",
        name_zh: "MPS Webhook 模板",
        name_en: "MPS Webhook Demo",
        description_zh: "使用云函数处理 MPS 任务回调，将任务摘要写入 COS，并可推送到 Webhook。",
        description_en: "Handle MPS task callbacks with a cloud function, store a task summary in COS and optionally post it to a webhook.",
        tags: &["Nodejs8.9", "MPS", "Webhook", "COS"],
        runtime: "Nodejs8.9",
        handler: "index.main_handler",
        memory_size: 128,
        timeout: 3,
        role: "SCF_QcsRole",
        variables: &["COS_BUCKET", "COS_REGION", "COS_PREFIX", "WEBHOOK_URL"],
        files: &[("index.js", include_str!("mps_webhook/index.js"))],
    },
    Template {
        id: "demo-nodejs89-helloworld",
        name_zh: "helloworld 模板",
        name_en: "Hello World Demo",
        description_zh: "最简单的 Node.js 云函数，打印事件并返回。",
        description_en: "The smallest Node.js function, logs its event and returns it.",
        tags: &["Nodejs8.9", "helloworld"],
        runtime: "Nodejs8.9",
        handler: "index.main_handler",
        memory_size: 128,
        timeout: 3,
        role: "",
        variables: &[],
        files: &[("index.js", "'use strict';\nexports.main_handler = async (event, context) => {\n  console.log('Hello World');\n  console.log(event);\n  return event;\n};\n")],
    },
];

/// The template with `DemoId` `id`.
pub fn find(id: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.id == id)
}

impl Template {
    /// The template's code as a zip package, as SCF takes it in `Code.ZipFile` and as the
    /// console's download gives it.
    ///
    /// # Errors
    /// Only if writing into memory fails, which it does not in practice.
    pub fn zip(&self) -> zip::result::ZipResult<Vec<u8>> {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(0o644);
        for (path, contents) in self.files {
            out.start_file(*path, options)?;
            out.write_all(contents.as_bytes())?;
        }
        Ok(out.finish()?.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_well_formed() {
        for t in TEMPLATES {
            assert!(
                crate::emulator::scf::check_handler(t.handler).is_ok(),
                "{}",
                t.id
            );
            assert!(crate::emulator::scf::RUNTIMES.contains(&t.runtime));
            let (file, _) = t.handler.split_once('.').expect("file.method");
            assert!(
                t.files.iter().any(|(p, _)| *p == format!("{file}.js")),
                "{} lacks its entry file",
                t.id
            );
        }
        let mps = find("demo-nodejs89-mps-webhook").expect("MPS template");
        let zip = mps.zip().expect("zip");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("readable zip");
        let mut index = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("index.js").expect("index.js"),
            &mut index,
        )
        .expect("utf-8");
        assert_eq!(index, mps.files[0].1);
        assert_eq!(
            (mps.runtime, mps.memory_size, mps.timeout),
            ("Nodejs8.9", 128, 3)
        );
    }
}
