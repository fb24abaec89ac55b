//! The setup wizard: 1 create the function from the MPS Webhook template, 2 add the MPS
//! trigger (authorizing the service roles), 3 run a workflow and see its log and COS
//! result. The team's progress is saved, so the wizard resumes where it left off; each step
//! links to the classic page that does the same work.
//!
//! The steps render in the browser only, after hydration: they nest resources inside the
//! Transition of the saved progress, which server rendering cannot line up with the
//! client's. Their data loads with `LocalResource`.
use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::cloud_types::{LogRow, WizardState};
use crate::api::cos::cos_buckets;
use crate::api::functions::CreateFunction;
use crate::api::logs::function_logs;
use crate::api::mps::StartMpsTask;
use crate::api::triggers::{mps_bindings, CreateMpsTrigger};
use crate::api::types::Role;
use crate::api::wizard::{get_wizard_state, SaveWizard};
use crate::components::form::{unit_result, variables_problem_text, FieldError, FormError};
use crate::components::poll::poll_while;
use crate::components::region_bar::region_name;
use crate::components::states::{EmptyState, ErrorBanner, Loading, ReadOnlyNotice};
use crate::contexts::use_me;
use crate::error::AppError;
use crate::i18n::{error_text, t, use_lang, Lang};
use crate::pages::cos::object_href;
use crate::pages::function_detail::triggers_tab::ServiceRoles;
use crate::pages::function_detail::FnLoc;
use crate::pages::function_fields::variables_check;
use crate::pages::function_progress::{follow_creation, CreationStatus};
use crate::{regions, routes, scf_rules};

/// The template the wizard creates the function from.
const MPS_TEMPLATE: &str = "demo-nodejs89-mps-webhook";
const STEPS: [&str; 3] = ["wizard.step1", "wizard.step2", "wizard.step3"];

/// The COS object the MPS Webhook function says it stored, as (bucket, key, region):
/// `summary stored: cos://b/k (region)`. Functions from an older template leave out the
/// region; theirs is then `default_region` (the template's default, the function's own).
pub fn summary_object(log: &str, default_region: &str) -> Option<(String, String, String)> {
    let rest = log.split("summary stored: cos://").nth(1)?;
    let line = rest.lines().next()?.trim();
    let (object, region) = match line.rsplit_once(" (") {
        Some((object, region)) if region.ends_with(')') => (object, region.trim_end_matches(')')),
        _ => (line, default_region),
    };
    let (bucket, key) = object.split_once('/')?;
    (!bucket.is_empty() && !key.is_empty() && !region.is_empty())
        .then(|| (bucket.to_owned(), key.to_owned(), region.to_owned()))
}

/// The save that records reaching `step` (never lowering the step already reached) with
/// the test task `task_id` (empty keeps the last one).
fn save_of(w: &WizardState, step: u8, task_id: &str) -> SaveWizard {
    SaveWizard {
        step: step.max(w.step),
        rid: w.rid,
        ns: w.namespace.clone(),
        name: w.function_name.clone(),
        task_id: if task_id.is_empty() {
            w.task_id.clone()
        } else {
            task_id.to_owned()
        },
    }
}

/// The save after step 1 chose the function `name`: the same function keeps the progress
/// made with it; another starts again at its trigger, without the old function's task.
fn save_function(w: &WizardState, name: &str) -> SaveWizard {
    if name == w.function_name {
        return save_of(w, 2, "");
    }
    SaveWizard {
        step: 2,
        rid: w.rid,
        ns: w.namespace.clone(),
        name: name.to_owned(),
        task_id: String::new(),
    }
}

