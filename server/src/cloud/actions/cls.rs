//! CLS (2020-10-16): searching the log topic SCF writes function logs to.
use serde::{Deserialize, Serialize};

use super::{null_as_default, Api};
use crate::cloud::error::CloudError;

const VERSION: &str = "2020-10-16";

/// `SearchLog`, paged by `Offset` (at most 1,000 lines a call).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SearchLogRequest {
    pub topic_id: String,
    /// Unix ms.
    pub from: i64,
    pub to: i64,
    /// A CQL statement (`QuerySyntax` 1).
    pub query_string: String,
    pub query_syntax: u8,
    pub limit: u32,
    pub offset: u32,
    /// `asc` or `desc`.
    pub sort: String,
}

/// A log line found.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogInfo {
    /// Unix ms.
    #[serde(default)]
    pub time: i64,
    /// The line's fields as a JSON object, serialized.
    #[serde(default, deserialize_with = "null_as_default")]
    pub log_json: String,
}

/// `SearchLog`'s answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SearchLogResponse {
    /// Whether no line follows these.
    #[serde(default)]
    pub list_over: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub results: Vec<LogInfo>,
    pub request_id: String,
}

impl Api<'_> {
    /// `SearchLog`.
    ///
    /// # Errors
    /// API or transport errors.
    pub async fn search_log(
        &self,
        req: &SearchLogRequest,
    ) -> Result<SearchLogResponse, CloudError> {
        self.call("cls", VERSION, "SearchLog", true, true, req)
            .await
    }
}
