//! SCF in the emulator through the project's client: namespaces, functions from the
//! template catalogue and from a zip, the validation rules and their error codes.
use serde_json::{json, Value};
use server::cloud::client::Call;

use integration_tests::api_error_code as code;
use integration_tests::TestEmulator as Cloud;

async fn emulator() -> Cloud {
    integration_tests::spawn_emulator().await
}

fn scf<'a>(action: &'a str, region: Option<&'a str>) -> Call<'a> {
    Call {
        service: "scf",
        version: "2018-04-16",
        action,
        region,
        idempotent: false,
    }
}

const MPS_DEMO: &str = "demo-nodejs89-mps-webhook";

#[tokio::test]
async fn list_functions_pages_and_counts() {
    let c = emulator().await;
    for (name, runtime) in [
        ("Alpha", "Nodejs8.9"),
        ("Beta", "Nodejs8.9"),
        ("Gamma", "Nodejs12.16"),
    ] {
        c.call(
            "scf",
            "CreateFunction",
            json!({"FunctionName": name, "Runtime": runtime, "Code": {"DemoId": MPS_DEMO}, "Role": "SCF_QcsRole"}),
        )
        .await
        .expect("CreateFunction");
    }
    let page = |params: Value| {
        let c = &c;
        async move {
            let r = c.call("scf", "ListFunctions", params).await.expect("list");
            let names: Vec<String> = r["Functions"]
                .as_array()
                .expect("Functions")
                .iter()
                .map(|f| f["FunctionName"].as_str().unwrap_or_default().to_owned())
                .collect();
            (r["TotalCount"].as_i64(), names)
        }
    };
    let by_name = |offset: i64| json!({"Orderby": "FunctionName", "Order": "ASC", "Limit": 2, "Offset": offset});
    assert_eq!(
        page(by_name(0)).await,
        (Some(3), vec!["Alpha".into(), "Beta".into()])
    );
    assert_eq!(page(by_name(2)).await, (Some(3), vec!["Gamma".to_owned()]));
    // Past the end: no rows, the total still counted.
    assert_eq!(page(by_name(9)).await, (Some(3), vec![]));
    assert_eq!(
        page(json!({"SearchKey": "amm"})).await,
        (Some(1), vec!["Gamma".to_owned()])
    );
    assert_eq!(page(json!({"SearchKey": "zzz"})).await, (Some(0), vec![]));
    // Filters, as far as these functions have the fields; what none has matches nothing.
    let filtered = |name: &str, values: &[&str]| json!({"Orderby": "FunctionName", "Order": "ASC", "Filters": [{"Name": name, "Values": values}]});
    assert_eq!(
        page(filtered("Runtime", &["Nodejs12.16", "Python3.6"])).await,
        (Some(1), vec!["Gamma".to_owned()])
    );
    assert_eq!(page(filtered("Role", &["SCF_QcsRole"])).await.0, Some(3));
    assert_eq!(page(filtered("Role", &["Other"])).await.0, Some(0));
    assert_eq!(page(filtered("VpcId", &["vpc-1"])).await.0, Some(0));
    assert_eq!(
        page(filtered("AsyncRunEnable", &["FALSE"])).await.0,
        Some(3)
    );
    for params in [
        filtered("Bogus", &["x"]),
        filtered("Role", &["a", "b"]),
        filtered("Runtime", &[]),
        json!({"Filters": vec![json!({"Name": "Runtime", "Values": ["Nodejs8.9"]}); 11]}),
    ] {
        assert_eq!(
            code(c.call("scf", "ListFunctions", params.clone()).await),
            "InvalidParameterValue.Filters",
            "{params}"
        );
    }
    let missing = c
        .call("scf", "ListFunctions", json!({"Namespace": "nope"}))
        .await;
    assert_eq!(code(missing), "ResourceNotFound.Namespace");
}

