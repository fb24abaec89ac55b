//! The project's COS client against the emulator: buckets, folders, paging, objects and
//! COS's error codes.
use server::cloud::client::Endpoint;
use server::cloud::cos::CosClient;
use server::cloud::error::CloudError;

#[tokio::test]
async fn browses_buckets_and_objects() {
    let emu = integration_tests::spawn_emulator().await;
    let bucket = emu.create_bucket("results").await;
    let cos = emu.cos();
    for key in [
        "mps-callback/2026/11/25/a.json",
        "mps-callback/2026/11/25/b.json",
        "output/x.mp4",
        "readme.txt",
    ] {
        cos.put_object(
            &bucket,
            "ap-beijing",
            key,
            format!("{{\"key\":\"{key}\"}}").into_bytes(),
        )
        .await
        .expect("put");
    }
    let buckets = cos.list_buckets().await.expect("buckets");
    assert_eq!(
        (buckets[0].name.as_str(), buckets[0].location.as_str()),
        (bucket.as_str(), "ap-beijing")
    );

    let top = cos
        .list_objects(&bucket, "ap-beijing", "", "", 100)
        .await
        .expect("list");
    assert_eq!(top.folders(), vec!["mps-callback/", "output/"]);
    assert_eq!(top.contents.len(), 1);
    assert_eq!(top.contents[0].key, "readme.txt");
    let day = cos
        .list_objects(&bucket, "ap-beijing", "mps-callback/2026/11/25/", "", 1)
        .await
        .expect("list");
    assert!(day.is_truncated);
    assert_eq!(day.contents[0].key, "mps-callback/2026/11/25/a.json");
    let next = cos
        .list_objects(
            &bucket,
            "ap-beijing",
            "mps-callback/2026/11/25/",
            day.next_marker.as_deref().unwrap_or_default(),
            1,
        )
        .await
        .expect("next page");
    assert_eq!(next.contents[0].key, "mps-callback/2026/11/25/b.json");
    let body = r#"{"key":"mps-callback/2026/11/25/b.json"}"#;
    assert_eq!(next.contents[0].size, body.len() as u64);

    let text = cos
        .get_object(&bucket, "ap-beijing", "mps-callback/2026/11/25/a.json")
        .await
        .expect("get");
    assert_eq!(text, r#"{"key":"mps-callback/2026/11/25/a.json"}"#);
    match cos.get_object(&bucket, "ap-beijing", "missing.json").await {
        Err(CloudError::Api {
            code, request_id, ..
        }) => {
            assert_eq!(code, "NoSuchKey");
            assert!(!request_id.is_empty());
        }
        other => panic!("expected NoSuchKey, got {other:?}"),
    }
    let stranger = CosClient::new(
        Endpoint::Custom(emu.base.clone()),
        server::cloud::client::Credentials::new(emu.account.secret_id.clone(), "wrong"),
    )
    .unwrap();
    match stranger
        .list_objects(&bucket, "ap-beijing", "", "", 10)
        .await
    {
        Err(CloudError::Api { code, .. }) => assert_eq!(code, "SignatureDoesNotMatch"),
        other => panic!("expected SignatureDoesNotMatch, got {other:?}"),
    }
}
