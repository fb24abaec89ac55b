//! Creating a function: creation method, template search and details, basic settings,
//! then the function configuration, and progress until the function is Active.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::cloud_types::TemplateCard;
use crate::api::functions::{get_template, list_templates, CreateFunction};
use crate::api::types::Role;
use crate::api::wizard::get_wizard_state;
use crate::components::form::{unit_result, variables_problem_text, FieldError, FormError};
use crate::components::modal::ModalFrame;
use crate::components::region_bar::{region_name, use_scf_loc};
use crate::components::states::{EmptyState, ErrorBanner, Loading, ReadOnlyNotice};
use crate::contexts::use_me;
use crate::format::url_encode;
use crate::i18n::{error_text, t, use_lang, Lang};
use crate::pages::function_fields::{description_check, ConfigChecks, MemoryTimeoutFields};
use crate::pages::function_progress::{follow_creation, CreationStatus};
use crate::{fuzzy, regions, routes, scf_rules};

/// The template behind "blank function".
const BLANK_TEMPLATE: &str = "demo-nodejs89-helloworld";

/// Templates matching `query` best first; all of them for an empty query.
pub fn search_templates(cards: &[TemplateCard], query: &str) -> Vec<TemplateCard> {
    if query.trim().is_empty() {
        return cards.to_vec();
    }
    let mut hits: Vec<(u32, &TemplateCard)> = cards
        .iter()
        .filter_map(|c| fuzzy::score(query, &c.search_text()).map(|s| (s, c)))
        .collect();
    hits.sort_by_key(|h| std::cmp::Reverse(h.0));
    hits.into_iter().map(|(_, c)| c.clone()).collect()
}

fn card_name(lang: Lang, c: &TemplateCard) -> String {
    match lang {
        Lang::En => c.name_en.clone(),
        Lang::Zh => c.name_zh.clone(),
    }
}

fn card_description(lang: Lang, c: &TemplateCard) -> String {
    match lang {
        Lang::En => c.description_en.clone(),
        Lang::Zh => c.description_zh.clone(),
    }
}

/// The variables a template starts with: its COS bucket (when the account has a demo
/// bucket) and region.
pub fn default_variables(c: &TemplateCard, demo_bucket: &str) -> String {
    if demo_bucket.is_empty() || !c.variables.iter().any(|v| v == "COS_BUCKET") {
        return String::new();
    }
    format!("COS_BUCKET={demo_bucket}\nCOS_REGION=ap-beijing")
}

