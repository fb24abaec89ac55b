//! Data shapes of the cloud pages (functions, templates, triggers, logs, audit), as the
//! browser sees them. Times are Unix seconds unless said otherwise.
use serde::{Deserialize, Serialize};

/// A function in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionRow {
    pub name: String,
    pub namespace: String,
    pub runtime: String,
    /// SCF's status: `Creating`, `Active`, `CreateFailed`, …
    pub status: String,
    pub description: String,
    /// As SCF writes them: `YYYY-MM-DD HH:MM:SS` (Beijing time).
    pub add_time: String,
    pub mod_time: String,
}

/// One page of the function list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionPage {
    pub total: u64,
    pub items: Vec<FunctionRow>,
}

/// A function template, for the cards and the search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateCard {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub description_zh: String,
    pub description_en: String,
    pub tags: Vec<String>,
    pub runtime: String,
    pub handler: String,
    pub memory_size: i64,
    pub timeout: i64,
}

impl TemplateCard {
    /// Everything the fuzzy search looks at.
    pub fn search_text(&self) -> String {
        format!(
            "{} {} {} {} {} template 模板 模版",
            self.name_zh,
            self.name_en,
            self.description_zh,
            self.description_en,
            self.tags.join(" ")
        )
    }
}

/// A code file of a template or function.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeFile {
    pub path: String,
    pub content: String,
}

/// A template with its code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateDetail {
    pub card: TemplateCard,
    pub files: Vec<CodeFile>,
}

/// A function's configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionDetail {
    pub name: String,
    pub namespace: String,
    pub runtime: String,
    pub handler: String,
    pub description: String,
    pub memory_size: i64,
    pub timeout: i64,
    pub variables: Vec<(String, String)>,
    /// The execution role's name; empty for none.
    pub role: String,
    pub status: String,
    pub add_time: String,
    pub mod_time: String,
}

/// A trigger of a function.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriggerRow {
    pub name: String,
    /// `mps`, `timer`, `cos`, …
    pub kind: String,
    pub desc: String,
    pub resource_id: String,
    pub bind_status: String,
    pub add_time: String,
    /// For an MPS trigger: `WorkflowTask` or `EditMediaTask`.
    pub event_type: Option<String>,
}

/// Whether a service role exists with its preset policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleStatus {
    pub name: String,
    pub policy: String,
    pub authorized: bool,
}

/// Which function holds an MPS event type (account-wide), as far as the console knows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MpsBinding {
    pub event_type: String,
    pub region: String,
    pub namespace: String,
    pub function_name: String,
}

/// One invocation in the log query.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogRow {
    pub request_id: String,
    pub start_time: String,
    /// 0 for success.
    pub ret_code: i64,
    pub ret_msg: String,
    pub duration_ms: f64,
    pub billed_ms: i64,
    pub memory_bytes: i64,
    pub log: String,
}

/// One page of the log query.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogPage {
    pub total: u64,
    pub items: Vec<LogRow>,
    /// The time range queried, as SCF takes it (`YYYY-MM-DD HH:MM:SS`, Beijing time).
    pub start: String,
    pub end: String,
}

/// An entry of the team's audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: i64,
    pub actor: String,
    /// An i18n key under `audit.`, e.g. `function_created`.
    pub action: String,
    pub target: String,
    pub region: String,
    /// The cloud's RequestId of the call that did it.
    pub request_id: String,
}