#[component]
pub fn WizardPage() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveWizard>::new();
    // Reloaded after each successful save (a refused one changes nothing), which shows
    // the step reached: a step revisited with ?step= is done with.
    let saved = RwSignal::new(0u32);
    let advanced = StoredValue::new(false);
    let query = use_query_map();
    Effect::new(move || {
        if let Some(Ok(())) = save.value().get() {
            advanced.set_value(true);
            saved.update(|n| *n += 1);
        }
    });
    let state = LocalResource::new(move || {
        saved.track();
        get_wizard_state()
    });
    // The address names the step shown, and each step reached adds an entry to the
    // history, so that Back returns to the step before (a finished step can be shown
    // again) rather than leaving the wizard.
    let navigate = use_navigate();
    Effect::new(move || {
        let Some(Ok(w)) = state.get() else { return };
        let reached = w.step.min(3);
        let step_href = format!("{}?step={reached}", routes::WIZARD);
        let in_address = query.with_untracked(|q| q.get("step"));
        if std::mem::take(&mut *advanced.write_value()) {
            if in_address != Some(reached.to_string()) {
                navigate(&step_href, Default::default());
            }
        } else if in_address.is_none() {
            let options = NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            };
            navigate(&step_href, options);
        }
    });
    let mounted = RwSignal::new(false);
    Effect::new(move || mounted.set(true));
    let asked = Memo::new(move |_| {
        query
            .with(|q| q.get("step"))
            .and_then(|s| s.parse::<u8>().ok())
    });
    // A finished step can be revisited with ?step=; later ones cannot. A memo, so that the
    // address taking the step just reached does not render that step again.
    let shown = Memo::new(move |_| {
        let reached = state.with(|r| match r {
            Some(Ok(w)) => Some(w.step.min(3)),
            _ => None,
        })?;
        Some(
            asked
                .get()
                .filter(|s| (1..=reached).contains(s))
                .unwrap_or(reached),
        )
    });
    view! {
        <div class="page-head">
            <h1>{t(lang, "wizard.title")}</h1>
        </div>
        <p class="muted">{t(lang, "wizard.intro")}</p>
        <ReadOnlyNotice/>
        <FormError result=unit_result(save.value())/>
        // The steps render in the browser only (after hydration): they are made of nested
        // resources that server rendering could not line up with the client's.
        {move || (!mounted.get()).then(|| view! { <Loading/> })}
        <Show when=move || mounted.get()>
        <Transition fallback=Loading>
            {move || state.get().map(|r| match r {
                Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                Ok(w) => {
                    let shown = shown.get().unwrap_or(w.step.min(3));
                    view! {
                        <StepIndicator reached=w.step shown=shown lang=lang/>
                        {match shown {
                            1 => view! { <CreateStep w=w.clone() save=save/> }.into_any(),
                            2 => view! { <TriggerStep w=w.clone() save=save/> }.into_any(),
                            _ => view! { <TestStep w=w.clone() save=save/> }.into_any(),
                        }}
                    }.into_any()
                }
            })}
        </Transition>
        </Show>
    }
}

