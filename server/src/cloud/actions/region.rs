//! The region API (2022-06-27).
use serde::{Deserialize, Serialize};

use super::Api;
use crate::cloud::error::CloudError;

/// `DescribeRegions` for a product, e.g. `scf`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRegionsRequest {
    pub product: String,
}

/// A region.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegionInfo {
    pub region: String,
    pub region_name: String,
    #[serde(default)]
    pub region_state: String,
}

/// `DescribeRegions`' answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRegionsResponse {
    pub total_count: u64,
    pub region_set: Vec<RegionInfo>,
    pub request_id: String,
}

impl Api<'_> {
    /// `DescribeRegions`.
    ///
    /// # Errors
    /// API or transport errors.
    pub async fn describe_regions(
        &self,
        req: &DescribeRegionsRequest,
    ) -> Result<DescribeRegionsResponse, CloudError> {
        self.call("region", "2022-06-27", "DescribeRegions", false, true, req)
            .await
    }
}