#[tokio::test]
async fn a_function_from_the_mps_template_becomes_active() {
    let c = emulator().await;
    let ns = c
        .call("scf", "ListNamespaces", json!({}))
        .await
        .expect("namespaces");
    assert_eq!(ns["Namespaces"][0]["Name"], "default");
    let empty = c
        .call("scf", "ListFunctions", json!({"Namespace": "default"}))
        .await
        .expect("list");
    assert_eq!(empty["TotalCount"], 0);

    c.call(
        "scf",
        "CreateFunction",
        json!({
            "FunctionName": "MPSAnalysis", "Namespace": "default", "Runtime": "Nodejs8.9",
            "Handler": "index.main_handler", "MemorySize": 128, "Timeout": 3,
            "CodeSource": "Demo", "Code": {"DemoId": MPS_DEMO}, "Type": "Event",
            "Environment": {"Variables": [{"Key": "COS_BUCKET", "Value": "mps-out-1250000001"}]},
        }),
    )
    .await
    .expect("CreateFunction");
    let get = || async {
        c.call("scf", "GetFunction", json!({"FunctionName": "MPSAnalysis"}))
            .await
            .expect("get")
    };
    let update = |changes: Value| {
        let mut params = json!({"FunctionName": "MPSAnalysis"});
        params
            .as_object_mut()
            .expect("object")
            .extend(changes.as_object().expect("object").clone());
        c.call("scf", "UpdateFunctionConfiguration", params)
    };
    let f = get().await;
    assert_eq!(f["Status"], "Creating", "creation is asynchronous");
    // The version $LATEST and the alias $DEFAULT exist; no other.
    for qualifier in ["$LATEST", "$DEFAULT"] {
        let q = json!({"FunctionName": "MPSAnalysis", "Qualifier": qualifier});
        assert!(c.call("scf", "GetFunction", q).await.is_ok(), "{qualifier}");
    }
    let q = json!({"FunctionName": "MPSAnalysis", "Qualifier": "3"});
    assert_eq!(
        code(c.call("scf", "GetFunction", q).await),
        "ResourceNotFound.Qualifier"
    );
    assert_eq!(f["Runtime"], "Nodejs8.9");
    assert_eq!(f["Handler"], "index.main_handler");
    assert_eq!(f["Environment"]["Variables"][0]["Key"], "COS_BUCKET");
    assert!(f["FunctionId"].as_str().unwrap().starts_with("lam-"));
    let busy = update(json!({"Timeout": 10})).await;
    assert_eq!(code(busy), "FailedOperation.FunctionStatusError");

    c.wait_active("MPSAnalysis").await;
    update(json!({"Timeout": 10, "MemorySize": 256}))
        .await
        .expect("update");
    let f = get().await;
    assert_eq!(
        (f["Timeout"].as_i64(), f["MemorySize"].as_i64()),
        (Some(10), Some(256))
    );
    // A null Environment is no change; the variables stay.
    update(json!({"Environment": null})).await.expect("update");
    let f = get().await;
    assert_eq!(f["Environment"]["Variables"][0]["Key"], "COS_BUCKET", "{f}");
    // Not deleted while it is being created.
    c.call(
        "scf",
        "CreateFunction",
        json!({"FunctionName": "Fresh", "Runtime": "Nodejs8.9", "Code": {"DemoId": MPS_DEMO}}),
    )
    .await
    .expect("create");
    let early = c
        .call("scf", "DeleteFunction", json!({"FunctionName": "Fresh"}))
        .await;
    assert_eq!(code(early), "FailedOperation.FunctionStatusError");

    let dup = c.call("scf", "CreateFunction", json!({"FunctionName": "MPSAnalysis", "Runtime": "Nodejs8.9", "Code": {"DemoId": MPS_DEMO}})).await;
    assert_eq!(code(dup), "ResourceInUse.FunctionName");

    // Functions are per region.
    let elsewhere: Value = c
        .client
        .call(
            &c.creds,
            scf("ListFunctions", Some("ap-guangzhou")),
            &json!({}),
        )
        .await
        .expect("list");
    assert_eq!(elsewhere["TotalCount"], 0);
    let listed = c
        .call("scf", "ListFunctions", json!({"SearchKey": "mpsana"}))
        .await
        .expect("search");
    assert_eq!(listed["TotalCount"], 1);
    assert_eq!(listed["Functions"][0]["FunctionName"], "MPSAnalysis");

    c.call(
        "scf",
        "DeleteFunction",
        json!({"FunctionName": "MPSAnalysis"}),
    )
    .await
    .expect("delete");
    let gone = c
        .call("scf", "GetFunction", json!({"FunctionName": "MPSAnalysis"}))
        .await;
    assert_eq!(code(gone), "ResourceNotFound.FunctionName");
}

