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
    /// The execution role the template needs; empty for none.
    pub role: String,
    /// The environment variables its code reads.
    pub variables: Vec<String>,
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
    /// Earlier attempts at the same asynchronous event (0 for the first).
    pub retry_num: i64,
}

/// One page of the log query.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogPage {
    /// How many invocations match in all; `None` when the log service does not count them
    /// (CLS search, which Tencent Cloud accounts use).
    pub total: Option<u64>,
    /// Whether a next page has more.
    pub more: bool,
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

/// A page of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// Whether older entries follow.
    pub more: bool,
}

/// A function's entry file, as `GetFunction` with `ShowCode` gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionCode {
    /// The entry file's name, from the handler (`index.main_handler` → `index.js`).
    pub file: String,
    /// Empty when the cloud does not show it (entry files over 1 MB).
    pub content: String,
    /// Size of the code package in bytes.
    pub size: i64,
}

/// A COS bucket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketRow {
    /// `name-appid`.
    pub name: String,
    pub region: String,
    pub created: String,
}

/// An object in a listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRow {
    pub key: String,
    pub size: u64,
    pub modified: String,
}

/// One page of a bucket listing under a prefix, folders first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectPage {
    pub folders: Vec<String>,
    pub objects: Vec<ObjectRow>,
    /// The marker of the next page, when there is one.
    pub next_marker: Option<String>,
}

/// What the console shows of an object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectPreview {
    pub key: String,
    pub size: u64,
    pub content_type: String,
    /// `json`, `text`, `image` or `binary`.
    pub kind: String,
    /// The text (pretty-printed for JSON), for `json` and `text`.
    pub text: String,
    /// A `data:` URL, for `image`.
    pub data_url: String,
    /// The preview shows only the start of a larger object.
    pub truncated: bool,
}

/// An object a task wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputRef {
    pub bucket: String,
    pub region: String,
    /// Without the leading `/`.
    pub key: String,
}

/// An MPS task in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRow {
    pub task_id: String,
    /// `WorkflowTask` or `EditMediaTask`.
    pub task_type: String,
    /// `WAITING`, `PROCESSING` or `FINISH`.
    pub status: String,
    pub create_time: String,
    pub finish_time: String,
    /// The task's message (an error, or a note such as placeholder outputs).
    pub message: String,
    pub err_code: i64,
    pub outputs: Vec<OutputRef>,
}

/// One page of MPS tasks, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskPage {
    pub tasks: Vec<TaskRow>,
    /// The token of the next page; empty on the last.
    pub next: String,
}

/// Where the team is in the setup wizard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WizardState {
    /// 1 create the function, 2 add the MPS trigger, 3 test, 4 done.
    pub step: u8,
    pub rid: u32,
    pub namespace: String,
    pub function_name: String,
    /// The last test task started from the wizard; empty before one.
    pub task_id: String,
    /// The demo bucket of an emulator account (input video and results); empty otherwise.
    pub demo_bucket: String,
}
