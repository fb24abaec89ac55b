//! A signed-in browser of the console, calling server functions as the app's JavaScript
//! does (form-encoded POSTs under `/api`).
use serde_json::Value;

use crate::BenchError;

pub const EMAIL: &str = "bench@example.com";
pub const PASSWORD: &str = "bench-password-123";

/// One browser session: its own cookie jar.
#[derive(Clone)]
pub struct Console {
    pub client: reqwest::Client,
    pub base: String,
}

impl Console {
    fn new(base: &str) -> Result<Self, BenchError> {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(4)
            .build()?;
        Ok(Console {
            client,
            base: base.to_owned(),
        })
    }

    /// Creates the console's first owner and team; returns the owner's session.
    pub async fn setup_owner(base: &str) -> Result<Self, BenchError> {
        let c = Self::new(base)?;
        c.call(
            "setup_owner",
            &[
                ("team_name", "Bench"),
                ("display_name", "Bench Owner"),
                ("email", EMAIL),
                ("password", PASSWORD),
            ],
        )
        .await?;
        Ok(c)
    }

    /// A further session of the owner, as another browser would sign in.
    pub async fn sign_in(base: &str) -> Result<Self, BenchError> {
        let c = Self::new(base)?;
        c.call("login", &[("email", EMAIL), ("password", PASSWORD)])
            .await?;
        Ok(c)
    }

    /// Calls server function `endpoint`; a non-2xx answer is an error with its body.
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> Result<Value, BenchError> {
        let res = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await?;
        let status = res.status();
        let text = res.text().await?;
        if !status.is_success() {
            return Err(BenchError::new(format!("{endpoint}: {status} {text}")));
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }
}