#[tokio::test]
async fn create_trigger_refuses_what_the_emulator_does_not_run() {
    let c = emulator().await;
    let base =
        json!({"FunctionName": "Timed", "Runtime": "Nodejs8.9", "Code": {"DemoId": MPS_DEMO}});
    c.call("scf", "CreateFunction", base).await.expect("create");
    let trigger = |kind: &str| json!({"FunctionName": "Timed", "TriggerName": "t", "Type": kind, "TriggerDesc": "0 */5 * * * * *"});
    for (params, expected) in [
        (trigger("timer"), "UnsupportedOperation.Trigger"),
        (trigger("mps"), "InvalidParameterValue.Type"),
        (
            json!({"FunctionName": "Timed", "TriggerName": "t", "Type": "timer", "Enable": "MAYBE"}),
            "InvalidParameterValue.Enable",
        ),
        (
            json!({"FunctionName": "Timed", "Type": "timer"}),
            "MissingParameter",
        ),
        (
            json!({"FunctionName": "Nope", "TriggerName": "t", "Type": "timer"}),
            "ResourceNotFound.FunctionName",
        ),
    ] {
        assert_eq!(
            code(c.call("scf", "CreateTrigger", params.clone()).await),
            expected,
            "{params}"
        );
    }
    let listed = c
        .call("scf", "ListTriggers", json!({"FunctionName": "Timed"}))
        .await
        .expect("list");
    assert_eq!(listed["TotalCount"], 0, "nothing was created");
}

