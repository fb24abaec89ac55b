//! Functions and templates: list, create from a template, read, delete.
// Server functions take one argument per form field; the macro's generated functions
// do not inherit an item-level allow.
#![allow(clippy::too_many_arguments)]
use leptos::prelude::*;

use super::cloud_types::{
    FunctionCode, FunctionDetail, FunctionPage, TemplateCard, TemplateDetail,
};
use crate::error::AppError;

/// Functions per page of the list.
pub const PAGE_SIZE: u32 = 20;

/// One page of the functions in a region and namespace, optionally filtered by name.
#[server(prefix = "/api", endpoint = "list_functions", output = crate::api::encoding::TextJson)]
pub async fn list_functions(
    rid: u32,
    ns: String,
    search: String,
    page: u32,
) -> Result<FunctionPage, AppError> {
    use crate::ssr::{cloud_and_req, region_of, status, FunctionQuery};
    let region = region_of(rid)?;
    let (cloud, req) = cloud_and_req()?;
    let q = FunctionQuery {
        region,
        namespace: ns,
        search: search.trim().chars().take(60).collect(),
        page: page.max(1),
        page_size: PAGE_SIZE,
    };
    status(cloud.list_functions(&req, q).await)
}

/// The namespaces of a region.
#[server(prefix = "/api", endpoint = "list_namespaces", output = crate::api::encoding::TextJson)]
pub async fn list_namespaces(rid: u32) -> Result<Vec<String>, AppError> {
    use crate::ssr::{cloud_and_req, region_of, status};
    let region = region_of(rid)?;
    let (cloud, req) = cloud_and_req()?;
    status(cloud.list_namespaces(&req, &region).await)
}

/// The template catalogue (searched in the browser).
#[server(prefix = "/api", endpoint = "list_templates", output = crate::api::encoding::TextJson)]
pub async fn list_templates() -> Result<Vec<TemplateCard>, AppError> {
    let (cloud, req) = crate::ssr::cloud_and_req()?;
    crate::ssr::status(cloud.templates(&req).await)
}

/// A template with its code files.
#[server(prefix = "/api", endpoint = "get_template", output = crate::api::encoding::TextJson)]
pub async fn get_template(id: String) -> Result<TemplateDetail, AppError> {
    let (cloud, req) = crate::ssr::cloud_and_req()?;
    crate::ssr::status(cloud.template(&req, &id).await)
}

/// Creates a function from a template. `variables` holds `KEY=VALUE` lines. The function
/// starts `Creating`; the page polls [`get_function`] until it is `Active`.
#[server(prefix = "/api", endpoint = "create_function", output = crate::api::encoding::TextJson)]
pub async fn create_function(
    rid: u32,
    ns: String,
    name: String,
    template_id: String,
    description: String,
    memory_size: i64,
    timeout: i64,
    variables: String,
    role: String,
) -> Result<(), AppError> {
    use crate::ssr::{cloud_and_req, region_of, status, FnRef, NewFunction};
    let region = region_of(rid)?;
    let name = name.trim().to_owned();
    let name_check = AppError::check("name", crate::scf_rules::function_name_problem(&name));
    let target = FnRef {
        region,
        namespace: ns,
        name,
    };
    let form = ConfigForm {
        description,
        memory_size,
        timeout,
        variables,
        role,
    };
    let config = status(form.checked(name_check, target))?;
    let (cloud, req) = cloud_and_req()?;
    let input = NewFunction {
        config,
        template_id,
    };
    status(cloud.create_function(&req, input).await)
}

/// The configuration fields as a form sends them.
#[cfg(feature = "ssr")]
struct ConfigForm {
    description: String,
    memory_size: i64,
    timeout: i64,
    variables: String,
    role: String,
}

#[cfg(feature = "ssr")]
impl ConfigForm {
    /// `target`'s configuration, or every field's problem at once (after `first`, the
    /// name's).
    fn checked(
        self,
        first: Result<(), AppError>,
        target: crate::ssr::FnRef,
    ) -> Result<crate::ssr::FunctionConfig, AppError> {
        use crate::scf_rules;
        let problem = AppError::check;
        let description = self.description.trim().to_owned();
        let role = self.role.trim().to_owned();
        let parsed = scf_rules::parse_variables(&self.variables)
            .map_err(|(_, code)| AppError::invalid("variables", code));
        AppError::all_fields(vec![
            first,
            problem("description", scf_rules::description_problem(&description)),
            problem(
                "memory_size",
                (!scf_rules::memory_ok(self.memory_size)).then_some("memory_invalid"),
            ),
            problem(
                "timeout",
                (!scf_rules::timeout_ok(self.timeout)).then_some("timeout_invalid"),
            ),
            crate::error::outcome(&parsed),
            problem("role", scf_rules::role_problem(&role)),
        ])?;
        Ok(crate::ssr::FunctionConfig {
            target,
            description,
            memory_size: self.memory_size,
            timeout: self.timeout,
            variables: parsed?,
            role,
        })
    }
}

/// Changes a function's configuration: description, memory, timeout, environment
/// variables (`KEY=VALUE` lines, all of them) and execution role.
#[server(prefix = "/api", endpoint = "update_function", output = crate::api::encoding::TextJson)]
pub async fn update_function(
    rid: u32,
    ns: String,
    name: String,
    description: String,
    memory_size: i64,
    timeout: i64,
    variables: String,
    role: String,
) -> Result<(), AppError> {
    use crate::ssr::{function_call, status};
    let (cloud, req, target) = function_call(rid, ns, name)?;
    let form = ConfigForm {
        description,
        memory_size,
        timeout,
        variables,
        role,
    };
    let config = status(form.checked(Ok(()), target))?;
    status(cloud.update_function(&req, config).await)
}

/// A function's configuration.
#[server(prefix = "/api", endpoint = "get_function", output = crate::api::encoding::TextJson)]
pub async fn get_function(rid: u32, ns: String, name: String) -> Result<FunctionDetail, AppError> {
    use crate::ssr::{function_call, status};
    let (cloud, req, f) = function_call(rid, ns, name)?;
    status(cloud.get_function(&req, f).await)
}

/// Deletes a function.
#[server(prefix = "/api", endpoint = "delete_function", output = crate::api::encoding::TextJson)]
pub async fn delete_function(rid: u32, ns: String, name: String) -> Result<(), AppError> {
    use crate::ssr::{function_call, status};
    let (cloud, req, f) = function_call(rid, ns, name)?;
    status(cloud.delete_function(&req, f).await)
}

/// A function's entry file, read-only.
#[server(prefix = "/api", endpoint = "function_code", output = crate::api::encoding::TextJson)]
pub async fn get_function_code(
    rid: u32,
    ns: String,
    name: String,
) -> Result<FunctionCode, AppError> {
    use crate::ssr::{function_call, status};
    let (cloud, req, f) = function_call(rid, ns, name)?;
    status(cloud.function_code(&req, f).await)
}
