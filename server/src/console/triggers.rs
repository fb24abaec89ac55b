//! Triggers, the MPS trigger and its service roles.
use app::api::cloud_types::{MpsBinding, RoleStatus, TriggerRow};
use app::api::types::Role;
use app::error::AppError;
use app::ssr::{FnRef, Req};

use super::functions::target_of;
use super::{CloudConsole, Session};
use crate::cloud::actions::cam::{
    AttachRolePolicyRequest, CreateRoleRequest, GetRoleRequest, ListAttachedRolePoliciesRequest,
};
use crate::cloud::actions::mps::BindTriggerRequest;
use crate::cloud::actions::scf::{DeleteTriggerRequest, TriggerInfo};
use crate::cloud::error::CloudError;
use crate::db::mps_binding::{self, MpsBindingRow};
use crate::error::{AppResult, OrInternal};

/// The service roles the MPS trigger needs: (role, preset policy, trusted service).
pub const SERVICE_ROLES: [(&str, &str, &str); 2] = [
    ("SCF_QcsRole", "QcloudAccessForScfRole", "scf.qcloud.com"),
    (
        "MPS_QcsRole",
        "QcloudAccessForMPSRole",
        "mps.cloud.tencent.com",
    ),
];

/// The MPS event type a trigger serves: from its description (`{"eventType":…}`) or the
/// last segment of its ResourceId (`…/TriggerType/WorkflowTaskEvent`).
pub fn mps_event_type(t: &TriggerInfo) -> Option<String> {
    if t.r#type != "mps" {
        return None;
    }
    serde_json::from_str::<serde_json::Value>(&t.trigger_desc)
        .ok()
        .and_then(|v| v["eventType"].as_str().map(str::to_owned))
        .or_else(|| {
            t.resource_id
                .rsplit('/')
                .next()
                .and_then(|last| last.strip_suffix("Event"))
                .map(str::to_owned)
        })
}

async fn triggers_of(s: &Session<'_>, f: &FnRef) -> Result<Vec<TriggerInfo>, CloudError> {
    let res = s
        .api(&f.region)
        .list_triggers(&super::functions::fn_ref(f))
        .await?;
    Ok(res.triggers)
}

pub(super) async fn list(s: &Session<'_>, f: &FnRef) -> AppResult<Vec<TriggerRow>> {
    Ok(triggers_of(s, f)
        .await?
        .into_iter()
        .map(|t| TriggerRow {
            event_type: mps_event_type(&t),
            name: t.trigger_name,
            kind: t.r#type,
            desc: t.trigger_desc,
            resource_id: t.resource_id,
            bind_status: t.bind_status,
            add_time: t.add_time,
        })
        .collect())
}

async fn role_status(s: &Session<'_>, name: &str, policy: &str) -> AppResult<RoleStatus> {
    let api = s.api("");
    let exists = match api
        .get_role(&GetRoleRequest {
            role_name: name.to_owned(),
        })
        .await
    {
        Ok(_) => true,
        Err(e) if e.code() == Some("InvalidParameter.RoleNotExist") => false,
        Err(e) => return Err(e.into()),
    };
    let authorized = exists
        && api
            .list_attached_role_policies(&ListAttachedRolePoliciesRequest {
                role_name: name.to_owned(),
                page: 1,
                rp: 200,
            })
            .await?
            .list
            .iter()
            .any(|p| p.policy_name == policy);
    Ok(RoleStatus {
        name: name.to_owned(),
        policy: policy.to_owned(),
        authorized,
    })
}

pub(super) async fn service_roles(s: &Session<'_>) -> AppResult<Vec<RoleStatus>> {
    let mut out = Vec::new();
    for (name, policy, _) in SERVICE_ROLES {
        out.push(role_status(s, name, policy).await?);
    }
    Ok(out)
}

pub(super) async fn authorize_role(
    c: &CloudConsole,
    req: &Req,
    name: &str,
) -> AppResult<RoleStatus> {
    let (name, policy, service) = SERVICE_ROLES
        .into_iter()
        .find(|(n, _, _)| *n == name)
        .ok_or_else(|| AppError::invalid("name", "service_role_unknown"))?;
    let s = c.session(req, Role::Developer).await?;
    let api = s.api("");
    let mut request_id = String::new();
    let created = api
        .create_role(&CreateRoleRequest {
            role_name: name.to_owned(),
            policy_document: serde_json::json!({
                "version": "2.0",
                "statement": [{
                    "action": "name/sts:AssumeRole",
                    "effect": "allow",
                    "principal": {"service": service},
                }],
            })
            .to_string(),
            description: format!(
                "Service role for {service}, authorized from the MPS Callback Console."
            ),
        })
        .await;
    match created {
        Ok(r) => request_id = r.request_id,
        // Another member (or another tab) created it first: attaching is what is left.
        Err(e) if e.code() == Some("InvalidParameter.RoleNameInUse") => {}
        Err(e) => return Err(e.into()),
    }
    let attached = api
        .attach_role_policy(&AttachRolePolicyRequest {
            policy_name: policy.to_owned(),
            attach_role_name: name.to_owned(),
        })
        .await?;
    if request_id.is_empty() {
        request_id = attached.request_id;
    }
    c.audit(s.actor, "role_authorized", name, "", &request_id)
        .await;
    role_status(&s, name, policy).await
}