#[tokio::test]
async fn scf_enforces_the_real_rules() {
    let c = emulator().await;
    let base =
        json!({"FunctionName": "Good", "Runtime": "Nodejs8.9", "Code": {"DemoId": MPS_DEMO}});
    let with = |k: &str, v: Value| {
        let mut p = base.clone();
        p[k] = v;
        p
    };
    let cases = [
        (
            with("FunctionName", json!("1bad")),
            "InvalidParameterValue.FunctionName",
        ),
        (
            with("FunctionName", json!("bad-")),
            "InvalidParameterValue.FunctionName",
        ),
        (
            with("Runtime", json!("Nodejs99")),
            "InvalidParameterValue.Runtime",
        ),
        (
            with("Handler", json!("index")),
            "InvalidParameterValue.Handler",
        ),
        (
            with("MemorySize", json!(100)),
            "InvalidParameterValue.Memory",
        ),
        (with("Timeout", json!(901)), "LimitExceeded.Timeout"),
        // Valid base64, not a zip: refused at once rather than at the first Invoke.
        (
            with("Code", json!({"ZipFile": "AAAA"})),
            "InvalidParameterValue.Code",
        ),
        (
            with("Description", json!("x".repeat(1001))),
            "InvalidParameterValue.Description",
        ),
        (
            with(
                "Environment",
                json!({"Variables": [{"Key": "SCF_X", "Value": "1"}]}),
            ),
            "InvalidParameterValue.EnvironmentSystemProtect",
        ),
        // NODE_OPTIONS would let a variable load code into the runtime.
        (
            with(
                "Environment",
                json!({"Variables": [{"Key": "NODE_OPTIONS", "Value": "--import=x"}]}),
            ),
            "InvalidParameterValue.EnvironmentSystemProtect",
        ),
        (
            with(
                "Environment",
                json!({"Variables": [{"Key": "1KEY", "Value": "v"}]}),
            ),
            "InvalidParameterValue.Environment",
        ),
        (
            with(
                "Environment",
                json!({"Variables": [{"Key": "A", "Value": "1"}, {"Key": "A", "Value": "2"}]}),
            ),
            "InvalidParameterValue.Environment",
        ),
        (
            with("Role", json!("bad role!")),
            "InvalidParameterValue.Role",
        ),
        (
            with("Code", json!({"DemoId": "no-such-demo"})),
            "InvalidParameterValue.DemoId",
        ),
        (
            with("Code", json!({"ZipFile": "***"})),
            "InvalidParameterValue.Code",
        ),
        (with("Code", json!({})), "MissingParameter.Code"),
        (
            with("Namespace", json!("nope")),
            "ResourceNotFound.Namespace",
        ),
        (with("MemorySize", json!("big")), "InvalidParameter"),
        (
            json!({"Runtime": "Nodejs8.9", "Code": {"DemoId": MPS_DEMO}}),
            "MissingParameter",
        ),
    ];
    for (params, expected) in cases {
        assert_eq!(
            code(c.call("scf", "CreateFunction", params.clone()).await),
            expected,
            "{params}"
        );
    }
    assert_eq!(
        code(c.call("scf", "ListFunctions", json!({"Limit": 0})).await),
        "InvalidParameterValue.Limit"
    );
    assert_eq!(
        code(
            c.call("scf", "ListFunctions", json!({"Order": "sideways"}))
                .await
        ),
        "InvalidParameterValue.Order"
    );
    let no_region = c
        .client
        .call::<Value>(&c.creds, scf("ListFunctions", None), &json!({}))
        .await;
    assert_eq!(code(no_region), "MissingParameter");
    let bad_region = c
        .client
        .call::<Value>(&c.creds, scf("ListFunctions", Some("mars-1")), &json!({}))
        .await;
    assert_eq!(code(bad_region), "UnsupportedRegion");
    let none = c
        .call("scf", "ListFunctions", json!({}))
        .await
        .expect("list");
    assert_eq!(none["TotalCount"], 0, "no invalid function was created");

    // A zip upload is accepted as code.
    c.call("scf", "CreateFunction", json!({"FunctionName": "Zipped", "Runtime": "Nodejs8.9", "Code": {"ZipFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}))
        .await
        .expect("zip function");
}

#[tokio::test]
async fn namespaces_are_created_described_and_deleted_when_empty() {
    let c = emulator().await;
    c.call(
        "scf",
        "CreateNamespace",
        json!({"Namespace": "media-dev", "Description": "Trials"}),
    )
    .await
    .expect("CreateNamespace");
    let listed = c
        .call("scf", "ListNamespaces", json!({}))
        .await
        .expect("ListNamespaces");
    assert_eq!(listed["TotalCount"], 2, "{listed}");
    assert_eq!(listed["Namespaces"][1]["Name"], "media-dev");
    assert_eq!(listed["Namespaces"][1]["Description"], "Trials");
    c.call(
        "scf",
        "UpdateNamespace",
        json!({"Namespace": "media-dev", "Description": "Trials, again"}),
    )
    .await
    .expect("UpdateNamespace");
    let listed = c
        .call("scf", "ListNamespaces", json!({"Offset": 1}))
        .await
        .expect("ListNamespaces");
    assert_eq!(listed["Namespaces"][0]["Description"], "Trials, again");

    // A function lives in it: the namespace stays until the function goes.
    c.call("scf", "CreateFunction", json!({"FunctionName": "InDev", "Namespace": "media-dev", "Runtime": "Nodejs8.9", "Code": {"DemoId": MPS_DEMO}}))
        .await
        .expect("CreateFunction");
    let in_use = c
        .call("scf", "DeleteNamespace", json!({"Namespace": "media-dev"}))
        .await;
    assert_eq!(code(in_use), "ResourceInUse.Namespace");
    let functions = c
        .call("scf", "ListFunctions", json!({"Namespace": "media-dev"}))
        .await
        .expect("ListFunctions");
    assert_eq!(functions["TotalCount"], 1, "nothing was deleted");
    for _ in 0..50 {
        let f = c
            .call(
                "scf",
                "GetFunction",
                json!({"FunctionName": "InDev", "Namespace": "media-dev"}),
            )
            .await
            .expect("GetFunction");
        if f["Status"] == "Active" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    c.call(
        "scf",
        "DeleteFunction",
        json!({"FunctionName": "InDev", "Namespace": "media-dev"}),
    )
    .await
    .expect("DeleteFunction");
    c.call("scf", "DeleteNamespace", json!({"Namespace": "media-dev"}))
        .await
        .expect("DeleteNamespace");
    let gone = c
        .call("scf", "ListFunctions", json!({"Namespace": "media-dev"}))
        .await;
    assert_eq!(code(gone), "ResourceNotFound.Namespace");

    for (action, params, expected) in [
        (
            "CreateNamespace",
            json!({"Namespace": "default"}),
            "ResourceInUse.Namespace",
        ),
        (
            "CreateNamespace",
            json!({"Namespace": "bad name"}),
            "InvalidParameterValue.Namespace",
        ),
        ("CreateNamespace", json!({}), "MissingParameter"),
        (
            "CreateNamespace",
            json!({"Namespace": "ok", "Description": "<b>"}),
            "InvalidParameterValue.Description",
        ),
        (
            "UpdateNamespace",
            json!({"Namespace": "nope", "Description": "x"}),
            "ResourceNotFound.Namespace",
        ),
        (
            "UpdateNamespace",
            json!({"Namespace": "default"}),
            "MissingParameter",
        ),
        (
            "DeleteNamespace",
            json!({"Namespace": "default"}),
            "FailedOperation.DeleteNamespace",
        ),
        (
            "DeleteNamespace",
            json!({"Namespace": "nope"}),
            "ResourceNotFound.Namespace",
        ),
    ] {
        let refused = c.call("scf", action, params.clone()).await;
        assert_eq!(code(refused), expected, "{action} {params}");
    }
    // At most 20 per region, `default` included.
    for i in 1..20 {
        c.call(
            "scf",
            "CreateNamespace",
            json!({"Namespace": format!("ns-{i}")}),
        )
        .await
        .expect("CreateNamespace");
    }
    let full = c
        .call("scf", "CreateNamespace", json!({"Namespace": "one-more"}))
        .await;
    assert_eq!(code(full), "LimitExceeded.Namespace");
}
