//! SCF namespaces: `ListNamespaces`, `CreateNamespace`, `UpdateNamespace` and
//! `DeleteNamespace`. Every account has `default` in each region, which cannot be deleted.
use serde_json::{json, Value};
use time::OffsetDateTime;

use super::api::{cloud_time, opt_str, page_json, req_str, ApiError};
use super::scf::{
    check_description, existing_namespace, invalid, namespace_not_found, namespace_param, paging,
};
use super::Emulator;

/// Namespaces per account and region, `default` included. The emulator's own bound, so
/// that a script cannot fill the table without end.
const LIMIT: i64 = 20;

/// `ListNamespaces`: oldest first.
pub async fn list(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    let (offset, limit) = paging(params)?;
    let rows: Vec<(String, String, OffsetDateTime, OffsetDateTime)> = sqlx::query_as(
        "select name, description, created_at, updated_at from emulator.scf_namespace
         where account_id = $1 and region = $2 order by created_at, name",
    )
    .bind(account_id)
    .bind(region)
    .fetch_all(&emu.db)
    .await?;
    let (total, list) = page_json(
        rows,
        offset,
        limit,
        |(name, description, added, modified)| {
            Some(
                json!({"Name": name, "Description": description, "Type": "default",
                    "AddTime": cloud_time(added), "ModTime": cloud_time(modified)}),
            )
        },
    );
    Ok(json!({"Namespaces": list, "TotalCount": total}))
}

/// The `Namespace` a namespace action names: required, by SCF's rules.
fn named(params: &Value) -> Result<&str, ApiError> {
    req_str(params, "Namespace")?;
    namespace_param(params)
}

/// `CreateNamespace`.
pub async fn create(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    let name = named(params)?;
    let description = opt_str(params, "Description")?.unwrap_or_default();
    check_description(description)?;
    // `ResourceEnv` (a Kubernetes cluster to run in) has no meaning here: taken, not used.
    let mut tx = emu.db.begin().await?;
    // One creation at a time per account and region, so that the limit holds.
    sqlx::query(
        "select pg_advisory_xact_lock(hashtextextended('scf_namespace:' || $1 || ':' || $2, 0))",
    )
    .bind(account_id.to_string())
    .bind(region)
    .execute(&mut *tx)
    .await?;
    let count: i64 = sqlx::query_scalar(
        "select count(*) from emulator.scf_namespace where account_id = $1 and region = $2",
    )
    .bind(account_id)
    .bind(region)
    .fetch_one(&mut *tx)
    .await?;
    if count >= LIMIT {
        return Err(invalid(
            "LimitExceeded.Namespace",
            format!("At most {LIMIT} namespaces per region."),
        ));
    }
    let created = sqlx::query(
        "insert into emulator.scf_namespace (account_id, region, name, description)
         values ($1, $2, $3, $4) on conflict do nothing",
    )
    .bind(account_id)
    .bind(region)
    .bind(name)
    .bind(description)
    .execute(&mut *tx)
    .await?;
    if created.rows_affected() == 0 {
        return Err(ApiError::new(
            "ResourceInUse.Namespace",
            format!("Namespace {name} already exists."),
        )
        .zh(format!("命名空间 {name} 已存在。")));
    }
    tx.commit().await?;
    Ok(json!({}))
}

/// `UpdateNamespace`: its description.
pub async fn update(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    named(params)?;
    let description = req_str(params, "Description")?;
    check_description(description)?;
    let name = existing_namespace(emu, account_id, region, params).await?;
    sqlx::query(
        "update emulator.scf_namespace set description = $4, updated_at = now()
         where account_id = $1 and region = $2 and name = $3",
    )
    .bind(account_id)
    .bind(region)
    .bind(name)
    .bind(description)
    .execute(&emu.db)
    .await?;
    Ok(json!({}))
}

/// `DeleteNamespace`: only an empty one, and never `default`.
pub async fn delete(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    let name = named(params)?;
    if name == "default" {
        return Err(ApiError::new(
            "FailedOperation.DeleteNamespace",
            "The default namespace cannot be deleted.",
        )
        .zh("默认命名空间不能删除。"));
    }
    let mut tx = emu.db.begin().await?;
    // Locked first: a function being created in it holds a key-share lock on the row
    // until it commits, so the count below (a new snapshot) sees it. Functions are
    // deleted with their namespace by the foreign key; none may be.
    let found: Option<String> = sqlx::query_scalar(
        "select name from emulator.scf_namespace
         where account_id = $1 and region = $2 and name = $3 for update",
    )
    .bind(account_id)
    .bind(region)
    .bind(name)
    .fetch_optional(&mut *tx)
    .await?;
    if found.is_none() {
        return Err(namespace_not_found(name));
    }
    let functions: i64 = sqlx::query_scalar(
        "select count(*) from emulator.scf_function
         where account_id = $1 and region = $2 and namespace = $3",
    )
    .bind(account_id)
    .bind(region)
    .bind(name)
    .fetch_one(&mut *tx)
    .await?;
    if functions > 0 {
        return Err(ApiError::new(
            "ResourceInUse.Namespace",
            format!("Namespace {name} still holds {functions} function(s); delete them first."),
        )
        .zh(format!("命名空间 {name} 下仍有函数，请先删除函数。")));
    }
    sqlx::query(
        "delete from emulator.scf_namespace where account_id = $1 and region = $2 and name = $3",
    )
    .bind(account_id)
    .bind(region)
    .bind(name)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(json!({}))
}
