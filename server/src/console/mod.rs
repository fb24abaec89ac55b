//! The cloud pages' backend ([`app::ssr::CloudPort`]): each method resolves the caller and
//! checks their role, then calls the team's cloud account (the emulator or Tencent Cloud)
//! through the typed client, and records what it changed in the audit log.
pub mod cos;
mod functions;
mod logs;
mod logs_cls;
mod mps;
mod triggers;
mod wizard;

use std::sync::Arc;

use app::api::cloud_types::{
    AuditPage, BucketRow, FunctionCode, FunctionDetail, FunctionPage, LogPage, MpsBinding,
    ObjectPage, ObjectPreview, RoleStatus, TaskPage, TemplateCard, TemplateDetail, TriggerRow,
    WizardState,
};
use app::api::types::Role;
use app::i18n::Lang;
use app::ssr::{
    BucketRef, CloudPort, FnRef, FunctionConfig, FunctionQuery, LogQuery, NewFunction, NewTask,
    ObjectDownload, Req,
};
use async_trait::async_trait;

use crate::backend::{Actor, ConsoleBackend};
use crate::cloud::actions::Api;
use crate::cloud::client::{CloudClient, Credentials, Endpoint};
use crate::cloud::cos::CosClient;
use crate::cloud::error::CloudError;
use crate::db::audit_event::{self, NewAuditEvent};
use crate::error::AppResult;

/// The cloud console over the team backend.
pub struct CloudConsole {
    backend: Arc<ConsoleBackend>,
    /// One client per console language (English, Chinese), so that the cloud's own error
    /// messages come back in the language the user reads (`X-TC-Language`).
    emulator: [CloudClient; 2],
    tencent: [CloudClient; 2],
    cos_http: reqwest::Client,
}

/// `client` once per console language: English, then Chinese.
fn per_language(client: &CloudClient) -> [CloudClient; 2] {
    [Lang::En, Lang::Zh].map(|lang| client.clone().with_language(lang.cloud_language()))
}

/// A caller acting on their team's cloud account.
struct Session<'a> {
    actor: Actor,
    creds: Credentials,
    endpoint: Endpoint,
    client: &'a CloudClient,
    cos_http: &'a reqwest::Client,
}

impl Session<'_> {
    fn api<'b>(&'b self, region: &'b str) -> Api<'b> {
        Api {
            client: self.client,
            creds: &self.creds,
            region,
        }
    }

    fn cos(&self) -> CosClient {
        CosClient::with_http(
            self.cos_http.clone(),
            self.endpoint.clone(),
            self.creds.clone(),
        )
    }
}

impl CloudConsole {
    /// A console whose teams on the emulator talk to the backend's emulator URL.
    ///
    /// # Errors
    /// The HTTP client failing to initialise.
    pub fn new(backend: Arc<ConsoleBackend>) -> Result<Self, CloudError> {
        let timeout = backend.cloud_timeout();
        let emulator = CloudClient::with_timeout(
            Endpoint::Custom(backend.emulator_url().to_owned()),
            timeout,
        )?;
        let tencent = CloudClient::with_timeout(backend.tencent_endpoint(), timeout)?;
        Ok(Self {
            backend,
            emulator: per_language(&emulator),
            tencent: per_language(&tencent),
            cos_http: CosClient::http()?,
        })
    }

    /// The caller (with at least `min` in their team) and the team's cloud credentials.
    async fn session(&self, req: &Req, min: Role) -> AppResult<Session<'_>> {
        let actor = self.backend.actor(req, min).await?;
        let (creds, endpoint) = self.backend.cloud_for(req, actor.team_id).await?;
        let clients = match endpoint {
            Endpoint::Tencent => &self.tencent,
            Endpoint::Custom(_) => &self.emulator,
        };
        let lang = app::i18n::request_lang();
        let client = &clients[usize::from(lang == Lang::Zh)];
        Ok(Session {
            actor,
            creds,
            endpoint,
            client,
            cos_http: &self.cos_http,
        })
    }

    /// Records a change in the team's audit log ([`audit_event::record`]).
    async fn audit(&self, actor: Actor, action: &str, target: &str, region: &str, rid: &str) {
        let event = NewAuditEvent {
            team_id: actor.team_id,
            user_id: actor.user_id,
            action,
            target,
            region,
            request_id: rid,
        };
        audit_event::record(self.backend.db(), &event).await;
    }
}