#[component]
pub fn FunctionNewPage() -> impl IntoView {
    let lang = use_lang();
    let can_edit = use_me().role().unwrap_or(Role::Viewer).can_edit();
    let loc = use_scf_loc();
    let navigate = use_navigate();
    let templates = Resource::new(|| (), |_| list_templates());
    let create = ServerAction::<CreateFunction>::new();
    let result = unit_result(create.value());

    // The step is in the address (`&step=config`, with what step 1 chose), so that Back,
    // Forward and a reload keep to it.
    let url = use_query_map();
    let step = Memo::new(move |_| {
        if url.with(|q| q.get("step")).as_deref() == Some("config") {
            2u8
        } else {
            1
        }
    });
    let method = RwSignal::new("template".to_owned());
    let runtime = RwSignal::new("Nodejs8.9".to_owned());
    let query = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<TemplateCard>);
    let details = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let name_touched = RwSignal::new(false);
    let description = RwSignal::new(String::new());
    // Typed by the user: then a template picked later leaves it as it is.
    let description_typed = RwSignal::new(false);
    let memory = RwSignal::new(128i64);
    // As typed: a number input rewritten on every keystroke turns "1.5" into "15".
    let timeout = RwSignal::new("3".to_owned());
    let variables = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());

    // The template the function is made from: the chosen card, or the blank one.
    let source = Memo::new(move |_| {
        if method.get() == "blank" {
            templates
                .get()
                .and_then(Result::ok)
                .and_then(|all| all.into_iter().find(|c| c.id == BLANK_TEMPLATE))
        } else {
            chosen.get()
        }
    });
    // Where the MPS template stores its summaries by default: the emulator's demo bucket.
    let wizard = Resource::new(|| (), |_| get_wizard_state());
    // A template's settings become the defaults when it is picked.
    Effect::new(move || {
        if let Some(c) = source.get() {
            memory.set(c.memory_size);
            timeout.set(c.timeout.to_string());
            runtime.set(c.runtime.clone());
            role.set(c.role.clone());
            if !description_typed.get_untracked() {
                description.set(card_description(lang, &c));
            }
            let demo = wizard
                .get()
                .and_then(Result::ok)
                .map(|w| w.demo_bucket)
                .unwrap_or_default();
            variables.set(default_variables(&c, &demo));
        }
    });
    let name_problem = Memo::new(move |_| scf_rules::function_name_problem(name.get().trim()));
    let description_problem = description_check(description);
    // Step 2's rules, checked as the user types so that every problem shows at once (the
    // server checks them again).
    let checks = ConfigChecks::new(timeout, variables, role);
    let config_ok = move || checks.ok();
    let can_continue = move || {
        source.get().is_some()
            && name_problem.get().is_none()
            && description_problem.get().is_none()
    };

    // The address of step 1, or of step 2 with step 1's choices.
    let step_url = move |config: bool| {
        let mut href = format!("{}?{}", routes::FUNCTION_NEW, loc.get_untracked().query());
        if config {
            let method = method.get_untracked();
            href.push_str(&format!(
                "&step=config&method={method}&name={}",
                url_encode(name.get_untracked().trim())
            ));
            if let Some(c) = chosen.get_untracked().filter(|_| method == "template") {
                href.push_str(&format!("&template={}", url_encode(&c.id)));
            }
            // A description typed on step 1 (a picked template's own is set again).
            if description_typed.get_untracked() {
                href.push_str(&format!(
                    "&desc={}",
                    url_encode(&description.get_untracked())
                ));
            }
        }
        href
    };
    let go_step = {
        let navigate = navigate.clone();
        move |config: bool, replace: bool| {
            let options = NavigateOptions {
                replace,
                ..Default::default()
            };
            navigate(&step_url(config), options);
        }
    };
    // On step 2 the address is what Complete creates: step 1's choices follow it however
    // the page got there (Next, a reload, Back and Forward, a shared link). Only what
    // differs is set, so that the configuration typed on step 2 stays. Without valid
    // choices it is step 1 again, with the name's problem shown.
    let go_back = go_step.clone();
    Effect::new(move || {
        let (q_step, q_method, q_name, q_template, q_desc) = url.with(|q| {
            (
                q.get("step"),
                q.get("method"),
                q.get("name"),
                q.get("template"),
                q.get("desc"),
            )
        });
        let Some(Ok(all)) = templates.get() else {
            return;
        };
        if q_step.as_deref() != Some("config") {
            return;
        }
        let q_name = q_name.unwrap_or_default();
        if name.get_untracked() != q_name {
            name.set(q_name);
        }
        let q_method = if q_method.as_deref() == Some("blank") {
            "blank"
        } else {
            "template"
        };
        if let Some(d) = q_desc.filter(|d| *d != description.get_untracked()) {
            description_typed.set(true);
            description.set(d);
        }
        if method.get_untracked() != q_method {
            method.set(q_method.to_owned());
        }
        if q_method == "template" {
            let card = q_template.and_then(|id| all.into_iter().find(|c| c.id == id));
            if chosen.with_untracked(|c| c.as_ref().map(|c| &c.id) != card.as_ref().map(|c| &c.id))
            {
                chosen.set(card);
            }
        }
        if !can_continue() {
            name_touched.set(true);
            go_back(false, true);
        }
    });

    // After Complete: poll until the function is Active, then open it.
    let go = navigate.clone();
    let progress = follow_creation(
        create,
        move || {
            let l = loc.get_untracked();
            (l.rid, l.ns, name.get_untracked().trim().to_owned())
        },
        move |f| {
            // In place of the configuration step: Back does not return to a form already
            // submitted (it comes to step 1, empty).
            go(
                &format!(
                    "{}?{}&name={}",
                    routes::FUNCTION_DETAIL,
                    loc.get_untracked().query(),
                    f.name
                ),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        },
    );
    let created = progress.created;

    let complete = move |_| {
        let (l, Some(c)) = (loc.get_untracked(), source.get_untracked()) else {
            return;
        };
        create.dispatch(CreateFunction {
            rid: l.rid,
            ns: l.ns,
            name: name.get_untracked().trim().to_owned(),
            template_id: c.id,
            description: description.get_untracked(),
            memory_size: memory.get_untracked(),
            timeout: timeout.get_untracked().trim().parse().unwrap_or(0),
            variables: variables.get_untracked(),
            role: role.get_untracked(),
        });
    };
    // The cloud's answer to a name in use, shown next to the name field.
    let name_taken = move || {
        create.value().get().and_then(Result::err).filter(|e| {
            matches!(e, crate::error::AppError::Cloud { code, .. } if code == "ResourceInUse.FunctionName")
        })
    };
    // A field error from the server belongs to the first step's fields or the second's.
    let to_first = go_step.clone();
    Effect::new(move || {
        if let Some(Err(e)) = create.value().get() {
            if matches!(e.field(), Some("name" | "template_id" | "description"))
                || name_taken().is_some()
            {
                to_first(false, true);
            }
        }
    });
    let (next_step, prev_step) = (go_step.clone(), go_step);
    let region_label = move || {
        regions::by_rid(loc.get().rid)
            .map(|r| region_name(lang, r))
            .unwrap_or_default()
    };

    view! {
        <div class="page-head">
            <h1>{t(lang, "scf.new_title")}</h1>
            <p class="muted">{move || format!("{} · {} {}", region_label(), t(lang, "scf.namespace"), loc.get().ns)}</p>
        </div>
        <ReadOnlyNotice/>
        <ol class="steps" aria-label=t(lang, "steps.label")>
            <li class:current=move || step.get() == 1>{t(lang, "scf.step_basic")}</li>
            <li class:current=move || step.get() == 2>{t(lang, "scf.step_config")}</li>
        </ol>

        <section class="card" class:hidden=move || step.get() != 1 id="step-basic">
            <fieldset class="choice">
                <legend>{t(lang, "scf.method")}</legend>
                <label>
                    <input type="radio" id="method-template" name="method" value="template" checked=move || method.get() == "template" on:change=move |_| method.set("template".to_owned())/>
                    {t(lang, "scf.method_template")}
                </label>
                <label>
                    <input type="radio" id="method-blank" name="method" value="blank" checked=move || method.get() == "blank" on:change=move |_| method.set("blank".to_owned())/>
                    {t(lang, "scf.method_blank")}
                </label>
            </fieldset>

            <Show when=move || method.get() == "template">
                <label for="template-search">{t(lang, "scf.template_search")}</label>
                <input
                    id="template-search"
                    type="search"
                    autocomplete="off"
                    placeholder=t(lang, "scf.template_search_hint")
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
                <Transition fallback=Loading>
                    {move || templates.get().map(|r| match r {
                        Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                        Ok(all) => {
                            let hits = search_templates(&all, &query.get());
                            if hits.is_empty() {
                                view! { <EmptyState title=t(lang, "scf.template_none").to_owned() hint=t(lang, "scf.template_none_hint")/> }.into_any()
                            } else {
                                view! {
                                    <div class="cards" role="listbox" aria-label=t(lang, "scf.templates")>
                                        {hits.into_iter().map(|c| {
                                            let id = c.id.clone();
                                            let id_sel = c.id.clone();
                                            let id_det = c.id.clone();
                                            let card = c.clone();
                                            view! {
                                                <div
                                                    class="template-card"
                                                    role="option"
                                                    tabindex="0"
                                                    id=format!("tpl-{id}")
                                                    data-template=id.clone()
                                                    aria-selected=move || chosen.get().is_some_and(|x| x.id == id_sel).to_string()
                                                    class:selected=move || chosen.get().is_some_and(|x| x.id == id)
                                                    on:click={let card = card.clone(); move |_| chosen.set(Some(card.clone()))}
                                                    on:keydown={let card = card.clone(); move |ev| {
                                                        // Keys on the details button inside are the button's own.
                                                        let on_card = ev.target() == ev.current_target();
                                                        if on_card && (ev.key() == "Enter" || ev.key() == " ") { ev.prevent_default(); chosen.set(Some(card.clone())); }
                                                    }}
                                                >
                                                    <h3>{card_name(lang, &c)}</h3>
                                                    <p class="muted">{card_description(lang, &c)}</p>
                                                    <p class="tags">{c.tags.iter().map(|tag| view! { <span class="tag">{tag.clone()}</span> }).collect_view()}</p>
                                                    <button type="button" class="btn btn-small btn-ghost" on:click=move |ev| { ev.stop_propagation(); details.set(Some(id_det.clone())); }>
                                                        {t(lang, "scf.template_details")}
                                                    </button>
                                                </div>
                                            }
                                        }).collect_view()}
                                    </div>
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
                <FieldError result=result field="template_id"/>
            </Show>

            <h2>{t(lang, "scf.basic")}</h2>
            <div class="form">
                <label for="fn-name">{t(lang, "scf.col.name")}</label>
                <input
                    id="fn-name"
                    name="name"
                    autocomplete="off"
                    maxlength="60"
                    aria-describedby="fn-name-hint"
                    prop:value=move || name.get()
                    on:input=move |ev| { name.set(event_target_value(&ev)); name_touched.set(true); }
                />
                <p class="field-hint" id="fn-name-hint">{t(lang, "scf.name_rule")}</p>
                {move || (name_touched.get()).then(|| name_problem.get()).flatten().map(|code| view! {
                    <p class="field-error" role="alert">{error_text(lang, &crate::error::AppError::invalid("name", code))}</p>
                })}
                <FieldError result=result field="name"/>
                {move || name_taken().map(|e| view! {
                    <p class="field-error" role="alert" id="fn-name-taken">{error_text(lang, &e)}</p>
                })}
                <label for="fn-runtime">{t(lang, "scf.col.runtime")}</label>
                <select id="fn-runtime" disabled=true>
                    <option selected=true>{move || runtime.get()}</option>
                </select>
                <p class="field-hint">{move || t(lang, if method.get() == "blank" { "scf.runtime_hint_blank" } else { "scf.runtime_hint" })}</p>
                <label for="fn-description">{t(lang, "scf.col.description")}</label>
                <textarea id="fn-description" rows="2" maxlength="1000" prop:value=move || description.get() on:input=move |ev| { description_typed.set(true); description.set(event_target_value(&ev)); }></textarea>
                {move || description_problem.get().map(|code| view! {
                    <p class="field-error" role="alert">{error_text(lang, &crate::error::AppError::invalid("description", code))}</p>
                })}
                <FieldError result=result field="description"/>
            </div>
            <div class="form-actions">
                <A href=move || format!("{}?{}", routes::FUNCTIONS, loc.get().query()) attr:class="btn">{t(lang, "action.cancel")}</A>
                <button type="button" class="btn btn-primary" id="next-step" disabled=move || !can_continue() on:click=move |_| { name_touched.set(true); next_step(true, false); }>
                    {t(lang, "action.next")}
                </button>
            </div>
            // Why Next is greyed out, when it is for want of a template.
            <Show when=move || method.get() == "template" && chosen.get().is_none()>
                <p class="muted" id="next-hint">{t(lang, "scf.pick_template_hint")}</p>
            </Show>
        </section>

        <section class="card" class:hidden=move || step.get() != 2 id="step-config">
            <h2>{t(lang, "scf.step_config")}</h2>
            <div class="form">
                <MemoryTimeoutFields prefix="fn" memory=memory timeout=timeout problem=checks.timeout result=result/>
                <label for="fn-variables">{t(lang, "scf.variables")}</label>
                <textarea id="fn-variables" rows="3" class="mono" placeholder="WEBHOOK_URL=https://example.com/hook" prop:value=move || variables.get() on:input=move |ev| variables.set(event_target_value(&ev))></textarea>
                <p class="field-hint">{move || t(lang, if method.get() == "blank" { "scf.variables_hint_blank" } else { "scf.variables_hint" })}</p>
                {move || source.get().filter(|c| !c.variables.is_empty()).map(|c| view! {
                    <p class="field-hint" id="template-variables">{format!("{} {}", t(lang, "scf.template_reads"), c.variables.join(", "))}</p>
                })}
                // A warning, not a refusal: the function runs without it, but stores nothing.
                {move || {
                    let reads_bucket = source.with(|c| c.as_ref().is_some_and(|c| c.variables.iter().any(|v| v == "COS_BUCKET")));
                    let lacks_bucket = variables.with(|text| scf_rules::lacks_variable(text, "COS_BUCKET"));
                    (reads_bucket && lacks_bucket).then(|| view! {
                        <p class="notice notice-warn" id="no-cos-bucket">{t(lang, "scf.cos_bucket_missing")}</p>
                    })
                }}
                {move || checks.variables.get().map(|problem| view! {
                    <p class="field-error" role="alert" id="fn-variables-problem">{variables_problem_text(lang, problem)}</p>
                })}
                <FieldError result=result field="variables"/>
                <label for="fn-role">{t(lang, "scf.exec_role")}</label>
                <input id="fn-role" autocomplete="off" maxlength="128" placeholder="SCF_QcsRole" prop:value=move || role.get() on:input=move |ev| role.set(event_target_value(&ev))/>
                <p class="field-hint">{move || t(lang, if method.get() == "blank" { "scf.exec_role_hint_blank" } else { "scf.exec_role_hint" })}</p>
                {move || checks.role.get().map(|code| view! {
                    <p class="field-error" role="alert" id="fn-role-problem">{error_text(lang, &crate::error::AppError::invalid("role", code))}</p>
                })}
                <FieldError result=result field="role"/>
            </div>
            <FormError result=result/>
            <CreationStatus progress=progress/>
            <div class="form-actions">
                <button type="button" class="btn" on:click=move |_| prev_step(false, false)>{t(lang, "action.back")}</button>
                <button type="button" class="btn btn-primary" id="complete" disabled=move || !can_edit || !config_ok() || create.pending().get() || created.get() on:click=complete>
                    {t(lang, "action.complete")}
                </button>
            </div>
        </section>

        <TemplateDetails id=details chosen=chosen/>
    }
}

/// The template details dialog, with the code, a download and a button that picks it.
#[component]
fn TemplateDetails(
    id: RwSignal<Option<String>>,
    chosen: RwSignal<Option<TemplateCard>>,
) -> impl IntoView {
    let lang = use_lang();
    let detail = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => Some(get_template(id).await),
                None => None,
            }
        },
    );
    view! {
        <Show when=move || id.get().is_some()>
            <ModalFrame id="template-details" labelledby="template-title" on_close=Callback::new(move |()| id.set(None))>
                    <Transition fallback=Loading>
                        {move || detail.get().flatten().map(|r| match r {
                            Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                            Ok(d) => {
                                let c = d.card;
                                let pick = c.clone();
                                view! {
                                    <h2 class="modal-title" id="template-title">{card_name(lang, &c)}</h2>
                                    <p>{card_description(lang, &c)}</p>
                                    <dl class="facts">
                                        <dt>{t(lang, "scf.col.runtime")}</dt><dd>{c.runtime.clone()}</dd>
                                        <dt>{t(lang, "scf.handler")}</dt><dd class="mono">{c.handler.clone()}</dd>
                                        <dt>{t(lang, "scf.memory")}</dt><dd>{format!("{} MB", c.memory_size)}</dd>
                                        <dt>{t(lang, "scf.timeout")}</dt><dd>{format!("{} {}", c.timeout, t(lang, "unit.seconds"))}</dd>
                                    </dl>
                                    {d.files.into_iter().map(|f| view! {
                                        <h3 class="mono">{f.path}</h3>
                                        <pre class="code"><code>{f.content}</code></pre>
                                    }).collect_view()}
                                    <div class="modal-actions">
                                        <a class="btn" href=format!("/scf/templates/{}.zip", c.id) download=format!("{}.zip", c.id) rel="external" id="template-download">
                                            {t(lang, "scf.template_download")}
                                        </a>
                                        <button type="button" class="btn" on:click=move |_| id.set(None)>{t(lang, "action.close")}</button>
                                        <button type="button" class="btn btn-primary" id="template-use" on:click=move |_| { chosen.set(Some(pick.clone())); id.set(None); }>{t(lang, "scf.template_use")}</button>
                                    </div>
                                }.into_any()
                            }
                        })}
                    </Transition>
            </ModalFrame>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: &str, en: &str, zh: &str, tags: &[&str]) -> TemplateCard {
        TemplateCard {
            id: id.into(),
            name_zh: zh.into(),
            name_en: en.into(),
            description_zh: String::new(),
            description_en: String::new(),
            tags: tags.iter().map(|s| (*s).to_owned()).collect(),
            runtime: "Nodejs8.9".into(),
            handler: "index.main_handler".into(),
            memory_size: 128,
            timeout: 3,
            role: String::new(),
            variables: Vec::new(),
        }
    }

    #[test]
    fn fuzzy_search_finds_the_mps_template() {
        let cards = vec![
            card(
                "hello",
                "Hello World Demo",
                "helloworld 模板",
                &["helloworld"],
            ),
            card(
                "mps",
                "MPS Webhook Demo",
                "MPS Webhook 模板",
                &["MPS", "Webhook"],
            ),
        ];
        for q in [
            "mps webhok",
            "MPS Webhook 模板",
            "MPS Webhook template",
            "webhook",
        ] {
            let hits = search_templates(&cards, q);
            assert_eq!(hits.first().map(|c| c.id.as_str()), Some("mps"), "{q}");
        }
        assert_eq!(search_templates(&cards, "").len(), 2);
        assert!(search_templates(&cards, "kafka").is_empty());
    }
}
