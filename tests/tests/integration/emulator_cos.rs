//! COS in the emulator: q-sign-signed bucket and object calls, listing, errors, and the
//! MPS Webhook template storing its task summary there.
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use server::cloud::client::Call;
use server::cloud::sign::{cos_sign, CosRequest};

use integration_tests::TestEmulator;

struct Cos<'a> {
    emu: &'a TestEmulator,
    http: reqwest::Client,
}

impl Cos<'_> {
    /// A signed COS request; `path` is the object path (`/key`, or `/` for the bucket).
    async fn send(
        &self,
        method: Method,
        bucket: &str,
        path: &str,
        query: &[(&str, &str)],
        body: Vec<u8>,
        key: &str,
    ) -> (StatusCode, String) {
        let res = self
            .send_with(method, bucket, path, query, body, key, &[])
            .await;
        let status = res.status();
        (status, res.text().await.expect("body"))
    }

    /// [`Cos::send`] with unsigned `extra` headers, answering the whole response.
    #[allow(clippy::too_many_arguments)]
    async fn send_with(
        &self,
        method: Method,
        bucket: &str,
        path: &str,
        query: &[(&str, &str)],
        body: Vec<u8>,
        key: &str,
        extra: &[(&str, &str)],
    ) -> reqwest::Response {
        let host = format!("{bucket}.cos.ap-beijing.myqcloud.com");
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let key_time = format!("{};{}", now - 10, now + 600);
        let sig = cos_sign(
            key,
            &CosRequest {
                method: method.as_str(),
                path,
                params: query,
                headers: &[("host", &host)],
                key_time: &key_time,
            },
        );
        let url = if bucket.is_empty() {
            format!("{}/cos", self.emu.base)
        } else if path == "/" {
            format!("{}/cos/{bucket}", self.emu.base)
        } else {
            format!(
                "{}/cos/{bucket}{}",
                self.emu.base,
                path.split('/')
                    .map(server::cloud::sign::url_encode)
                    .collect::<Vec<_>>()
                    .join("/")
            )
        };
        let qs: Vec<String> = query
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    server::cloud::sign::url_encode(k),
                    server::cloud::sign::url_encode(v)
                )
            })
            .collect();
        let url = if qs.is_empty() {
            url
        } else {
            format!("{url}?{}", qs.join("&"))
        };
        let mut request = self.http.request(method, url).header("host", host).header(
            "authorization",
            sig.authorization(&self.emu.account.secret_id, &key_time),
        );
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        request
            .body(body)
            .send()
            .await
            .expect("reaches the emulator")
    }
}