#[async_trait]
impl CloudPort for CloudConsole {
    async fn list_functions(&self, req: &Req, q: FunctionQuery) -> AppResult<FunctionPage> {
        functions::list(self, req, q).await
    }

    async fn list_namespaces(&self, req: &Req, region: &str) -> AppResult<Vec<String>> {
        functions::namespaces(self, req, region).await
    }

    async fn templates(&self, req: &Req) -> AppResult<Vec<TemplateCard>> {
        self.backend.actor(req, Role::Viewer).await?;
        Ok(crate::templates::TEMPLATES
            .iter()
            .map(functions::card)
            .collect())
    }

    async fn template(&self, req: &Req, id: &str) -> AppResult<TemplateDetail> {
        self.backend.actor(req, Role::Viewer).await?;
        functions::template(id)
    }

    async fn create_function(&self, req: &Req, input: NewFunction) -> AppResult<()> {
        functions::create(self, req, input).await
    }

    async fn get_function(&self, req: &Req, f: FnRef) -> AppResult<FunctionDetail> {
        functions::get(self, req, f).await
    }

    async fn update_function(&self, req: &Req, input: FunctionConfig) -> AppResult<()> {
        functions::update(self, req, input).await
    }

    async fn delete_function(&self, req: &Req, f: FnRef) -> AppResult<()> {
        functions::delete(self, req, f).await
    }

    async fn list_triggers(&self, req: &Req, f: FnRef) -> AppResult<Vec<TriggerRow>> {
        let s = self.session(req, Role::Viewer).await?;
        triggers::list(&s, &f).await
    }

    async fn service_roles(&self, req: &Req) -> AppResult<Vec<RoleStatus>> {
        let s = self.session(req, Role::Viewer).await?;
        triggers::service_roles(&s).await
    }

    async fn authorize_role(&self, req: &Req, name: &str) -> AppResult<RoleStatus> {
        triggers::authorize_role(self, req, name).await
    }

    async fn mps_bindings(&self, req: &Req) -> AppResult<Vec<MpsBinding>> {
        triggers::bindings(self, req).await
    }

    async fn bind_mps_trigger(&self, req: &Req, f: FnRef, event_type: &str) -> AppResult<()> {
        triggers::bind_mps(self, req, f, event_type).await
    }

    async fn delete_trigger(
        &self,
        req: &Req,
        f: FnRef,
        trigger_name: &str,
        kind: &str,
    ) -> AppResult<()> {
        triggers::delete(self, req, f, trigger_name, kind).await
    }

    async fn function_logs(&self, req: &Req, q: LogQuery) -> AppResult<LogPage> {
        let s = self.session(req, Role::Viewer).await?;
        logs::query(&s, q).await
    }

    async fn audit_log(&self, req: &Req, page: u32) -> AppResult<AuditPage> {
        logs::audit(self, req, page).await
    }

    async fn function_code(&self, req: &Req, f: FnRef) -> AppResult<FunctionCode> {
        functions::code(self, req, f).await
    }

    async fn buckets(&self, req: &Req) -> AppResult<Vec<BucketRow>> {
        cos::buckets(self, req).await
    }

    async fn list_objects(
        &self,
        req: &Req,
        b: BucketRef,
        prefix: &str,
        marker: &str,
    ) -> AppResult<ObjectPage> {
        cos::list(self, req, b, prefix, marker).await
    }

    async fn preview_object(&self, req: &Req, b: BucketRef, key: &str) -> AppResult<ObjectPreview> {
        cos::preview(self, req, b, key).await
    }

    async fn download_object(
        &self,
        req: &Req,
        b: BucketRef,
        key: &str,
        range: Option<&str>,
    ) -> AppResult<ObjectDownload> {
        cos::download(self, req, b, key, range).await
    }

    async fn wizard_state(&self, req: &Req) -> AppResult<WizardState> {
        wizard::state(self, req).await
    }

    async fn save_wizard(&self, req: &Req, state: WizardState) -> AppResult<()> {
        wizard::save(self, req, state).await
    }

    async fn mps_tasks(&self, req: &Req, region: &str, next: &str) -> AppResult<TaskPage> {
        mps::tasks(self, req, region, next).await
    }

    async fn start_task(&self, req: &Req, task: NewTask) -> AppResult<String> {
        mps::start(self, req, task).await
    }
}
