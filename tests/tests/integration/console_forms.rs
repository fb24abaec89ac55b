//! The forms the console's pages send to list and create functions and to start an MPS
//! task, for the console tests: each starts from what the pages send and changes only what a
//! test is about.
use integration_tests::{Browser, Reply};

/// The template the console's MPS functions are made from.
pub const MPS_TEMPLATE: &str = "demo-nodejs89-mps-webhook";

/// `list_functions` as the Functions page sends it: the first page of region `rid`'s
/// `default` namespace, filtered by `search`.
pub async fn list_functions(b: &Browser, rid: &str, search: &str) -> Reply {
    b.call(
        "list_functions",
        &[
            ("rid", rid),
            ("ns", "default"),
            ("search", search),
            ("page", "1"),
        ],
    )
    .await
}

/// The names of the functions in Beijing's `default` namespace, as the Functions page
/// lists them.
pub async fn function_names(b: &Browser) -> Vec<String> {
    let r = list_functions(b, "8", "").await;
    assert_eq!(r.status, reqwest::StatusCode::OK, "{r:?}");
    r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|f| f["name"].as_str().map(str::to_owned))
        .collect()
}

/// `create_function`: a function in Beijing's `default` namespace from the MPS Webhook
/// template, 128 MB, 3 s.
pub struct NewFunction<'a> {
    name: &'a str,
    description: &'a str,
    variables: &'a str,
    role: &'a str,
}

impl<'a> NewFunction<'a> {
    /// Function `name` with no description, variables or execution role.
    pub fn named(name: &'a str) -> Self {
        Self {
            name,
            description: "",
            variables: "",
            role: "",
        }
    }

    pub fn description(self, description: &'a str) -> Self {
        Self {
            description,
            ..self
        }
    }

    /// `KEY=value` lines.
    pub fn variables(self, variables: &'a str) -> Self {
        Self { variables, ..self }
    }

    pub fn role(self, role: &'a str) -> Self {
        Self { role, ..self }
    }

    /// `b` sends the form.
    pub async fn send(&self, b: &Browser) -> Reply {
        b.call(
            "create_function",
            &[
                ("rid", "8"),
                ("ns", "default"),
                ("name", self.name),
                ("template_id", MPS_TEMPLATE),
                ("description", self.description),
                ("memory_size", "128"),
                ("timeout", "3"),
                ("variables", self.variables),
                ("role", self.role),
            ],
        )
        .await
    }
}

/// `start_mps_task`: a ProcessMedia workflow (transcode and snapshot) in Beijing, on an
/// object of a Beijing bucket, with the outputs in the same bucket.
pub struct MpsTask<'a> {
    bucket: &'a str,
    object: &'a str,
    output_dir: &'a str,
    transcode: bool,
    snapshot: bool,
}

impl<'a> MpsTask<'a> {
    /// The workflow on `object` of `bucket`, its outputs under `/output/`.
    pub fn workflow(bucket: &'a str, object: &'a str) -> Self {
        Self {
            bucket,
            object,
            output_dir: "/output/",
            transcode: true,
            snapshot: true,
        }
    }

    pub fn output_dir(self, output_dir: &'a str) -> Self {
        Self { output_dir, ..self }
    }

    /// Transcode only.
    pub fn without_snapshot(self) -> Self {
        Self {
            snapshot: false,
            ..self
        }
    }

    /// Neither transcode nor snapshot.
    pub fn without_task_types(self) -> Self {
        Self {
            transcode: false,
            snapshot: false,
            ..self
        }
    }

    /// `b` sends the form.
    pub async fn send(&self, b: &Browser) -> Reply {
        let flag = |on: bool| if on { "true" } else { "false" };
        b.call(
            "start_mps_task",
            &[
                ("rid", "8"),
                ("kind", "WorkflowTask"),
                ("input_bucket", self.bucket),
                ("input_region", "ap-beijing"),
                ("object", self.object),
                ("output_bucket", self.bucket),
                ("output_region", "ap-beijing"),
                ("output_dir", self.output_dir),
                ("transcode", flag(self.transcode)),
                ("snapshot", flag(self.snapshot)),
                ("clip_start", "0"),
                ("clip_end", "0"),
            ],
        )
        .await
    }
}

/// `function_logs` as the Log query tab sends it for MPSAnalysis in Beijing: the last
/// hour, every outcome, the first page.
pub struct LogQuery<'a> {
    range: &'a str,
    start: &'a str,
    end: &'a str,
    request_id: &'a str,
    keyword: &'a str,
    outcome: &'a str,
    page: &'a str,
}

impl<'a> LogQuery<'a> {
    /// The last hour, no filters.
    pub fn last_hour() -> Self {
        Self {
            range: "1h",
            start: "0",
            end: "0",
            request_id: "",
            keyword: "",
            outcome: "all",
            page: "1",
        }
    }

    /// A custom range, in unix seconds as the page sends them ("0" for an empty field).
    pub fn custom(start: &'a str, end: &'a str) -> Self {
        Self {
            range: "custom",
            start,
            end,
            ..Self::last_hour()
        }
    }

    pub fn request_id(self, request_id: &'a str) -> Self {
        Self { request_id, ..self }
    }

    pub fn keyword(self, keyword: &'a str) -> Self {
        Self { keyword, ..self }
    }

    pub fn outcome(self, outcome: &'a str) -> Self {
        Self { outcome, ..self }
    }

    pub fn page(self, page: &'a str) -> Self {
        Self { page, ..self }
    }

    /// `b` sends the query.
    pub async fn send(&self, b: &Browser) -> Reply {
        b.call(
            "function_logs",
            &[
                ("rid", "8"),
                ("ns", "default"),
                ("name", "MPSAnalysis"),
                ("range", self.range),
                ("start", self.start),
                ("end", self.end),
                ("request_id", self.request_id),
                ("keyword", self.keyword),
                ("outcome", self.outcome),
                ("page", self.page),
            ],
        )
        .await
    }
}
