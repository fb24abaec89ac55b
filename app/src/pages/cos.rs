//! COS: the account's buckets, an object browser by prefix, and object previews (JSON,
//! text, images) with download. Where it looks is kept in the URL:
//! `?bucket=…&region=…&prefix=…&key=…`.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::cloud_types::{ObjectPreview, ObjectRow};
use crate::api::cos::{bucket_ok, cos_buckets, cos_objects, cos_preview, download_href, key_ok};
use crate::components::cursor_pager::{CursorPager, PageCursor};
use crate::components::modal::ModalFrame;
use crate::components::states::{EmptyState, ErrorBanner, Loading};
use crate::format::{beijing_time, url_encode};
use crate::i18n::{t, use_lang, Lang};
use crate::routes;

/// Where the browser is looking.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CosLoc {
    bucket: String,
    region: String,
    prefix: String,
    key: String,
}

impl CosLoc {
    fn href(&self, prefix: &str, key: &str) -> String {
        let mut out = format!(
            "{}?bucket={}&region={}",
            routes::COS,
            url_encode(&self.bucket),
            url_encode(&self.region)
        );
        if !prefix.is_empty() {
            out.push_str(&format!("&prefix={}", url_encode(prefix)));
        }
        if !key.is_empty() {
            out.push_str(&format!("&key={}", url_encode(key)));
        }
        out
    }
}

/// A COS page link to an object's preview.
pub fn object_href(bucket: &str, region: &str, key: &str) -> String {
    let prefix = key.rsplit_once('/').map_or("", |(p, _)| p);
    let loc = CosLoc {
        bucket: bucket.to_owned(),
        region: region.to_owned(),
        prefix: String::new(),
        key: String::new(),
    };
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    loc.href(&prefix, key)
}

fn size_text(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / 1_048_576.0),
    }
}

#[component]
pub fn CosPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let loc = Memo::new(move |_| {
        query.with(|q| {
            let region = q.get("region").unwrap_or_default();
            let ok_region = crate::regions::by_id(&region).is_some();
            CosLoc {
                bucket: q
                    .get("bucket")
                    .filter(|b| bucket_ok(b) && ok_region)
                    .unwrap_or_default(),
                region: if ok_region { region } else { String::new() },
                prefix: q
                    .get("prefix")
                    .filter(|p| p.len() <= 850 && !p.chars().any(char::is_control))
                    .unwrap_or_default(),
                key: q.get("key").filter(|k| key_ok(k)).unwrap_or_default(),
            }
        })
    });
    // The listing does not follow the previewed key: opening or closing a preview leaves
    // it (and the link that opened the preview, which gets the focus back) as it is.
    let listing = Memo::new(move |_| CosLoc {
        key: String::new(),
        ..loc.get()
    });
    let key = Memo::new(move |_| loc.get().key);
    view! {
        <div class="page-head">
            <h1>{t(lang, "cos.title")}</h1>
        </div>
        {move || {
            let l = listing.get();
            if l.bucket.is_empty() {
                view! { <BucketList/> }.into_any()
            } else {
                view! { <ObjectBrowser loc=l/> }.into_any()
            }
        }}
        {move || {
            let (l, key) = (listing.get(), key.get());
            (!l.bucket.is_empty() && !key.is_empty())
                .then(|| view! { <PreviewDialog loc=CosLoc { key, ..l }/> })
        }}
    }
}

