//! Functions and templates.
use app::api::cloud_types::{
    CodeFile, FunctionCode, FunctionDetail, FunctionPage, FunctionRow, TemplateCard, TemplateDetail,
};
use app::api::types::Role;
use app::error::AppError;
use app::ssr::{FnRef, FunctionConfig, FunctionQuery, NewFunction, Req};
use base64::Engine;

use super::{CloudConsole, Session};
use crate::cloud::actions::scf::{
    Code, CreateFunctionRequest, Environment, FunctionRef, ListFunctionsRequest,
    ListNamespacesRequest, UpdateFunctionConfigurationRequest, Variable,
};
use crate::error::AppResult;
use crate::templates::Template;

pub(super) fn card(t: &Template) -> TemplateCard {
    TemplateCard {
        id: t.id.to_owned(),
        name_zh: t.name_zh.to_owned(),
        name_en: t.name_en.to_owned(),
        description_zh: t.description_zh.to_owned(),
        description_en: t.description_en.to_owned(),
        tags: t.tags.iter().map(|s| (*s).to_owned()).collect(),
        runtime: t.runtime.to_owned(),
        handler: t.handler.to_owned(),
        memory_size: t.memory_size.into(),
        timeout: t.timeout.into(),
        role: t.role.to_owned(),
        variables: t.variables.iter().map(|v| (*v).to_owned()).collect(),
    }
}

pub(super) fn template(id: &str) -> AppResult<TemplateDetail> {
    let t = crate::templates::find(id).ok_or(AppError::NotFound)?;
    Ok(TemplateDetail {
        card: card(t),
        files: t
            .files
            .iter()
            .map(|(path, content)| CodeFile {
                path: (*path).to_owned(),
                content: (*content).to_owned(),
            })
            .collect(),
    })
}

pub(super) async fn list(c: &CloudConsole, req: &Req, q: FunctionQuery) -> AppResult<FunctionPage> {
    let s = c.session(req, Role::Viewer).await?;
    let res = s
        .api(&q.region)
        .list_functions(&ListFunctionsRequest {
            namespace: q.namespace,
            offset: (q.page - 1).saturating_mul(q.page_size),
            limit: q.page_size,
            search_key: (!q.search.is_empty()).then_some(q.search),
            order_by: Some("AddTime".to_owned()),
            order: Some("DESC".to_owned()),
        })
        .await?;
    Ok(FunctionPage {
        total: res.total_count,
        items: res
            .functions
            .into_iter()
            .map(|f| FunctionRow {
                name: f.function_name,
                namespace: f.namespace,
                runtime: f.runtime,
                status: f.status,
                description: f.description,
                add_time: f.add_time,
                mod_time: f.mod_time,
            })
            .collect(),
    })
}

pub(super) async fn namespaces(
    c: &CloudConsole,
    req: &Req,
    region: &str,
) -> AppResult<Vec<String>> {
    let s = c.session(req, Role::Viewer).await?;
    let res = s
        .api(region)
        .list_namespaces(&ListNamespacesRequest {
            offset: 0,
            limit: 100,
        })
        .await?;
    Ok(res.namespaces.into_iter().map(|n| n.name).collect())
}

pub(super) async fn create(c: &CloudConsole, req: &Req, input: NewFunction) -> AppResult<()> {
    let s = c.session(req, Role::Developer).await?;
    let t = crate::templates::find(&input.template_id)
        .ok_or_else(|| AppError::invalid("template_id", "template_unknown"))?;
    let zip = t.zip().map_err(|e| {
        tracing::error!(error = %e, "packaging a template");
        AppError::Internal {
            reference: "template-zip".to_owned(),
        }
    })?;
    let config = input.config;
    let f = &config.target;
    let reads_bucket = t.variables.contains(&"COS_BUCKET");
    check_output_bucket(&s, reads_bucket, &config.variables, &f.region).await?;
    // The template's code goes up as a zip: the emulator's DemoIds are this project's own,
    // and a zip works the same on Tencent Cloud.
    let res = s
        .api(&f.region)
        .create_function(&CreateFunctionRequest {
            function_name: f.name.clone(),
            namespace: f.namespace.clone(),
            runtime: t.runtime.to_owned(),
            handler: t.handler.to_owned(),
            description: config.description,
            memory_size: config.memory_size,
            timeout: config.timeout,
            environment: environment(config.variables),
            role: (!config.role.is_empty()).then_some(config.role),
            code_source: "ZipFile".to_owned(),
            code: Code {
                demo_id: None,
                zip_file: Some(base64::engine::general_purpose::STANDARD.encode(zip)),
            },
            r#type: "Event".to_owned(),
        })
        .await?;
    c.audit(
        s.actor,
        "function_created",
        &target_of(f),
        &f.region,
        &res.request_id,
    )
    .await;
    Ok(())
}

