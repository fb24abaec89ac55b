//! The typed client (one request/response pair per action) against the emulator: the
//! console's whole flow, every response decoded into its type.
use std::time::Duration;

use serde_json::json;
use server::cloud::actions::cam::{
    AttachRolePolicyRequest, CreateRoleRequest, GetRoleRequest, ListAttachedRolePoliciesRequest,
};
use server::cloud::actions::mps::{
    BindTriggerRequest, CreateWorkflowRequest, DescribeTaskDetailRequest, DescribeTasksRequest,
    DescribeWorkflowsRequest, ProcessMediaRequest, UnbindTriggerRequest, WorkflowRef,
};
use server::cloud::actions::region::DescribeRegionsRequest;
use server::cloud::actions::scf::{
    Code, CreateFunctionRequest, DeleteTriggerRequest, Environment, FunctionRef,
    GetFunctionLogsRequest, InvokeRequest, ListFunctionsRequest, ListNamespacesRequest, LogFilter,
    UpdateFunctionConfigurationRequest, Variable,
};
use server::cloud::actions::Api;
use server::cloud::error::CloudError;

fn code<T: std::fmt::Debug>(r: Result<T, CloudError>) -> String {
    match r {
        Err(CloudError::Api { code, .. }) => code,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn function() -> FunctionRef {
    FunctionRef {
        function_name: "MPSAnalysis".into(),
        namespace: "default".into(),
    }
}

#[tokio::test]
async fn the_console_flow_through_typed_calls() {
    let emu = integration_tests::spawn_emulator().await;
    let english = emu.client.clone().with_language("en-US");
    let api = Api {
        client: &english,
        creds: &emu.creds,
        region: "ap-beijing",
    };

    let regions = api
        .describe_regions(&DescribeRegionsRequest {
            product: "scf".into(),
        })
        .await
        .expect("regions");
    assert!(regions
        .region_set
        .iter()
        .any(|r| r.region == "ap-beijing" && r.region_name == "North China (Beijing)"));
    assert!(
        regions.region_set.iter().all(|r| r.region != "ap-nanjing"),
        "SCF regions only"
    );

    // Roles.
    assert_eq!(
        code(
            api.get_role(&GetRoleRequest {
                role_name: "SCF_QcsRole".into()
            })
            .await
        ),
        "InvalidParameter.RoleNotExist"
    );
    for (role, service, policy) in [
        ("SCF_QcsRole", "scf.qcloud.com", "QcloudAccessForScfRole"),
        (
            "MPS_QcsRole",
            "mps.cloud.tencent.com",
            "QcloudAccessForMPSRole",
        ),
    ] {
        let trust = json!({"version": "2.0", "statement": [{"action": "name/sts:AssumeRole", "effect": "allow", "principal": {"service": service}}]});
        let created = api
            .create_role(&CreateRoleRequest {
                role_name: role.into(),
                policy_document: trust.to_string(),
                description: "service role".into(),
            })
            .await
            .expect("create role");
        assert!(!created.role_id.is_empty());
        api.attach_role_policy(&AttachRolePolicyRequest {
            policy_name: policy.into(),
            attach_role_name: role.into(),
        })
        .await
        .expect("attach");
        let attached = api
            .list_attached_role_policies(&ListAttachedRolePoliciesRequest {
                role_name: role.into(),
                page: 1,
                rp: 20,
            })
            .await
            .expect("attached");
        assert_eq!(attached.list[0].policy_name, policy);
    }
    assert_eq!(
        api.get_role(&GetRoleRequest {
            role_name: "MPS_QcsRole".into()
        })
        .await
        .expect("role")
        .role_info
        .role_name,
        "MPS_QcsRole"
    );

    // Function from the template.
    let namespaces = api
        .list_namespaces(&ListNamespacesRequest {
            offset: 0,
            limit: 20,
        })
        .await
        .expect("namespaces");
    assert_eq!(namespaces.namespaces[0].name, "default");
    api.create_function(&CreateFunctionRequest {
        function_name: "MPSAnalysis".into(),
        namespace: "default".into(),
        runtime: "Nodejs8.9".into(),
        handler: "index.main_handler".into(),
        description: "MPS callbacks".into(),
        memory_size: 128,
        timeout: 3,
        environment: Environment {
            variables: vec![Variable {
                key: "WEBHOOK_URL".into(),
                value: String::new(),
            }],
        },
        role: Some("SCF_QcsRole".into()),
        code_source: "Demo".into(),
        code: Code {
            demo_id: Some("demo-nodejs89-mps-webhook".into()),
            zip_file: None,
        },
        r#type: "Event".into(),
    })
    .await
    .map(|_| ())
    .expect_err("an empty variable value is refused");
    api.create_function(&CreateFunctionRequest {
        function_name: "MPSAnalysis".into(),
        namespace: "default".into(),
        runtime: "Nodejs8.9".into(),
        handler: "index.main_handler".into(),
        description: "MPS callbacks".into(),
        memory_size: 128,
        timeout: 3,
        environment: Environment::default(),
        role: Some("SCF_QcsRole".into()),
        code_source: "Demo".into(),
        code: Code {
            demo_id: Some("demo-nodejs89-mps-webhook".into()),
            zip_file: None,
        },
        r#type: "Event".into(),
    })
    .await
    .expect("create");
    let mut detail = api.get_function(&function()).await.expect("get");
    for _ in 0..50 {
        if detail.status == "Active" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        detail = api.get_function(&function()).await.expect("get");
    }
    assert_eq!(
        (
            detail.status.as_str(),
            detail.runtime.as_str(),
            detail.role.as_str()
        ),
        ("Active", "Nodejs8.9", "SCF_QcsRole")
    );
    api.update_function_configuration(&UpdateFunctionConfigurationRequest {
        function_name: "MPSAnalysis".into(),
        namespace: "default".into(),
        timeout: Some(10),
        ..Default::default()
    })
    .await
    .expect("update");
    let listed = api
        .list_functions(&ListFunctionsRequest {
            namespace: "default".into(),
            limit: 20,
            search_key: Some("MPS".into()),
            ..Default::default()
        })
        .await
        .expect("list");
    assert_eq!(listed.functions[0].function_name, "MPSAnalysis");

    // Trigger, task, invocation, logs.
    let bound = api
        .bind_trigger(&BindTriggerRequest {
            scf_region: "ap-beijing".into(),
            event_type: "WorkflowTask".into(),
            qualifier: "$DEFAULT".into(),
            function_name: "MPSAnalysis".into(),
            namespace: "default".into(),
        })
        .await
        .expect("bind");
    let triggers = api.list_triggers(&function()).await.expect("triggers");
    assert_eq!(
        (
            triggers.triggers[0].r#type.as_str(),
            triggers.triggers[0].resource_id.as_str()
        ),
        ("mps", bound.resource_id.as_str())
    );
    let missing = api
        .process_media(&ProcessMediaRequest {
            input_info: json!({"Type": "COS", "CosInputInfo": {"Bucket": "none-1", "Region": "ap-beijing", "Object": "/a.mp4"}}),
            output_storage: None,
            output_dir: None,
            media_process_task: json!({"TranscodeTaskSet": [{"Definition": 10}]}),
            session_context: None,
        })
        .await;
    assert_eq!(code(missing), "ResourceNotFound.CosBucketNotExist");
    assert_eq!(
        code(
            api.describe_task_detail(&DescribeTaskDetailRequest {
                task_id: "nope".into()
            })
            .await
        ),
        "InvalidParameterValue.TaskId"
    );

    let invoked = api
        .invoke(&InvokeRequest { function_name: "MPSAnalysis".into(), namespace: "default".into(), invocation_type: "RequestResponse".into(), client_context: r#"{"EventType":"WorkflowTask","WorkflowTaskEvent":{"TaskId":"t-1","Status":"FINISH","ErrCode":0}}"#.into() })
        .await
        .expect("invoke");
    assert_eq!(invoked.result.invoke_result, 0, "{}", invoked.result.log);
    let logs = api
        .get_function_logs(&GetFunctionLogsRequest {
            function_name: "MPSAnalysis".into(),
            namespace: "default".into(),
            limit: 10,
            filter: Some(LogFilter {
                ret_code: "is0".into(),
            }),
            ..Default::default()
        })
        .await
        .expect("logs");
    assert_eq!(logs.data[0].request_id, invoked.result.function_request_id);

    api.delete_trigger(&DeleteTriggerRequest {
        function_name: "MPSAnalysis".into(),
        namespace: "default".into(),
        trigger_name: "WorkflowTask".into(),
        r#type: "mps".into(),
        trigger_desc: None,
        qualifier: None,
    })
    .await
    .expect("delete trigger");
    assert_eq!(
        code(
            api.unbind_trigger(&UnbindTriggerRequest {
                r#type: "mps".into(),
                resource_id: bound.resource_id
            })
            .await
        ),
        "ResourceNotFound.Trigger"
    );
    // Workflows and the task list.
    let bucket = emu.create_bucket("in").await;
    let created = api
        .create_workflow(&CreateWorkflowRequest {
            workflow_name: "uploads".into(),
            trigger: json!({"Type": "CosFileUpload", "CosFileUploadTrigger": {"Bucket": bucket, "Region": "ap-beijing", "Dir": "/in/"}}),
            output_storage: None,
            output_dir: Some("/out/".into()),
            media_process_task: json!({"TranscodeTaskSet": [{"Definition": 10}]}),
        })
        .await
        .expect("workflow");
    let id = WorkflowRef {
        workflow_id: created.workflow_id,
    };
    api.enable_workflow(&id).await.expect("enable");
    let listed = api
        .describe_workflows(&DescribeWorkflowsRequest {
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("workflows");
    assert_eq!(
        (
            listed.total_count,
            listed.workflow_info_set[0].status.as_str()
        ),
        (1, "Enabled")
    );
    api.disable_workflow(&id).await.expect("disable");
    api.delete_workflow(&id).await.expect("delete workflow");
    assert_eq!(
        code(api.enable_workflow(&id).await),
        "ResourceNotFound.WorkflowNotExist"
    );
    let tasks = api
        .describe_tasks(&DescribeTasksRequest {
            status: "FINISH".into(),
            limit: 10,
            scroll_token: None,
        })
        .await
        .expect("tasks");
    assert!(tasks.task_set.is_empty() && tasks.scroll_token.is_empty() && tasks.total_count == 0);

    api.delete_function(&function()).await.expect("delete");
    assert_eq!(
        code(api.get_function(&function()).await),
        "ResourceNotFound.FunctionName"
    );
}
