//! MPS: start a video-processing (ProcessMedia) or edit-media (EditMedia) task on a COS
//! object, and follow the tasks: status, the invocation each one triggered (the log query
//! of the function bound to its event type, searched by TaskId) and its output objects.
use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::cloud_types::{BucketRow, MpsBinding, TaskRow};
use crate::api::cos::cos_buckets;
use crate::api::mps::{mps_tasks, StartMpsTask};
use crate::api::triggers::mps_bindings;
use crate::api::types::Role;
use crate::components::cursor_pager::{CursorPager, PageCursor};
use crate::components::form::{unit_result, FieldError};
use crate::components::poll::poll_while;
use crate::components::region_bar::{region_name, DEFAULT_RID};
use crate::components::states::{EmptyState, ErrorBanner, Loading, ReadOnlyNotice};
use crate::contexts::{use_me, use_toasts};
use crate::error::AppError;
use crate::format::{beijing_time, url_encode};
use crate::i18n::{error_text, t, use_lang, Lang};
use crate::pages::cos::object_href;
use crate::routes;

/// The log query of the function bound to the task's event type, searched by TaskId.
pub fn invocation_href(bindings: &[MpsBinding], task: &TaskRow) -> Option<String> {
    let b = bindings.iter().find(|b| b.event_type == task.task_type)?;
    let rid = crate::regions::by_id(&b.region)?.rid;
    Some(format!(
        "{}?rid={rid}&ns={}&name={}&tab=logs&keyword={}",
        routes::FUNCTION_DETAIL,
        b.namespace,
        b.function_name,
        url_encode(&task.task_id)
    ))
}

fn status_class(status: &str, err_code: i64) -> &'static str {
    match status {
        "FINISH" if err_code == 0 => "badge badge-ok",
        "FINISH" => "badge badge-bad",
        _ => "badge badge-busy",
    }
}

/// A task's status in words; the API's own value (`FINISH`, …) is the badge's title.
fn status_label(lang: Lang, status: &str, err_code: i64) -> String {
    match status {
        "FINISH" if err_code == 0 => t(lang, "mps.status_finish").to_owned(),
        "FINISH" => t(lang, "mps.status_failed").to_owned(),
        "PROCESSING" => t(lang, "mps.status_processing").to_owned(),
        "WAITING" => t(lang, "mps.status_waiting").to_owned(),
        other => other.to_owned(),
    }
}

#[component]
pub fn MpsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let navigate = use_navigate();
    let rid = Memo::new(move |_| {
        query
            .with(|q| q.get("rid"))
            .and_then(|r| r.parse::<u32>().ok())
            .filter(|r| crate::regions::by_rid(*r).is_some_and(|x| x.scf))
            .unwrap_or(DEFAULT_RID)
    });
    let started = RwSignal::new(0u32);
    view! {
        <div class="page-head">
            <h1>{t(lang, "mps.title")}</h1>
            <div class="region-bar">
                <label for="mps-region">{t(lang, "scf.region")}</label>
                <select id="mps-region" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    navigate(&format!("{}?rid={v}", routes::MPS), Default::default());
                }>
                    {crate::regions::REGIONS.iter().filter(|r| r.scf).map(|r| view! {
                        <option value=r.rid.to_string() selected=move || rid.get() == r.rid prop:selected=move || rid.get() == r.rid>{region_name(lang, r)}</option>
                    }).collect_view()}
                </select>
            </div>
        </div>
        <StartTask rid=rid started=started/>
        <TaskList rid=rid started=started/>
    }
}

/// The cloud found no input object: said by the object's field, with the cloud's code
/// and RequestId.
fn object_missing(e: &AppError) -> bool {
    matches!(e, AppError::Cloud { code, .. } if code == "ResourceNotFound.CosObjectNotExist")
}