/// The recorded bindings, after dropping those the cloud no longer has (the function or
/// its trigger was deleted elsewhere).
pub(super) async fn bindings(c: &CloudConsole, req: &Req) -> AppResult<Vec<MpsBinding>> {
    let s = c.session(req, Role::Viewer).await?;
    let db = c.backend.db();
    let rows = mps_binding::list(db, s.actor.team_id, &s.creds.secret_id)
        .await
        .internal()?;
    let mut out = Vec::new();
    for row in rows {
        let f = FnRef {
            region: row.region.clone(),
            namespace: row.namespace.clone(),
            name: row.function_name.clone(),
        };
        let still_bound = match triggers_of(&s, &f).await {
            Ok(ts) => ts
                .iter()
                .any(|t| mps_event_type(t).as_deref() == Some(row.event_type.as_str())),
            Err(e) if e.code().is_some_and(|c| c.starts_with("ResourceNotFound")) => false,
            // Unknown (network, throttling): keep showing what we recorded.
            Err(_) => true,
        };
        if still_bound {
            out.push(MpsBinding {
                event_type: row.event_type,
                region: row.region,
                namespace: row.namespace,
                function_name: row.function_name,
            });
        } else {
            let holder = (&*row.region, &*row.namespace, &*row.function_name);
            mps_binding::delete(
                db,
                s.actor.team_id,
                &s.creds.secret_id,
                &row.event_type,
                holder,
            )
            .await
            .internal()?;
        }
    }
    Ok(out)
}

pub(super) async fn bind_mps(
    c: &CloudConsole,
    req: &Req,
    f: FnRef,
    event_type: &str,
) -> AppResult<()> {
    let s = c.session(req, Role::Developer).await?;
    let res = s
        .api(&f.region)
        .bind_trigger(&BindTriggerRequest {
            scf_region: f.region.clone(),
            event_type: event_type.to_owned(),
            qualifier: "$DEFAULT".to_owned(),
            function_name: f.name.clone(),
            namespace: f.namespace.clone(),
        })
        .await?;
    let row = MpsBindingRow {
        event_type: event_type.to_owned(),
        region: f.region.clone(),
        namespace: f.namespace.clone(),
        function_name: f.name.clone(),
        resource_id: res.resource_id,
    };
    mps_binding::upsert(c.backend.db(), s.actor.team_id, &s.creds.secret_id, &row)
        .await
        .internal()?;
    let target = format!("{} ({event_type})", target_of(&f));
    c.audit(
        s.actor,
        "trigger_bound",
        &target,
        &f.region,
        &res.request_id,
    )
    .await;
    Ok(())
}

pub(super) async fn delete(
    c: &CloudConsole,
    req: &Req,
    f: FnRef,
    trigger_name: &str,
    kind: &str,
) -> AppResult<()> {
    let s = c.session(req, Role::Developer).await?;
    let trigger = triggers_of(&s, &f)
        .await?
        .into_iter()
        .find(|t| t.trigger_name == trigger_name && t.r#type == kind)
        .ok_or(AppError::NotFound)?;
    let res = s
        .api(&f.region)
        .delete_trigger(&DeleteTriggerRequest {
            function_name: f.name.clone(),
            namespace: f.namespace.clone(),
            trigger_name: trigger.trigger_name.clone(),
            r#type: trigger.r#type.clone(),
            trigger_desc: Some(trigger.trigger_desc.clone()),
            qualifier: (!trigger.qualifier.is_empty()).then(|| trigger.qualifier.clone()),
        })
        .await?;
    if let Some(event_type) = mps_event_type(&trigger) {
        mps_binding::delete(
            c.backend.db(),
            s.actor.team_id,
            &s.creds.secret_id,
            &event_type,
            (&f.region, &f.namespace, &f.name),
        )
        .await
        .internal()?;
    }
    let target = format!("{} ({})", target_of(&f), trigger.trigger_name);
    c.audit(
        s.actor,
        "trigger_deleted",
        &target,
        &f.region,
        &res.request_id,
    )
    .await;
    Ok(())
}

/// Forgets the bindings of a deleted function (its triggers went with it).
pub(super) async fn forget_bindings_of(c: &CloudConsole, s: &Session<'_>, f: &FnRef) {
    let db = c.backend.db();
    let Ok(rows) = mps_binding::list(db, s.actor.team_id, &s.creds.secret_id).await else {
        return;
    };
    for row in rows {
        if row.region == f.region && row.namespace == f.namespace && row.function_name == f.name {
            let holder = (&*row.region, &*row.namespace, &*row.function_name);
            let secret_id = &s.creds.secret_id;
            if let Err(e) =
                mps_binding::delete(db, s.actor.team_id, secret_id, &row.event_type, holder).await
            {
                tracing::error!(error = %e, "forgetting an MPS binding");
            }
        }
    }
}