#[component]
fn BucketList() -> impl IntoView {
    let lang = use_lang();
    let buckets = Resource::new(|| (), |_| cos_buckets());
    view! {
        <Transition fallback=Loading>
            {move || buckets.get().map(|r| match r {
                Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                Ok(list) if list.is_empty() => view! {
                    <EmptyState title=t(lang, "cos.no_buckets").to_owned() hint=t(lang, "cos.no_buckets_hint").to_owned()/>
                }.into_any(),
                Ok(list) => view! {
                    <table class="table" id="bucket-table">
                        <thead><tr>
                            <th>{t(lang, "cos.bucket")}</th>
                            <th>{t(lang, "cos.region")}</th>
                            <th>{t(lang, "cos.created")}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|b| {
                                let href = format!("{}?bucket={}&region={}", routes::COS, url_encode(&b.name), url_encode(&b.region));
                                let name = b.name.clone();
                                view! {
                                    <tr data-bucket=b.name.clone()>
                                        <td><A href=href attr:class="mono">{name}</A></td>
                                        <td>{region_label(lang, &b.region)}</td>
                                        <td>{beijing_time(&b.created)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </Transition>
    }
}

fn region_label(lang: Lang, id: &str) -> String {
    crate::regions::by_id(id).map_or_else(
        || id.to_owned(),
        |r| crate::components::region_bar::region_name(lang, r).to_owned(),
    )
}

#[component]
fn ObjectBrowser(loc: CosLoc) -> impl IntoView {
    let lang = use_lang();
    let marker = PageCursor::new();
    let l = loc.clone();
    let page = Resource::new(
        move || (l.clone(), marker.get()),
        |(l, m)| cos_objects(l.bucket, l.region, l.prefix, m),
    );
    // Breadcrumb: the bucket, then each folder of the prefix.
    let mut crumbs = vec![(loc.bucket.clone(), String::new())];
    let mut acc = String::new();
    for part in loc.prefix.split('/').filter(|p| !p.is_empty()) {
        acc.push_str(part);
        acc.push('/');
        crumbs.push((part.to_owned(), acc.clone()));
    }
    let base = loc.clone();
    view! {
        <nav class="crumbs" aria-label=t(lang, "cos.path") id="cos-path">
            <A href=routes::COS>{t(lang, "cos.all_buckets")}</A>
            {crumbs.into_iter().map(|(label, prefix)| {
                let href = base.href(&prefix, "");
                view! { <span aria-hidden="true">" / "</span><A href=href attr:class="mono">{label}</A> }
            }).collect_view()}
        </nav>
        <Transition fallback=Loading>
            {move || page.get().map(|r| match r {
                Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                Ok(p) if p.folders.is_empty() && p.objects.is_empty() => view! {
                    <EmptyState title=t(lang, "cos.empty").to_owned() hint=t(lang, "cos.empty_hint").to_owned()/>
                }.into_any(),
                Ok(p) => {
                    let l = loc.clone();
                    let next = p.next_marker.clone();
                    view! {
                        <table class="table" id="object-table">
                            <thead><tr>
                                <th>{t(lang, "cos.object")}</th>
                                <th>{t(lang, "cos.size")}</th>
                                <th>{t(lang, "cos.modified")}</th>
                                <th><span class="sr-only">{t(lang, "cos.actions")}</span></th>
                            </tr></thead>
                            <tbody>
                                {p.folders.into_iter().map(|f| {
                                    let name = f.strip_prefix(&l.prefix).unwrap_or(&f).to_owned();
                                    view! {
                                        <tr class="folder" data-prefix=f.clone()>
                                            <td><A href=l.href(&f, "") attr:class="mono">{name}</A></td>
                                            <td>"—"</td><td>"—"</td><td></td>
                                        </tr>
                                    }
                                }).collect_view()}
                                {p.objects.into_iter().map(|o| view! { <ObjectLine o=o loc=l.clone()/> }).collect_view()}
                            </tbody>
                        </table>
                        <CursorPager cursor=marker next=next/>
                    }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn ObjectLine(o: ObjectRow, loc: CosLoc) -> impl IntoView {
    let lang = use_lang();
    let name = o.key.strip_prefix(&loc.prefix).unwrap_or(&o.key).to_owned();
    view! {
        <tr data-key=o.key.clone()>
            // Opening and closing the preview replace the history entry: Back leaves the
            // listing instead of reopening each object looked at.
            // (The router reads `replace` as the link's property.)
            <td><a href=loc.href(&loc.prefix, &o.key) prop:replace=true class="mono object-link">{name}</a></td>
            <td>{size_text(o.size)}</td>
            <td>{beijing_time(&o.modified)}</td>
            <td>
                <a class="btn btn-small" href=download_href(&loc.bucket, &loc.region, &o.key) rel="external" download="">
                    {t(lang, "cos.download")}
                </a>
            </td>
        </tr>
    }
}

#[component]
fn PreviewDialog(loc: CosLoc) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let l = loc.clone();
    let preview = Resource::new(
        move || l.clone(),
        |l| cos_preview(l.bucket, l.region, l.key),
    );
    let close_href = loc.href(&loc.prefix, "");
    let close = move || {
        let options = leptos_router::NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        navigate(&close_href, options);
    };
    let close_frame = close.clone();
    let download = download_href(&loc.bucket, &loc.region, &loc.key);
    let media = download.clone();
    view! {
        <ModalFrame id="object-preview" labelledby="preview-title" on_close=Callback::new(move |()| close_frame())>
                <h2 class="modal-title mono" id="preview-title">{loc.key.clone()}</h2>
                <Transition fallback=Loading>
                    {move || preview.get().map(|r| match r {
                        Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                        Ok(p) => view! { <PreviewBody p=p media=media.clone() lang=lang/> }.into_any(),
                    })}
                </Transition>
                <div class="modal-actions">
                    <a class="btn" href=download rel="external" download="" id="preview-download">{t(lang, "cos.download")}</a>
                    <button type="button" class="btn btn-primary" id="preview-close" on:click=move |_| close()>{t(lang, "action.close")}</button>
                </div>
        </ModalFrame>
    }
}

/// What the preview shows of `p`; `media` is where a video or audio object is played from.
#[component]
fn PreviewBody(p: ObjectPreview, media: String, lang: Lang) -> impl IntoView {
    let facts = format!("{} · {}", size_text(p.size), p.content_type);
    let truncated = p
        .truncated
        .then(|| view! { <p class="notice">{t(lang, "cos.truncated")}</p> });
    let body = match p.kind.as_str() {
        "json" | "text" => {
            view! { <pre class="code preview-text" id="preview-text" tabindex="0">{p.text}</pre> }
                .into_any()
        }
        "image" => {
            view! { <img class="preview-image" id="preview-image" src=p.data_url alt=p.key/> }
                .into_any()
        }
        _ if p.content_type.starts_with("video/") => view! {
            <video class="preview-media" id="preview-video" controls=true preload="metadata" src=media></video>
        }
        .into_any(),
        _ if p.content_type.starts_with("audio/") => view! {
            <audio class="preview-media" id="preview-audio" controls=true preload="metadata" src=media></audio>
        }
        .into_any(),
        _ => view! { <p class="muted" id="preview-binary">{t(lang, "cos.no_preview")}</p> }
            .into_any(),
    };
    view! {
        <p class="muted">{facts}</p>
        {truncated}
        {body}
    }
}