/// A function that stores its results in `COS_BUCKET` (`reads_bucket`) would fail at
/// every run if the bucket is not there: refused on the variables field before the
/// function is created or changed. Only COS saying the bucket does not exist counts; a key
/// that may not list it passes.
async fn check_output_bucket(
    s: &Session<'_>,
    reads_bucket: bool,
    variables: &[(String, String)],
    region: &str,
) -> AppResult<()> {
    let value = |name: &str| {
        variables
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let Some(bucket) = value("COS_BUCKET").filter(|_| reads_bucket) else {
        return Ok(());
    };
    let region = value("COS_REGION").unwrap_or(region);
    if !app::api::cos::bucket_ok(bucket) || app::regions::by_id(region).is_none() {
        return Err(AppError::invalid("variables", "bucket_missing"));
    }
    match s.cos().list_objects(bucket, region, "", "", 1).await {
        Err(err) if err.code() == Some("NoSuchBucket") => {
            Err(AppError::invalid("variables", "bucket_missing"))
        }
        _ => Ok(()),
    }
}

pub(super) async fn get(c: &CloudConsole, req: &Req, f: FnRef) -> AppResult<FunctionDetail> {
    let s = c.session(req, Role::Viewer).await?;
    let r = s.api(&f.region).get_function(&fn_ref(&f)).await?;
    Ok(FunctionDetail {
        name: r.function_name,
        namespace: r.namespace,
        runtime: r.runtime,
        handler: r.handler,
        description: r.description,
        memory_size: r.memory_size,
        timeout: r.timeout,
        variables: r
            .environment
            .variables
            .into_iter()
            .map(|v| (v.key, v.value))
            .collect(),
        role: r.role,
        status: r.status,
        add_time: r.add_time,
        mod_time: r.mod_time,
    })
}

/// Changes a function's configuration (all of the form's fields at once). A function
/// with `COS_BUCKET` set is taken to store its results there, so the bucket is checked.
pub(super) async fn update(c: &CloudConsole, req: &Req, input: FunctionConfig) -> AppResult<()> {
    let s = c.session(req, Role::Developer).await?;
    let f = &input.target;
    check_output_bucket(&s, true, &input.variables, &f.region).await?;
    let res = s
        .api(&f.region)
        .update_function_configuration(&UpdateFunctionConfigurationRequest {
            function_name: f.name.clone(),
            namespace: f.namespace.clone(),
            description: Some(input.description),
            memory_size: Some(input.memory_size),
            timeout: Some(input.timeout),
            environment: Some(environment(input.variables)),
            role: Some(input.role),
        })
        .await?;
    c.audit(
        s.actor,
        "function_updated",
        &target_of(f),
        &f.region,
        &res.request_id,
    )
    .await;
    Ok(())
}

pub(super) async fn delete(c: &CloudConsole, req: &Req, f: FnRef) -> AppResult<()> {
    let s = c.session(req, Role::Developer).await?;
    let res = s.api(&f.region).delete_function(&fn_ref(&f)).await?;
    super::triggers::forget_bindings_of(c, &s, &f).await;
    c.audit(
        s.actor,
        "function_deleted",
        &target_of(&f),
        &f.region,
        &res.request_id,
    )
    .await;
    Ok(())
}

fn environment(variables: Vec<(String, String)>) -> Environment {
    Environment {
        variables: variables
            .into_iter()
            .map(|(key, value)| Variable { key, value })
            .collect(),
    }
}

pub(super) fn fn_ref(f: &FnRef) -> FunctionRef {
    FunctionRef {
        function_name: f.name.clone(),
        namespace: f.namespace.clone(),
    }
}

/// How the audit log names a function.
pub(super) fn target_of(f: &FnRef) -> String {
    format!("{}/{}", f.namespace, f.name)
}

pub(super) async fn code(c: &CloudConsole, req: &Req, f: FnRef) -> AppResult<FunctionCode> {
    let s = c.session(req, Role::Viewer).await?;
    let r = s.api(&f.region).get_function_code(&fn_ref(&f)).await?;
    Ok(FunctionCode {
        file: entry_file(&r.runtime, &r.handler),
        content: r.code_info,
        size: r.code_size,
    })
}

/// The entry file of a handler: `index.main_handler` → `index.js` (Node.js), `index.py`
/// (Python), `index.php` (PHP); other runtimes name the handler itself.
pub fn entry_file(runtime: &str, handler: &str) -> String {
    let module = handler.rsplit_once('.').map_or(handler, |(m, _)| m);
    let ext = match runtime.to_ascii_lowercase() {
        r if r.starts_with("nodejs") => "js",
        r if r.starts_with("python") => "py",
        r if r.starts_with("php") => "php",
        _ => return handler.to_owned(),
    };
    format!("{module}.{ext}")
}
