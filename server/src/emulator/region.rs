//! The region API (`region`, 2022-06-27): `DescribeRegions` for a product.
use serde_json::{json, Value};

use super::api::{req_str, ApiError};
use super::verify::CallContext;

/// The region API version this module speaks.
pub const VERSION: &str = "2022-06-27";

/// Dispatches a region action.
pub fn handle(ctx: &CallContext, params: &Value) -> Result<Value, ApiError> {
    match ctx.action.as_str() {
        "DescribeRegions" => {
            let product = req_str(params, "Product")?;
            let english = ctx.language.as_deref() == Some("en-US");
            let regions: Vec<Value> = app::regions::REGIONS
                .iter()
                .filter(|r| product != "scf" || r.scf)
                .map(|r| {
                    json!({"Region": r.id, "RegionName": if english { r.name_en } else { r.name_zh },
                           "RegionState": "AVAILABLE", "RegionTypeMC": null, "LocationMC": null,
                           "RegionNameMC": null, "RegionIdMC": null})
                })
                .collect();
            Ok(json!({"TotalCount": regions.len(), "RegionSet": regions}))
        }
        other => Err(ApiError::new(
            "InvalidAction",
            format!("The action {other} is not supported by service region."),
        )),
    }
}
