//! `GET /scf/templates/{id}.zip`: a function template's code, as the template details'
//! download gives it. The templates are this project's public code, so no sign-in is
//! needed.
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// The zip of template `{id}`, or 404.
pub async fn download(Path(file): Path<String>) -> Response {
    let Some(template) = file.strip_suffix(".zip").and_then(crate::templates::find) else {
        return (StatusCode::NOT_FOUND, "no such template").into_response();
    };
    match template.zip() {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/zip".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}.zip\"", template.id),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "packaging a template");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "could not package the template",
            )
                .into_response()
        }
    }
}