#[component]
fn StepIndicator(reached: u8, shown: u8, lang: Lang) -> impl IntoView {
    view! {
        <ol class="steps" id="wizard-steps">
            {STEPS.iter().enumerate().map(|(i, key)| {
                let n = i as u8 + 1;
                let class = match (n < reached, n == shown) {
                    // The last step, run through, is shown done too.
                    (true, true) => "current done",
                    (false, true) => "current",
                    (true, false) => "done",
                    _ => "",
                };
                let label = t(lang, key);
                view! {
                    <li class=class aria-current=(n == shown).then_some("step") data-step=n.to_string()>
                        {if n <= reached {
                            // A plain link (the router still follows it in place): the
                            // router's <A> marks every link to this path as the current page.
                            view! { <a href=format!("{}?step={n}", routes::WIZARD)>{label}</a> }.into_any()
                        } else {
                            view! { <span>{label}</span> }.into_any()
                        }}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// Step 1: the function, from the MPS Webhook template.
#[component]
fn CreateStep(w: WizardState, save: ServerAction<SaveWizard>) -> impl IntoView {
    let lang = use_lang();
    let can_edit = use_me().role().unwrap_or(Role::Viewer).can_edit();
    let create = ServerAction::<CreateFunction>::new();
    let result = unit_result(create.value());
    let name = RwSignal::new(w.function_name.clone());
    let variables = RwSignal::new(if w.demo_bucket.is_empty() {
        String::new()
    } else {
        format!("COS_BUCKET={}\nCOS_REGION=ap-beijing", w.demo_bucket)
    });
    let problem = Memo::new(move |_| scf_rules::function_name_problem(name.get().trim()));
    // Checked as typed, as the name is, so that both fields' problems show at once.
    let variables_problem = variables_check(variables);
    let (rid, ns) = (w.rid, w.namespace.clone());
    let region = regions::by_rid(rid)
        .map(|r| region_name(lang, r))
        .unwrap_or_default();
    // The name last sent to be created: the function that is used once it exists.
    let submitted = RwSignal::new(String::new());
    let w_next = w.clone();
    let advance = move || {
        save.dispatch(save_function(&w_next, &submitted.get_untracked()));
    };
    // After Create: poll until Active, then move on.
    let ns_poll = ns.clone();
    let advance_on_active = advance.clone();
    let progress = follow_creation(
        create,
        move || (rid, ns_poll.clone(), submitted.get_untracked()),
        move |_| advance_on_active(),
    );
    let created = progress.created;
    // The cloud has a function of the name sent, and the field still holds that name.
    let exists = move || {
        matches!(create.value().get(), Some(Err(AppError::Cloud { ref code, .. })) if code == "ResourceInUse.FunctionName")
            && name.with(|n| n.trim() == submitted.get())
    };
    // The wizard ends on the summary the function stores in COS: without COS_BUCKET it
    // would store none.
    let no_bucket = RwSignal::new(false);
    let ns_submit = ns.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lacks_bucket = scf_rules::lacks_variable(&variables.get_untracked(), "COS_BUCKET");
        no_bucket.set(lacks_bucket);
        if lacks_bucket {
            return;
        }
        submitted.set(name.get_untracked().trim().to_owned());
        create.dispatch(CreateFunction {
            rid,
            ns: ns_submit.clone(),
            name: submitted.get_untracked(),
            template_id: MPS_TEMPLATE.to_owned(),
            description: t(lang, "wizard.fn_description").to_owned(),
            memory_size: 128,
            timeout: 3,
            variables: variables.get_untracked(),
            role: "SCF_QcsRole".to_owned(),
        });
    };
    let classic = format!("{}?rid={rid}&ns={ns}", routes::FUNCTION_NEW);
    view! {
        <section class="card" id="wizard-step-1">
            <h2>{t(lang, "wizard.step1")}</h2>
            <p>{t(lang, "wizard.step1_text")}</p>
            <form class="form" on:submit=submit>
                <dl class="facts">
                    <dt>{t(lang, "scf.region")}</dt><dd>{format!("{region} / {ns}")}</dd>
                    <dt>{t(lang, "scf.template")}</dt><dd>{format!("MPS Webhook · Nodejs8.9 · 128 MB · 3 {}", t(lang, "unit.seconds"))}</dd>
                    <dt>{t(lang, "scf.exec_role")}</dt><dd class="mono">"SCF_QcsRole"</dd>
                </dl>
                <label for="wiz-name">{t(lang, "scf.col.name")}</label>
                <input id="wiz-name" required maxlength="60" autocomplete="off" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                {move || problem.get().map(|code| view! {
                    <p class="field-error" role="alert">{error_text(lang, &AppError::invalid("name", code))}</p>
                })}
                <FieldError result=result field="name"/>
                <label for="wiz-variables">{t(lang, "scf.variables")}</label>
                <textarea id="wiz-variables" rows="3" class="mono" prop:value=move || variables.get() on:input=move |ev| variables.set(event_target_value(&ev))></textarea>
                <p class="field-hint">{t(lang, "wizard.variables_hint")}</p>
                {move || variables_problem.get().map(|problem| view! {
                    <p class="field-error" role="alert" id="wiz-variables-problem">{variables_problem_text(lang, problem)}</p>
                })}
                <FieldError result=result field="variables"/>
                {move || no_bucket.get().then(|| view! {
                    <p class="field-error" role="alert" id="wiz-bucket-required">{t(lang, "wizard.cos_bucket_required")}</p>
                })}
                {move || exists().then(|| {
                    let advance = advance.clone();
                    view! {
                        <p class="notice notice-warn" id="wiz-exists">
                            {t(lang, "wizard.exists")}
                            " "
                            <button type="button" class="btn btn-small" id="wiz-use-existing" disabled=move || !can_edit || save.pending().get() on:click=move |_| advance()>{t(lang, "wizard.use_existing")}</button>
                        </p>
                    }
                })}
                {move || (!exists()).then(|| view! { <FormError result=result/> })}
                <CreationStatus progress=progress/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" id="wiz-create"
                        disabled=move || !can_edit || problem.get().is_some() || variables_problem.get().is_some() || create.pending().get() || created.get()>
                        {t(lang, "wizard.create")}
                    </button>
                    <A href=classic attr:class="btn">{t(lang, "wizard.classic_create")}</A>
                </div>
            </form>
        </section>
    }
}

/// Step 2: the MPS trigger for WorkflowTask on the wizard's function.
#[component]
fn TriggerStep(w: WizardState, save: ServerAction<SaveWizard>) -> impl IntoView {
    let lang = use_lang();
    let can_edit = use_me().role().unwrap_or(Role::Viewer).can_edit();
    let bind = ServerAction::<CreateMpsTrigger>::new();
    let result = unit_result(bind.value());
    let roles_ok = RwSignal::new(false);
    let bindings = LocalResource::new(move || {
        bind.version().track();
        mps_bindings()
    });
    let f = FnLoc {
        rid: w.rid,
        ns: w.namespace.clone(),
        name: w.function_name.clone(),
    };
    let region = regions::by_rid(w.rid).map(|r| r.id).unwrap_or_default();
    let f_state = f.clone();
    // Who holds WorkflowTask: None = nobody, Some(true) = this function, Some(false) = another.
    let holder = Memo::new(move |_| {
        bindings.get().and_then(Result::ok).map(|bs| {
            bs.into_iter()
                .find(|b| b.event_type == "WorkflowTask")
                .map(|b| {
                    let mine = b.region == region
                        && b.namespace == f_state.ns
                        && b.function_name == f_state.name;
                    (
                        mine,
                        format!("{}/{}/{}", b.region, b.namespace, b.function_name),
                    )
                })
        })
    });
    let w_next = w.clone();
    let next = move || {
        save.dispatch(save_of(&w_next, 3, ""));
    };
    let next_on_bind = next.clone();
    Effect::new(move || {
        if let Some(Ok(())) = bind.value().get() {
            next_on_bind();
        }
    });
    let f_bind = f.clone();
    let classic = f.href("triggers");
    view! {
        <section class="card" id="wizard-step-2">
            <h2>{t(lang, "wizard.step2")}</h2>
            <p>{t(lang, "wizard.step2_text")}</p>
            <p class="mono">{format!("{} · WorkflowTask → {}", t(lang, "trigger.mps"), f.name)}</p>
            <h3>{t(lang, "roles.title")}</h3>
            <ServiceRoles ok=roles_ok/>
            <Transition fallback=Loading>
            {move || match holder.get() {
                // Who holds WorkflowTask is unknown: binding now could fail or mislead.
                None if bindings.with(|b| matches!(b, Some(Err(_)))) => {
                    bindings.get().and_then(Result::err).map(|error| view! { <ErrorBanner error=error/> }).into_any()
                }
                Some(Some((true, _))) => view! {
                    <p class="notice" id="wiz-bound">{t(lang, "wizard.bound")}</p>
                    <div class="form-actions">
                        <button type="button" class="btn btn-primary" id="wiz-next" disabled=!can_edit on:click={
                            let next = next.clone();
                            move |_| { next(); }
                        }>{t(lang, "wizard.next")}</button>
                    </div>
                }.into_any(),
                Some(Some((false, who))) => view! {
                    <p class="notice notice-warn" id="event-holder">
                        {format!("{} {who} — {}", t(lang, "trigger.held_by"), t(lang, "trigger.held_hint"))}
                    </p>
                }.into_any(),
                _ => {
                    let f = f_bind.clone();
                    view! {
                        <FormError result=result/>
                        <div class="form-actions">
                            <button type="button" class="btn btn-primary" id="wiz-bind"
                                disabled=move || !can_edit || !roles_ok.get() || bind.pending().get()
                                on:click=move |_| {
                                    bind.dispatch(CreateMpsTrigger {
                                        rid: f.rid,
                                        ns: f.ns.clone(),
                                        name: f.name.clone(),
                                        event_type: "WorkflowTask".to_owned(),
                                    });
                                }>
                                {t(lang, "wizard.bind")}
                            </button>
                        </div>
                    }.into_any()
                }
            }}
            </Transition>
            <p><A href=classic>{t(lang, "wizard.classic_trigger")}</A></p>
        </section>
    }
}

/// Step 3: run ProcessMedia on the sample video, then find the invocation and the summary.
#[component]
fn TestStep(w: WizardState, save: ServerAction<SaveWizard>) -> impl IntoView {
    let lang = use_lang();
    let can_edit = use_me().role().unwrap_or(Role::Viewer).can_edit();
    let start = ServerAction::<StartMpsTask>::new();
    let result = unit_result(start.value());
    let buckets = LocalResource::new(cos_buckets);
    let bucket = RwSignal::new(w.demo_bucket.clone());
    let object = RwSignal::new("input/sample.mp4".to_owned());
    let w_start = w.clone();
    Effect::new(move || {
        if let Some(Ok(task_id)) = start.value().get() {
            save.dispatch(save_of(&w_start, 3, &task_id));
        }
    });
    // Without a demo bucket (Tencent Cloud), the first bucket is the default.
    Effect::new(move || {
        if let Some(Ok(list)) = buckets.get() {
            if bucket.get_untracked().is_empty() {
                if let Some(b) = list.first() {
                    bucket.set(b.name.clone());
                }
            }
        }
    });
    let has_bucket = move || buckets.with(|b| matches!(b, Some(Ok(list)) if !list.is_empty()));
    let rid = w.rid;
    let run = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let list = buckets
            .get_untracked()
            .and_then(Result::ok)
            .unwrap_or_default();
        let chosen = bucket.get_untracked();
        let Some(b) = list.iter().find(|b| b.name == chosen).or(list.first()) else {
            return;
        };
        start.dispatch(StartMpsTask {
            rid,
            kind: "WorkflowTask".to_owned(),
            input_bucket: b.name.clone(),
            input_region: b.region.clone(),
            object: object.get_untracked().trim().to_owned(),
            output_bucket: b.name.clone(),
            output_region: b.region.clone(),
            output_dir: "/output/".to_owned(),
            transcode: true,
            snapshot: true,
            clip_start: 0.0,
            clip_end: 0.0,
        });
    };
    let f = FnLoc {
        rid: w.rid,
        ns: w.namespace.clone(),
        name: w.function_name.clone(),
    };
    view! {
        <section class="card" id="wizard-step-3">
            <h2>{t(lang, "wizard.step3")}</h2>
            <p>{t(lang, "wizard.step3_text")}</p>
            <form class="form" on:submit=run>
                <label for="wiz-bucket">{t(lang, "mps.input_bucket")}</label>
                <Transition fallback=Loading>
                    {move || buckets.get().map(|r| match r {
                        Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <EmptyState title=t(lang, "cos.no_buckets").to_owned() hint=t(lang, "cos.no_buckets_hint").to_owned()/>
                        }.into_any(),
                        Ok(list) => {
                            view! {
                                <select id="wiz-bucket" on:change=move |ev| bucket.set(event_target_value(&ev))>
                                    {list.into_iter().map(|b| {
                                        let n = b.name.clone();
                                        view! { <option value=b.name.clone() selected=move || bucket.get() == n>{b.name.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            }.into_any()
                        }
                    })}
                </Transition>
                <label for="wiz-object">{t(lang, "mps.object")}</label>
                <input id="wiz-object" class="mono" required maxlength="850" prop:value=move || object.get() on:input=move |ev| object.set(event_target_value(&ev))/>
                <FieldError result=result field="object"/>
                <FormError result=result/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" id="wiz-run" disabled=move || !can_edit || !has_bucket() || start.pending().get()>
                        {t(lang, "wizard.run")}
                    </button>
                    <A href=format!("{}?rid={}", routes::MPS, w.rid) attr:class="btn">{t(lang, "wizard.classic_mps")}</A>
                </div>
            </form>
            {(!w.task_id.is_empty()).then(|| view! { <TestResult w=w.clone() f=f.clone() save=save/> })}
        </section>
    }
}

/// The invocation the wizard's test task triggered, and the summary it stored.
#[component]
fn TestResult(w: WizardState, f: FnLoc, save: ServerAction<SaveWizard>) -> impl IntoView {
    let lang = use_lang();
    // Poll every 2 s until the invocation shows up.
    let waiting = RwSignal::new(true);
    let tick = poll_while(move || waiting.get(), Duration::from_secs(2));
    let task_id = w.task_id.clone();
    let fq = f.clone();
    let logs = LocalResource::new(move || {
        tick.track();
        let (f, task) = (fq.clone(), task_id.clone());
        async move {
            let all = "all".to_owned();
            let range = "1d".to_owned();
            function_logs(
                f.rid,
                f.ns,
                f.name,
                range,
                0,
                0,
                String::new(),
                task,
                all,
                1,
            )
            .await
        }
    });
    // The keyword narrows the query where the cloud supports it; the row must still name
    // the task (Tencent Cloud may ignore the keyword).
    let wanted = w.task_id.clone();
    let found = Memo::new(move |_| {
        logs.get()
            .and_then(Result::ok)
            .and_then(|p| p.items.into_iter().find(|r| r.log.contains(&wanted)))
    });
    let w_done = w.clone();
    let can_edit = use_me().role().unwrap_or(Role::Viewer).can_edit();
    let sent = StoredValue::new(false);
    Effect::new(move || {
        waiting.set(found.get().is_none());
        if let Some(row) = found.get() {
            if row.ret_code == 0 && w_done.step < 4 && can_edit && !sent.get_value() {
                sent.set_value(true);
                save.dispatch(save_of(&w_done, 4, &w_done.task_id));
            }
        }
    });
    let region = regions::by_rid(w.rid).map(|r| r.id).unwrap_or_default();
    let logs_href = format!(
        "{}&keyword={}",
        f.href("logs"),
        crate::format::url_encode(&w.task_id)
    );
    view! {
        <h3>{t(lang, "wizard.result")}</h3>
        <p>{t(lang, "wizard.task")} " " <span class="mono" id="wiz-task">{w.task_id.clone()}</span></p>
        <Transition fallback=Loading>
            {move || match found.get() {
                // The query's error (a deleted function, no log topic, an outage), with its
                // code and RequestId; the polling goes on, so a passing fault clears.
                None => match logs.get().and_then(Result::err) {
                    Some(error) => view! { <ErrorBanner error=error/> }.into_any(),
                    None => view! { <p class="state state-loading" role="status" id="wiz-waiting">{t(lang, "wizard.waiting")}</p> }.into_any(),
                },
                Some(row) => view! { <FoundInvocation row=row logs_href=logs_href.clone() region=region lang=lang/> }.into_any(),
            }}
        </Transition>
    }
}

#[component]
fn FoundInvocation(
    row: LogRow,
    logs_href: String,
    region: &'static str,
    lang: Lang,
) -> impl IntoView {
    let ok = row.ret_code == 0;
    let summary = summary_object(&row.log, region);
    view! {
        <div id="wiz-invocation" data-request-id=row.request_id.clone()>
            <p>
                <span class=if ok { "badge badge-ok" } else { "badge badge-bad" }>
                    {if ok { t(lang, "logs.success") } else { t(lang, "logs.failure") }}
                </span>
                " RequestId " <span class="mono">{row.request_id.clone()}</span>
                {format!(" · {:.0} ms", row.duration_ms)}
            </p>
            <pre class="code log-text" id="wiz-log">{row.log.clone()}</pre>
            <p class="toolbar">
                <A href=logs_href attr:id="wiz-log-link">{t(lang, "wizard.open_log")}</A>
                {summary.map(|(bucket, key, region)| view! {
                    <A href=object_href(&bucket, &region, &key) attr:id="wiz-summary-link">{format!("{} {key}", t(lang, "wizard.open_summary"))}</A>
                })}
            </p>
            {ok.then(|| view! { <p class="notice" id="wiz-done">{t(lang, "wizard.done")}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::summary_object;

    #[test]
    fn finds_the_summary_in_the_log() {
        let found = |bucket: &str, key: &str, region: &str| {
            Some((bucket.to_owned(), key.to_owned(), region.to_owned()))
        };
        let log = "START\nsummary stored: cos://media-125/mps-callback/1-x.json (ap-shanghai)\nEND";
        assert_eq!(
            summary_object(log, "ap-beijing"),
            found("media-125", "mps-callback/1-x.json", "ap-shanghai")
        );
        // An older template's line, without the region.
        let log = "START\nsummary stored: cos://media-125/mps-callback/1-x.json\nEND";
        assert_eq!(
            summary_object(log, "ap-guangzhou"),
            found("media-125", "mps-callback/1-x.json", "ap-guangzhou")
        );
        assert_eq!(summary_object("COS_BUCKET is not set", "ap-beijing"), None);
    }
}
