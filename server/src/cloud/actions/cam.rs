//! CAM (2019-01-16): the service roles the MPS trigger needs.
use serde::{Deserialize, Serialize};

use super::{Api, Empty};
use crate::cloud::error::CloudError;

const VERSION: &str = "2019-01-16";

/// `GetRole` by name.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRoleRequest {
    pub role_name: String,
}

/// A role.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleInfo {
    pub role_id: String,
    pub role_name: String,
    #[serde(default)]
    pub policy_document: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub add_time: String,
}

/// `GetRole`'s answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRoleResponse {
    pub role_info: RoleInfo,
    pub request_id: String,
}

/// `CreateRole`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateRoleRequest {
    pub role_name: String,
    /// The trust policy, as a JSON string.
    pub policy_document: String,
    pub description: String,
}

/// `CreateRole`'s answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateRoleResponse {
    pub role_id: String,
    pub request_id: String,
}

/// `AttachRolePolicy` by names.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachRolePolicyRequest {
    pub policy_name: String,
    pub attach_role_name: String,
}

/// `ListAttachedRolePolicies` of a role.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAttachedRolePoliciesRequest {
    pub role_name: String,
    pub page: u32,
    pub rp: u32,
}

/// An attached policy.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    pub policy_id: i64,
    pub policy_name: String,
}

/// `ListAttachedRolePolicies`' answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAttachedRolePoliciesResponse {
    #[serde(default)]
    pub list: Vec<AttachedPolicy>,
    pub total_num: u64,
    pub request_id: String,
}

impl Api<'_> {
    /// CAM `GetRole`.
    ///
    /// # Errors
    /// `InvalidParameter.RoleNotExist` for a missing role; other API or transport errors.
    pub async fn get_role(&self, req: &GetRoleRequest) -> Result<GetRoleResponse, CloudError> {
        self.call("cam", VERSION, "GetRole", false, true, req).await
    }

    /// CAM `CreateRole`.
    ///
    /// # Errors
    /// `InvalidParameter.RoleNameInUse` and other API or transport errors.
    pub async fn create_role(
        &self,
        req: &CreateRoleRequest,
    ) -> Result<CreateRoleResponse, CloudError> {
        self.call("cam", VERSION, "CreateRole", false, false, req)
            .await
    }

    /// CAM `AttachRolePolicy` (idempotent: attaching twice is harmless).
    ///
    /// # Errors
    /// API or transport errors.
    pub async fn attach_role_policy(
        &self,
        req: &AttachRolePolicyRequest,
    ) -> Result<Empty, CloudError> {
        self.call("cam", VERSION, "AttachRolePolicy", false, true, req)
            .await
    }

    /// CAM `ListAttachedRolePolicies`.
    ///
    /// # Errors
    /// API or transport errors.
    pub async fn list_attached_role_policies(
        &self,
        req: &ListAttachedRolePoliciesRequest,
    ) -> Result<ListAttachedRolePoliciesResponse, CloudError> {
        self.call("cam", VERSION, "ListAttachedRolePolicies", false, true, req)
            .await
    }
}