#[component]
fn StartTask(rid: Memo<u32>, started: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let can_edit = use_me().role().unwrap_or(Role::Viewer).can_edit();
    let toasts = use_toasts();
    let start = ServerAction::<StartMpsTask>::new();
    let buckets = Resource::new(|| (), |_| cos_buckets());
    let kind = RwSignal::new("WorkflowTask".to_owned());
    let input_bucket = RwSignal::new(String::new());
    let object = RwSignal::new("input/sample.mp4".to_owned());
    let output_bucket = RwSignal::new(String::new());
    let output_dir = RwSignal::new("/output/".to_owned());
    let transcode = RwSignal::new(true);
    let snapshot = RwSignal::new(true);
    let clip_start = RwSignal::new("0".to_owned());
    let clip_end = RwSignal::new("2".to_owned());
    Effect::new(move || match start.value().get() {
        Some(Ok(task_id)) => {
            toasts.success(format!("{} {task_id}", t(lang, "mps.started")));
            started.update(|n| *n += 1);
        }
        // An error of a field on the form shows next to it; the others as a toast.
        Some(Err(e))
            if !e.field().is_some_and(|f| FORM_FIELDS.contains(&f)) && !object_missing(&e) =>
        {
            toasts.error(error_text(lang, &e))
        }
        _ => {}
    });
    let error = unit_result(start.value());
    // The first bucket is the default input and output.
    Effect::new(move || {
        if let Some(Ok(list)) = buckets.get() {
            if let Some(first) = list.first() {
                if input_bucket.get_untracked().is_empty() {
                    input_bucket.set(first.name.clone());
                }
                if output_bucket.get_untracked().is_empty() {
                    output_bucket.set(first.name.clone());
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let list = buckets
            .get_untracked()
            .and_then(Result::ok)
            .unwrap_or_default();
        let region_of = |name: String| {
            list.iter()
                .find(|b| b.name == name)
                .map(|b| b.region.clone())
                .unwrap_or_default()
        };
        let region = region_of(input_bucket.get_untracked());
        let out_region = region_of(output_bucket.get_untracked());
        start.dispatch(StartMpsTask {
            rid: rid.get_untracked(),
            kind: kind.get_untracked(),
            input_bucket: input_bucket.get_untracked(),
            input_region: region,
            object: object.get_untracked().trim().to_owned(),
            output_bucket: output_bucket.get_untracked(),
            output_region: out_region,
            output_dir: output_dir.get_untracked().trim().to_owned(),
            transcode: transcode.get_untracked(),
            snapshot: snapshot.get_untracked(),
            clip_start: clip_start
                .get_untracked()
                .trim()
                .parse()
                .unwrap_or(f64::NAN),
            clip_end: clip_end.get_untracked().trim().parse().unwrap_or(f64::NAN),
        });
    };
    let bucket_options = move |selected: RwSignal<String>, list: &[BucketRow]| {
        list.iter()
            .map(|b| {
                let name = b.name.clone();
                let n2 = name.clone();
                view! { <option value=name.clone() selected=move || selected.get() == n2>{format!("{name} ({})", b.region)}</option> }
            })
            .collect_view()
    };
    view! {
        <section class="card">
            <h2>{t(lang, "mps.start_title")}</h2>
            <ReadOnlyNotice/>
            <Transition fallback=Loading>
                {move || buckets.get().map(|r| match r {
                    Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <EmptyState title=t(lang, "cos.no_buckets").to_owned() hint=t(lang, "cos.no_buckets_hint").to_owned()/>
                    }.into_any(),
                    Ok(list) => {
                        view! {
                            <form class="form form-wide" id="task-form" on:submit=submit>
                                <fieldset class="inline-choices">
                                    <legend>{t(lang, "mps.kind")}</legend>
                                    <label class="inline-check">
                                        <input type="radio" name="kind" id="task-kind-workflow" value="WorkflowTask"
                                            prop:checked=move || kind.get() == "WorkflowTask" on:change=move |_| kind.set("WorkflowTask".to_owned())/>
                                        {t(lang, "mps.kind_process")}
                                    </label>
                                    <label class="inline-check">
                                        <input type="radio" name="kind" id="task-kind-edit" value="EditMediaTask"
                                            prop:checked=move || kind.get() == "EditMediaTask" on:change=move |_| kind.set("EditMediaTask".to_owned())/>
                                        {t(lang, "mps.kind_edit")}
                                    </label>
                                </fieldset>
                                <label for="task-input-bucket">{t(lang, "mps.input_bucket")}</label>
                                <select id="task-input-bucket" on:change=move |ev| input_bucket.set(event_target_value(&ev))>
                                    {bucket_options(input_bucket, &list)}
                                </select>
                                <FieldError result=error field="input_bucket"/>
                                <label for="task-object">{t(lang, "mps.object")}</label>
                                <input id="task-object" class="mono" required maxlength="850" prop:value=move || object.get() on:input=move |ev| object.set(event_target_value(&ev))/>
                                <FieldError result=error field="object"/>
                                {move || error.get().and_then(Result::err).filter(object_missing).map(|e| view! {
                                    <p class="field-error" role="alert" id="object-missing">{error_text(lang, &e)}</p>
                                })}
                                <label for="task-output-bucket">{t(lang, "mps.output_bucket")}</label>
                                <select id="task-output-bucket" on:change=move |ev| output_bucket.set(event_target_value(&ev))>
                                    {bucket_options(output_bucket, &list)}
                                </select>
                                <FieldError result=error field="output_bucket"/>
                                <label for="task-output-dir">{t(lang, "mps.output_dir")}</label>
                                <input id="task-output-dir" class="mono" required maxlength="256" prop:value=move || output_dir.get() on:input=move |ev| output_dir.set(event_target_value(&ev))/>
                                <FieldError result=error field="output_dir"/>
                                <Show when=move || kind.get() == "WorkflowTask"
                                    fallback=move || view! {
                                        <label for="clip-start">{t(lang, "mps.clip_start")}</label>
                                        <input id="clip-start" type="number" min="0" step="0.1" prop:value=move || clip_start.get() on:input=move |ev| clip_start.set(event_target_value(&ev))/>
                                        <label for="clip-end">{t(lang, "mps.clip_end")}</label>
                                        <input id="clip-end" type="number" min="0" step="0.1" prop:value=move || clip_end.get() on:input=move |ev| clip_end.set(event_target_value(&ev))/>
                                        <FieldError result=error field="clip_end"/>
                                    }>
                                    <fieldset class="inline-choices">
                                        <legend>{t(lang, "mps.task_types")}</legend>
                                        <label class="inline-check">
                                            <input type="checkbox" id="task-transcode" prop:checked=move || transcode.get() on:change=move |ev| transcode.set(event_target_checked(&ev))/>
                                            {t(lang, "mps.transcode")}
                                        </label>
                                        <label class="inline-check">
                                            <input type="checkbox" id="task-snapshot" prop:checked=move || snapshot.get() on:change=move |ev| snapshot.set(event_target_checked(&ev))/>
                                            {t(lang, "mps.snapshot")}
                                        </label>
                                    </fieldset>
                                    <FieldError result=error field="transcode"/>
                                </Show>
                                <div class="form-actions">
                                    <button type="submit" class="btn btn-primary" id="start-task"
                                        disabled=move || !can_edit || start.pending().get()
                                        title=move || if can_edit { "" } else { t(lang, "role.read_only") }>
                                        {move || if start.pending().get() { t(lang, "mps.starting") } else { t(lang, "mps.start") }}
                                    </button>
                                </div>
                            </form>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TaskList(rid: Memo<u32>, started: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let busy = RwSignal::new(false);
    // Refresh every 3 s while a task on this page is still running.
    let tick = poll_while(move || busy.get(), Duration::from_secs(3));
    let token = PageCursor::new();
    // A scroll token belongs to one region's list.
    Effect::new(move || {
        rid.track();
        token.reset();
    });
    let tasks = Resource::new(
        move || (rid.get(), token.get(), started.get(), tick.get()),
        |(rid, next, _, _)| mps_tasks(rid, next),
    );
    let bindings = Resource::new(move || started.get(), |_| mps_bindings());
    Effect::new(move || {
        busy.set(tasks.with(|r| {
            r.as_ref()
                .and_then(|r| r.as_ref().ok())
                .is_some_and(|p| p.tasks.iter().any(|t| t.status != "FINISH"))
        }));
    });
    view! {
        <section class="card">
            <div class="toolbar">
                <h2>{t(lang, "mps.tasks")}</h2>
                <button type="button" class="btn btn-small" id="refresh-tasks" on:click=move |_| tick.update(|t| *t += 1)>{t(lang, "action.refresh")}</button>
            </div>
            <Transition fallback=Loading>
                {move || tasks.get().map(|r| match r {
                    Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                    Ok(p) if p.tasks.is_empty() => view! {
                        <EmptyState title=t(lang, "mps.no_tasks").to_owned() hint=t(lang, "mps.no_tasks_hint").to_owned()/>
                    }.into_any(),
                    Ok(p) => {
                        // Without the bindings (their call failed), which function a task
                        // triggered is unknown: said so, not "no trigger".
                        let (held, held_error) = match bindings.get() {
                            Some(Ok(b)) => (Some(b), None),
                            Some(Err(e)) => (None, Some(e)),
                            None => (None, None),
                        };
                        let next = (!p.next.is_empty()).then(|| p.next.clone());
                        view! {
                            {held_error.map(|error| view! { <ErrorBanner error=error/> })}
                            <table class="table" id="task-table">
                                <thead><tr>
                                    <th>"TaskId"</th>
                                    <th>{t(lang, "mps.col_type")}</th>
                                    <th>{t(lang, "mps.col_status")}</th>
                                    <th>{t(lang, "mps.col_created")}</th>
                                    <th>{t(lang, "mps.col_invocation")}</th>
                                    <th>{t(lang, "mps.col_outputs")}</th>
                                </tr></thead>
                                <tbody>
                                    {p.tasks.into_iter().map(|task| view! { <TaskLine task=task bindings=held.clone() lang=lang/> }).collect_view()}
                                </tbody>
                            </table>
                            <CursorPager cursor=token next=next/>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

/// The task form's fields that show their own errors.
const FORM_FIELDS: [&str; 6] = [
    "input_bucket",
    "object",
    "output_bucket",
    "output_dir",
    "clip_end",
    "transcode",
];

#[component]
fn TaskLine(task: TaskRow, bindings: Option<Vec<MpsBinding>>, lang: Lang) -> impl IntoView {
    let invocation = bindings.map(|b| invocation_href(&b, &task));
    let kind = if task.task_type == "EditMediaTask" {
        t(lang, "mps.kind_edit")
    } else {
        t(lang, "mps.kind_process")
    };
    let finished = task.status == "FINISH";
    view! {
        <tr data-task-id=task.task_id.clone() data-status=task.status.clone()>
            <td class="mono">{task.task_id.clone()}</td>
            <td>{kind}</td>
            <td>
                <span class=status_class(&task.status, task.err_code) title=task.status.clone()>{status_label(lang, &task.status, task.err_code)}</span>
                {(!task.message.is_empty()).then(|| view! { <div class="muted small">{crate::i18n::task_message(lang, &task.message).to_owned()}</div> })}
            </td>
            <td>{beijing_time(&task.create_time)}</td>
            <td>
                {match invocation {
                    Some(Some(href)) if finished => view! { <A href=href attr:class="task-invocation">{t(lang, "mps.see_invocation")}</A> }.into_any(),
                    Some(Some(_)) => view! { <span class="muted">{t(lang, "mps.waiting")}</span> }.into_any(),
                    Some(None) => view! { <span class="muted">{t(lang, "mps.no_trigger")}</span> }.into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
            <td>
                <ul class="plain-list">
                    {task.outputs.into_iter().map(|o| view! {
                        <li><A href=object_href(&o.bucket, &o.region, &o.key) attr:class="task-output mono">{o.key.clone()}</A></li>
                    }).collect_view()}
                </ul>
            </td>
        </tr>
    }
}
