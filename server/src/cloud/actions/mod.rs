//! Typed calls: one request/response pair per action the console uses, over
//! [`CloudClient::call`](super::client::CloudClient::call). Field names are the API's
//! (PascalCase); nested structures the console only passes through stay JSON.
pub mod cam;
pub mod cls;
pub mod mps;
pub mod region;
pub mod scf;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::client::{Call, CloudClient, Credentials};
use super::error::CloudError;

/// A client bound to credentials and a region.
#[derive(Clone, Copy)]
pub struct Api<'a> {
    pub client: &'a CloudClient,
    pub creds: &'a Credentials,
    /// `X-TC-Region` for regional services.
    pub region: &'a str,
}

impl Api<'_> {
    async fn call<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        service: &str,
        version: &str,
        action: &str,
        regional: bool,
        idempotent: bool,
        req: &Req,
    ) -> Result<Resp, CloudError> {
        let params = serde_json::to_value(req)
            .map_err(|e| CloudError::Transport(format!("encoding {action}: {e}")))?;
        let call = Call {
            service,
            version,
            action,
            region: regional.then_some(self.region),
            idempotent,
        };
        self.client.call(self.creds, call, &params).await
    }
}

/// Reads a field the API may send as `null` (SCF documents `Runtime` so, for one) as
/// its default; `#[serde(default)]` alone covers only a missing field.
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A response with nothing but its RequestId.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Empty {
    pub request_id: String,
}
