//! Errors and parameter reading shared by the emulated services.
use cloud_wire::ParamKind;
use serde_json::Value;

/// An API error as the cloud reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    /// The message for `X-TC-Language: zh-CN`, for the errors a console user meets; the
    /// others answer in English whatever the header asks.
    pub message_zh: Option<String>,
}

impl ApiError {
    /// An error with `code` and `message`.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            message_zh: None,
        }
    }

    /// The same error with its Chinese message.
    pub fn zh(mut self, message: impl Into<String>) -> Self {
        self.message_zh = Some(message.into());
        self
    }

    /// The message in the language asked for (`zh-CN` or anything else).
    pub fn message_in(&self, chinese: bool) -> &str {
        match &self.message_zh {
            Some(zh) if chinese => zh,
            _ => &self.message,
        }
    }

    /// The emulator's own storage failed.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "emulator internal error");
        Self::new(
            "InternalError",
            "An internal error has occurred. Retry your request.",
        )
        .zh("内部错误，请重试。")
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        ApiError::internal(err)
    }
}

impl From<cloud_wire::WireError> for ApiError {
    fn from(err: cloud_wire::WireError) -> Self {
        use cloud_wire::WireError as W;
        let zh = match err {
            W::SecretIdNotFound => Some("SecretId不存在，请输入正确的密钥。"),
            W::SignatureFailure => Some("请求签名验证失败，请检查您的签名计算是否正确。"),
            W::SignatureExpire { .. } => Some("签名过期，请求时间戳与服务器时间相差超过五分钟。"),
            _ => None,
        };
        let error = ApiError::new(err.code(), err.to_string());
        match zh {
            Some(zh) => error.zh(zh),
            None => error,
        }
    }
}

/// The `X-TC-Region` of a call to a regional service: required, and one where `service`
/// runs (`available`).
pub fn service_region<'a>(
    ctx: &'a super::verify::CallContext,
    service: &str,
    available: impl Fn(&str) -> bool,
) -> Result<&'a str, ApiError> {
    let region = ctx.region.as_deref().ok_or_else(|| {
        ApiError::new(
            "MissingParameter",
            "The request is missing the Region parameter.",
        )
    })?;
    if available(region) {
        Ok(region)
    } else {
        Err(ApiError::new(
            "UnsupportedRegion",
            format!("{service} is not available in region {region}."),
        ))
    }
}

/// The request body as a JSON object (`{}` when empty); see [`cloud_wire::parse_params`].
pub fn parse_params(body: &[u8]) -> Result<Value, ApiError> {
    Ok(cloud_wire::parse_params(body)?)
}

/// A GET's query as the same JSON object; see [`cloud_wire::parse_query_params`].
pub fn parse_query_params(query: &str) -> Result<Value, ApiError> {
    Ok(cloud_wire::parse_query_params(query, param_kind)?)
}

/// The type of an emulated action's parameter, by name: the models use each of these
/// names with one type in every action here (list items are typed by the list's name).
/// The rest are text.
fn param_kind(name: &str) -> ParamKind {
    match name {
        // SCF, CAM, MPS and CLS paging; SCF sizes; CAM role and policy numbers.
        "Offset" | "Limit" | "Page" | "Rp" | "MemorySize" | "Timeout" | "ConsoleLogin"
        | "SessionDuration" | "PolicyId"
        // MPS templates, priorities, workflows and time offsets (seconds).
        | "Definition" | "TaskPriority" | "TasksPriority" | "WorkflowId" | "WorkflowIds"
        | "StartTimeOffset" | "EndTimeOffset" | "TimeOffsetSet"
        // CLS SearchLog: Unix ms, syntax numbers, sampling.
        | "From" | "To" | "QuerySyntax" | "SyntaxRule" | "SamplingRate" => ParamKind::Number,
        "SubTaskHasFailed" | "UseNewAnalysis" | "HighLight" => ParamKind::Bool,
        _ => ParamKind::Text,
    }
}

/// An optional string parameter; a value of another type is an error.
pub fn opt_str<'a>(params: &'a Value, name: &str) -> Result<Option<&'a str>, ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::new(
            "InvalidParameter",
            format!("The parameter {name} must be a string."),
        )),
    }
}

/// A required string parameter.
pub fn req_str<'a>(params: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    opt_str(params, name)?.ok_or_else(|| {
        ApiError::new(
            "MissingParameter",
            format!("The request is missing a required parameter `{name}`."),
        )
    })
}

/// An optional integer parameter.
pub fn opt_i64(params: &Value, name: &str) -> Result<Option<i64>, ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| {
            ApiError::new(
                "InvalidParameter",
                format!("The parameter {name} must be an integer."),
            )
        }),
    }
}

/// The total count of `rows` and the page `offset..offset + limit` of them as JSON
/// (rows `to_json` skips are dropped from the page).
pub fn page_json<T>(
    rows: Vec<T>,
    offset: i64,
    limit: i64,
    to_json: impl FnMut(T) -> Option<Value>,
) -> (usize, Vec<Value>) {
    let total = rows.len();
    let page = rows
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(0))
        .take(usize::try_from(limit).unwrap_or(0))
        .filter_map(to_json)
        .collect();
    (total, page)
}

/// ISO 8601 in UTC to the second (`2019-07-16T06:21:27Z`), as MPS writes times.
pub fn iso_time(t: time::OffsetDateTime) -> String {
    date_time(t.to_offset(time::UtcOffset::UTC), 'T', "Z")
}

/// `YYYY-MM-DD HH:MM:SS` in Beijing time, as the console APIs print times.
pub fn cloud_time(t: time::OffsetDateTime) -> String {
    let beijing = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    date_time(t.to_offset(beijing), ' ', "")
}

/// `YYYY-MM-DD<sep>HH:MM:SS<suffix>` of `t` as it is (convert the offset first).
pub fn date_time(t: time::OffsetDateTime, sep: char, suffix: &str) -> String {
    format!(
        "{:04}-{:02}-{:02}{sep}{:02}:{:02}:{:02}{suffix}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_params() {
        assert_eq!(parse_params(b"").expect("empty is {}"), json!({}));
        assert!(parse_params(b"[1]").is_err());
        let err = parse_params(b"{not json").expect_err("not json");
        assert_eq!(
            err,
            ApiError::new(
                "InvalidParameter",
                "The request body is not a valid JSON object."
            )
        );
        let p = json!({"A": "x", "N": 3, "B": 1});
        assert_eq!(req_str(&p, "A"), Ok("x"));
        assert_eq!(
            req_str(&p, "Z").expect_err("missing").code,
            "MissingParameter"
        );
        assert_eq!(
            opt_str(&p, "B").expect_err("wrong type").code,
            "InvalidParameter"
        );
        assert_eq!(opt_i64(&p, "N"), Ok(Some(3)));
    }

    #[test]
    fn times_are_beijing() {
        let t = time::OffsetDateTime::from_unix_timestamp(0).expect("epoch");
        assert_eq!(cloud_time(t), "1970-01-01 08:00:00");
    }
}
