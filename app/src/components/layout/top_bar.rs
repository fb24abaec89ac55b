//! Product name, team switcher, language and the user menu.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::api::auth::{Logout, SwitchTeam};
use crate::api::types::Me;
use crate::components::lang_toggle::LangToggle;
use crate::i18n::{role_label, t, use_lang};
use crate::routes;

#[component]
pub fn TopBar(me: Me) -> impl IntoView {
    let lang = use_lang();
    let switch_team = ServerAction::<SwitchTeam>::new();
    let logout = ServerAction::<Logout>::new();
    let current_team = me.team.clone();
    let current_id = current_team
        .as_ref()
        .map(|c| c.id.to_string())
        .unwrap_or_default();
    let teams = me.teams.clone();
    let user_menu = NodeRef::<leptos::html::Details>::new();
    let team_select = NodeRef::<leptos::html::Select>::new();
    let team_fields = NodeRef::<leptos::html::Span>::new();
    // Choosing a team with the pointer switches to it. From the keyboard the arrow keys
    // only move the choice (each would otherwise switch team) and the Switch button
    // confirms it, as it does on a page without JavaScript.
    let by_pointer = StoredValue::new(false);
    let location = use_location();
    let back_to = move || routes::here(&location.pathname.get(), &location.search.get());
    let switch_on_change = move |_| {
        if !by_pointer.get_value() {
            return;
        }
        if let Some(form) = team_select.get().and_then(|select| select.form()) {
            let _ = form.request_submit();
        }
    };

    let several_teams = teams.len() > 1;
    view! {
        <header class="topbar">
            // Focus moves into the page (`<main>` takes it with tabindex -1) without a
            // history entry; without JavaScript the fragment link does the same.
            <a class="skip-link" href="#main" on:click=|ev| {
                let main = document().get_element_by_id("main");
                let main = main.and_then(|m| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(m).ok());
                if let Some(main) = main {
                    ev.prevent_default();
                    let _ = main.focus();
                }
            }>{t(lang, "a11y.skip")}</a>
            <A href=routes::HOME attr:class="brand">{t(lang, "app.title")}</A>
            <ActionForm action=switch_team attr:class="team-switcher">
                // A choice not confirmed (the focus leaves the picker and its Switch
                // button) goes back to the current team, which the pages still show.
                <span
                    class="team-switch-fields"
                    node_ref=team_fields
                    on:focusout=move |ev| {
                        let (Some(fields), Some(select)) = (team_fields.get(), team_select.get()) else {
                            return;
                        };
                        let staying = ev
                            .related_target()
                            .and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Node>(t).ok())
                            .is_some_and(|to| fields.contains(Some(&to)));
                        if !staying {
                            select.set_value(&current_id);
                        }
                    }
                >
                    <label class="sr-only" for="team-switch">{t(lang, "topbar.team")}</label>
                    <select
                        id="team-switch"
                        name="team_id"
                        node_ref=team_select
                        on:pointerdown=move |_| by_pointer.set_value(true)
                        on:keydown=move |_| by_pointer.set_value(false)
                        on:change=switch_on_change
                    >
                        {teams
                            .into_iter()
                            .map(|team| {
                                let selected = current_team.as_ref().map(|c| c.id) == Some(team.id);
                                view! {
                                    <option value=team.id.to_string() selected=selected>
                                        {team.name}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <input type="hidden" name="back_to" value=back_to/>
                    // With one team there is nothing to switch to.
                    {several_teams.then(|| view! { <button type="submit" class="btn btn-small">{t(lang, "topbar.switch")}</button> })}
                </span>
            </ActionForm>
            <span class="topbar-spacer"></span>
            <LangToggle/>
            <details
                class="user-menu"
                node_ref=user_menu
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        if let Some(menu) = user_menu.get().filter(|m| m.open()) {
                            menu.set_open(false);
                            if let Some(summary) = menu.first_element_child() {
                                if let Some(summary) = leptos::wasm_bindgen::JsCast::dyn_ref::<leptos::web_sys::HtmlElement>(&summary) {
                                    let _ = summary.focus();
                                }
                            }
                        }
                    }
                }
            >
                <summary>
                    <span class="avatar" aria-hidden="true">
                        {me.display_name.chars().next().unwrap_or('?').to_string()}
                    </span>
                    <span class="user-name">{me.display_name.clone()}</span>
                </summary>
                // A choice in the menu closes it: the page changes under it, the menu stays.
                <div class="menu" on:click=move |_| {
                    if let Some(menu) = user_menu.get() {
                        menu.set_open(false);
                    }
                }>
                    <p class="menu-meta">
                        {me.email.clone()}
                        <br/>
                        {me.team.as_ref().map(|team| role_label(lang, team.role))}
                    </p>
                    <A href=routes::SESSIONS>{t(lang, "nav.sessions")}</A>
                    <A href=routes::NEW_TEAM>{t(lang, "nav.new_team")}</A>
                    <ActionForm action=logout>
                        <button type="submit" class="btn btn-ghost menu-item">
                            {t(lang, "action.sign_out")}
                        </button>
                    </ActionForm>
                </div>
            </details>
        </header>
    }
}