#[tokio::test]
async fn buckets_and_objects_round_trip() {
    let emu = integration_tests::spawn_emulator().await;
    let cos = Cos {
        emu: &emu,
        http: reqwest::Client::new(),
    };
    let key = emu.account.secret_key.clone();
    let bucket = format!("mps-out-{}", emu.account.app_id);

    let (s, body) = cos
        .send(Method::PUT, "wrong-1", "/", &[], vec![], &key)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("<Code>InvalidBucketName</Code>"));
    assert_eq!(
        cos.send(Method::PUT, &bucket, "/", &[], vec![], &key)
            .await
            .0,
        StatusCode::OK
    );
    let (s, body) = cos.send(Method::PUT, &bucket, "/", &[], vec![], &key).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");

    for name in [
        "a/1.json",
        "a/2.json",
        "b/3.json",
        "top.txt",
        "视频/封面.jpg",
    ] {
        let (s, _) = cos
            .send(
                Method::PUT,
                &bucket,
                &format!("/{name}"),
                &[],
                name.as_bytes().to_vec(),
                &key,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{name}");
    }
    let (s, body) = cos
        .send(Method::GET, &bucket, "/视频/封面.jpg", &[], vec![], &key)
        .await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "视频/封面.jpg"));
    let (s, body) = cos
        .send(Method::GET, &bucket, "/", &[("prefix", "a/")], vec![], &key)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        body.contains("<Key>a/1.json</Key>")
            && body.contains("<Key>a/2.json</Key>")
            && !body.contains("b/3.json"),
        "{body}"
    );
    let (_, body) = cos
        .send(
            Method::GET,
            &bucket,
            "/",
            &[("delimiter", "/")],
            vec![],
            &key,
        )
        .await;
    assert!(
        body.contains("<CommonPrefixes><Prefix>a/</Prefix></CommonPrefixes>"),
        "{body}"
    );
    assert!(
        body.contains("<Key>top.txt</Key>") && !body.contains("<Key>a/1.json</Key>"),
        "{body}"
    );
    let (_, body) = cos
        .send(
            Method::GET,
            &bucket,
            "/",
            &[("max-keys", "2")],
            vec![],
            &key,
        )
        .await;
    assert!(
        body.contains("<IsTruncated>true</IsTruncated>")
            && body.contains("<NextMarker>a/2.json</NextMarker>"),
        "{body}"
    );
    let (_, body) = cos.send(Method::GET, "", "/", &[], vec![], &key).await;
    assert!(
        body.contains(&format!(
            "<Name>{bucket}</Name><Location>ap-beijing</Location>"
        )),
        "{body}"
    );

    assert_eq!(
        cos.send(Method::DELETE, &bucket, "/top.txt", &[], vec![], &key)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let (s, body) = cos
        .send(Method::GET, &bucket, "/top.txt", &[], vec![], &key)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(
        body.contains("<Code>NoSuchKey</Code>") && body.contains("<RequestId>"),
        "{body}"
    );
    let (s, body) = cos
        .send(Method::GET, &bucket, "/a/1.json", &[], vec![], "wrong-key")
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        body.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{body}"
    );
    let (s, body) = cos
        .send(Method::GET, "ghost-1250000999", "/x", &[], vec![], &key)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    let unsigned = reqwest::get(format!("{}/cos/{bucket}/a/1.json", emu.base))
        .await
        .unwrap();
    assert_eq!(unsigned.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_mps_template_stores_its_summary_in_cos() {
    let emu = integration_tests::spawn_emulator().await;
    let cos = Cos {
        emu: &emu,
        http: reqwest::Client::new(),
    };
    let key = emu.account.secret_key.clone();
    let bucket = format!("mps-out-{}", emu.account.app_id);
    assert_eq!(
        cos.send(Method::PUT, &bucket, "/", &[], vec![], &key)
            .await
            .0,
        StatusCode::OK
    );

    let scf = |action: &'static str| Call {
        service: "scf",
        version: "2018-04-16",
        action,
        region: Some("ap-beijing"),
        idempotent: false,
    };
    // The execution role gives the function its temporary keys, once it exists in CAM.
    let trust = r#"{"version":"2.0","statement":[{"action":"name/sts:AssumeRole","effect":"allow","principal":{"service":"scf.qcloud.com"}}]}"#;
    emu.call(
        "cam",
        "CreateRole",
        json!({"RoleName": "SCF_QcsRole", "PolicyDocument": trust}),
    )
    .await
    .expect("CreateRole");
    let env = json!({"Variables": [{"Key": "COS_BUCKET", "Value": bucket}, {"Key": "COS_REGION", "Value": "ap-beijing"}]});
    let _: Value = emu
        .client
        .call(&emu.creds, scf("CreateFunction"), &json!({"FunctionName": "MPSAnalysis", "Runtime": "Nodejs8.9", "Role": "SCF_QcsRole", "Environment": env, "Code": {"DemoId": "demo-nodejs89-mps-webhook"}}))
        .await
        .expect("CreateFunction");
    tokio::time::sleep(Duration::from_millis(900)).await;
    let event = json!({"EventType": "EditMediaTask", "EditMediaTaskEvent": {"TaskId": "1250000001-EditMediaTask-abc123t0", "Status": "FINISH", "ErrCode": 0, "Message": "SUCCESS",
        "Input": {"FileInfoSet": []}, "Output": {"OutputStorage": {"Type": "COS", "CosOutputStorage": {"Bucket": bucket, "Region": "ap-beijing"}}, "Path": "/clip/joined.mp4"}}});
    // Runs the function on the event: its answer and the summary key it returned.
    let invoke = || async {
        let r: Value = emu
            .client
            .call(
                &emu.creds,
                scf("Invoke"),
                &json!({"FunctionName": "MPSAnalysis", "ClientContext": event.to_string()}),
            )
            .await
            .expect("Invoke");
        assert_eq!(r["Result"]["InvokeResult"], 0, "{}", r["Result"]["Log"]);
        let ret: Value = serde_json::from_str(r["Result"]["RetMsg"].as_str().unwrap()).unwrap();
        let key = ret["SummaryKey"]
            .as_str()
            .expect("a summary key")
            .to_owned();
        (r, key)
    };
    let (r, summary_key) = invoke().await;
    assert!(
        summary_key.starts_with("mps-callback/")
            && summary_key.ends_with("-1250000001-EditMediaTask-abc123t0.json"),
        "{summary_key}"
    );

    let (s, body) = cos
        .send(
            Method::GET,
            &bucket,
            &format!("/{summary_key}"),
            &[],
            vec![],
            &key,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let summary: Value = serde_json::from_str(&body).expect("the summary is JSON");
    assert_eq!(summary["TaskId"], "1250000001-EditMediaTask-abc123t0");
    assert_eq!(summary["Outputs"][0]["Paths"][0], "/clip/joined.mp4");
    assert!(r["Result"]["Log"]
        .as_str()
        .unwrap()
        .contains(&format!("summary stored: cos://{bucket}/{summary_key}")));
    // The key's time is the function's: UTC, as SCF runs functions, whatever this
    // machine's zone is.
    assert_key_time(&summary_key, 0);

    // A TZ variable changes it: Beijing time, as the console shows times.
    let env = json!({"Variables": [{"Key": "COS_BUCKET", "Value": bucket}, {"Key": "COS_REGION", "Value": "ap-beijing"}, {"Key": "TZ", "Value": "Asia/Shanghai"}]});
    let _: Value = emu
        .client
        .call(
            &emu.creds,
            scf("UpdateFunctionConfiguration"),
            &json!({"FunctionName": "MPSAnalysis", "Environment": env}),
        )
        .await
        .expect("UpdateFunctionConfiguration");
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_key_time(&invoke().await.1, 8);
}

/// `mps-callback/YYYY/MM/DD/HHMMSS-…` holds the time of about now at UTC+`hours`.
fn assert_key_time(key: &str, hours: i8) {
    let stamp = key
        .strip_prefix("mps-callback/")
        .and_then(|k| k.get(..17))
        .expect("a dated key");
    let n =
        |range: std::ops::Range<usize>| -> u16 { stamp[range].parse().expect("digits in the key") };
    let month = time::Month::try_from(n(5..7) as u8).expect("a month");
    let written = time::PrimitiveDateTime::new(
        time::Date::from_calendar_date(i32::from(n(0..4)), month, n(8..10) as u8).expect("a date"),
        time::Time::from_hms(n(11..13) as u8, n(13..15) as u8, n(15..17) as u8).expect("a time"),
    );
    let offset = time::UtcOffset::from_hms(hours, 0, 0).expect("an offset");
    let now = time::OffsetDateTime::now_utc().to_offset(offset);
    let now = time::PrimitiveDateTime::new(now.date(), now.time());
    assert!(
        (now - written).whole_seconds().abs() < 120,
        "{key}: not UTC+{hours} ({now})"
    );
}

#[tokio::test]
async fn large_objects_round_trip() {
    let emu = integration_tests::spawn_emulator().await;
    let bucket = emu.create_bucket("big").await;
    let cos = emu.cos();
    // 20 MB: more than axum's default body limit, well under the emulator's.
    let body: Vec<u8> = (0..20 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    cos.put_object(&bucket, "ap-beijing", "video/big.mp4", body.clone())
        .await
        .expect("a 20 MB upload");
    let got = cos
        .get_object_bytes(&bucket, "ap-beijing", "video/big.mp4", usize::MAX)
        .await
        .expect("download");
    assert_eq!((got.total, got.bytes == body), (body.len() as u64, true));
    // A preview reads the start only, yet knows the full size.
    let head = cos
        .get_object_bytes(&bucket, "ap-beijing", "video/big.mp4", 1024)
        .await
        .expect("preview");
    assert_eq!(
        (head.bytes.len(), head.truncated, head.total),
        (1024, true, body.len() as u64)
    );
    assert_eq!(head.bytes, body[..1024]);
}

#[tokio::test]
async fn sub_resources_are_refused_ranges_served_and_prefixes_paged_once() {
    let emu = integration_tests::spawn_emulator().await;
    let cos = Cos {
        emu: &emu,
        http: reqwest::Client::new(),
    };
    let key = emu.account.secret_key.clone();
    let bucket = format!("paging-{}", emu.account.app_id);
    let put = |path: &'static str, body: &'static [u8]| {
        let (cos, bucket, key) = (&cos, &bucket, &key);
        async move {
            let (s, text) = cos
                .send(Method::PUT, bucket, path, &[], body.to_vec(), key)
                .await;
            assert_eq!(s, StatusCode::OK, "{path}: {text}");
        }
    };
    assert_eq!(
        cos.send(Method::PUT, &bucket, "/", &[], vec![], &key)
            .await
            .0,
        StatusCode::OK
    );
    put("/pg/a/1", b"0123456789").await;
    put("/pg/a/2", b"x").await;
    put("/pg/b", b"y").await;
    put("/pg/c/1", b"z").await;
    put("/odd/pct%2Fx", b"w").await;

    // Sub-resources the emulator does not keep are refused, and the object is untouched.
    for query in [[("acl", "")], [("tagging", "")], [("uploads", "")]] {
        let (s, body) = cos
            .send(
                Method::PUT,
                &bucket,
                "/pg/a/1",
                &query,
                b"<Xml/>".to_vec(),
                &key,
            )
            .await;
        assert_eq!(s, StatusCode::NOT_IMPLEMENTED, "{query:?}: {body}");
        assert!(body.contains("<Code>NotImplemented</Code>"), "{body}");
    }
    let (s, body) = cos
        .send(
            Method::GET,
            &bucket,
            "/pg/a/1",
            &[("acl", "")],
            vec![],
            &key,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_IMPLEMENTED, "{body}");
    let copy = cos
        .send_with(
            Method::PUT,
            &bucket,
            "/pg/copy",
            &[],
            vec![],
            &key,
            &[("x-cos-copy-source", "x.cos.ap-beijing.myqcloud.com/pg/a/1")],
        )
        .await;
    assert_eq!(copy.status(), StatusCode::NOT_IMPLEMENTED);
    let (s, body) = cos
        .send(Method::DELETE, &bucket, "/", &[], vec![], &key)
        .await;
    assert_eq!(s, StatusCode::NOT_IMPLEMENTED, "{body}");
    assert!(body.contains("<Code>NotImplemented</Code>"), "{body}");
    let (s, body) = cos
        .send(Method::GET, &bucket, "/pg/a/1", &[], vec![], &key)
        .await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "0123456789"));
    let (s, _) = cos
        .send(Method::GET, &bucket, "/pg/copy", &[], vec![], &key)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "nothing was copied");

    // Byte ranges, as a video player seeks.
    let part = cos
        .send_with(
            Method::GET,
            &bucket,
            "/pg/a/1",
            &[],
            vec![],
            &key,
            &[("range", "bytes=2-4")],
        )
        .await;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()["content-range"], "bytes 2-4/10");
    assert_eq!(part.text().await.expect("body"), "234");
    let beyond = cos
        .send_with(
            Method::GET,
            &bucket,
            "/pg/a/1",
            &[],
            vec![],
            &key,
            &[("range", "bytes=10-")],
        )
        .await;
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(beyond.headers()["content-range"], "bytes */10");

    // One key or prefix a page: each common prefix comes once, and the last page ends.
    let mut marker = String::new();
    let mut seen = Vec::new();
    for _ in 0..10 {
        let (s, body) = cos
            .send(
                Method::GET,
                &bucket,
                "/",
                &[
                    ("prefix", "pg/"),
                    ("delimiter", "/"),
                    ("max-keys", "1"),
                    ("marker", &marker),
                ],
                vec![],
                &key,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let between = |open: &str, close: &str| {
            body.split(open)
                .skip(1)
                .filter_map(|rest| rest.split(close).next())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        seen.extend(between("<Key>", "</Key>"));
        seen.extend(between("<CommonPrefixes><Prefix>", "</Prefix>"));
        match between("<NextMarker>", "</NextMarker>").pop() {
            Some(next) => marker = next,
            None => {
                assert!(body.contains("<IsTruncated>false</IsTruncated>"), "{body}");
                break;
            }
        }
    }
    assert_eq!(seen, ["pg/a/", "pg/b", "pg/c/"]);

    // encoding-type=url: names percent-encoded, so a key holding %2F survives decoding.
    let (_, body) = cos
        .send(
            Method::GET,
            &bucket,
            "/",
            &[("prefix", "odd/"), ("encoding-type", "url")],
            vec![],
            &key,
        )
        .await;
    assert!(body.contains("<Key>odd/pct%252Fx</Key>"), "{body}");
}

#[tokio::test]
async fn bad_bucket_names_digests_configurations_and_dot_folders_are_refused_as_cos_does() {
    let emu = integration_tests::spawn_emulator().await;
    let cos = Cos {
        emu: &emu,
        http: reqwest::Client::new(),
    };
    let key = emu.account.secret_key.clone();
    let bucket = format!("checks-{}", emu.account.app_id);

    // A configuration that is not XML creates no bucket.
    let (s, body) = cos
        .send(
            Method::PUT,
            &bucket,
            "/",
            &[],
            b"<CreateBucketConfiguration><bad".to_vec(),
            &key,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("<Code>MalformedXML</Code>"), "{body}");
    let (s, body) = cos.send(Method::GET, &bucket, "/", &[], vec![], &key).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    let config = b"<CreateBucketConfiguration><BucketAZConfig>MAZ</BucketAZConfig></CreateBucketConfiguration>";
    let (s, body) = cos
        .send(Method::PUT, &bucket, "/", &[], config.to_vec(), &key)
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");

    // Content-MD5: another body's digest, or no digest, stores nothing.
    for (md5, code) in [
        ("AAAAAAAAAAAAAAAAAAAAAA==", "BadDigest"),
        ("!!!", "InvalidDigest"),
    ] {
        let res = cos
            .send_with(
                Method::PUT,
                &bucket,
                "/md5.txt",
                &[],
                b"abc".to_vec(),
                &key,
                &[("content-md5", md5)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let body = res.text().await.expect("body");
        assert!(body.contains(&format!("<Code>{code}</Code>")), "{body}");
        let (s, _) = cos
            .send(Method::GET, &bucket, "/md5.txt", &[], vec![], &key)
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "nothing stored");
    }
    let res = cos
        .send_with(
            Method::PUT,
            &bucket,
            "/md5.txt",
            &[],
            b"abc".to_vec(),
            &key,
            &[("content-md5", "kAFQmDzST7DWlj99KOF/cg==")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "the right digest");

    // Answers carry COS's request id and server name, successes too.
    let res = cos
        .send_with(Method::GET, &bucket, "/md5.txt", &[], vec![], &key, &[])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("x-cos-request-id"));
    assert_eq!(res.headers()["server"], "tencent-cos");

    // A key with a `..` folder (slashes escaped, so no client resolves it away).
    let res = cos
        .http
        .put(format!("{}/cos/{bucket}/a%2F..%2F..%2Fb", emu.base))
        .body("x")
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body = res.text().await.expect("body");
    assert!(body.contains("<Code>InvalidURI</Code>"), "{body}");

    // A COS host that names no valid bucket: COS's error (an SDK reads a 200 as success).
    for host in [
        format!("a_b-{}.cos.ap-beijing.myqcloud.com", emu.account.app_id),
        "nobucket.cos.ap-beijing.myqcloud.com".to_owned(),
    ] {
        for method in [Method::PUT, Method::GET, Method::DELETE] {
            let res = cos
                .http
                .request(method.clone(), format!("{}/obj.txt", emu.base))
                .header("host", &host)
                .body("data")
                .send()
                .await
                .expect("request");
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{method} {host}");
            let body = res.text().await.expect("body");
            assert!(body.contains("<Code>InvalidBucketName</Code>"), "{body}");
        }
    }
}
