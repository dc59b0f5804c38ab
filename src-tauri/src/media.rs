//! The `media` protocol: the main window shows stored files (`media://localhost/{id}`, or
//! `http://media.localhost/{id}` on Windows) straight from the encrypted cache, so images
//! need no remote URL in the CSP, work offline, and Twilio's credentials never reach the page.

use std::sync::Arc;
use switchboard_engine::Engine;
use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, UriSchemeContext, UriSchemeResponder, Wry};

pub const SCHEME: &str = "media";

pub fn serve(context: UriSchemeContext<'_, Wry>, request: Request<Vec<u8>>, responder: UriSchemeResponder) {
    // Only the desk shows files; the login popup (a remote page) gets nothing.
    if context.webview_label() != "main" {
        responder.respond(status(StatusCode::FORBIDDEN));
        return;
    }
    let id = switchboard_core::attachment::media_id(request.uri().path());
    let app = context.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        let Some(engine) = app.try_state::<Arc<Engine>>() else {
            return responder.respond(status(StatusCode::SERVICE_UNAVAILABLE));
        };
        let Some(id) = id else {
            return responder.respond(status(StatusCode::NOT_FOUND));
        };
        let response = match engine.attachment_content(id).await {
            Ok(file) => Response::builder()
                .header(header::CONTENT_TYPE, file.media_type)
                // The type is the platform's word: never let the page guess another one.
                .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
                .header(header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox")
                // A stored file never changes under its id.
                .header(header::CACHE_CONTROL, "private, max-age=31536000, immutable")
                .body(file.bytes)
                .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR)),
            Err(error) => {
                tracing::warn!(%error, attachment = id, "cannot serve a file");
                status(StatusCode::NOT_FOUND)
            }
        };
        responder.respond(response);
    });
}

fn status(code: StatusCode) -> Response<Vec<u8>> {
    let mut response = Response::new(Vec::new());
    *response.status_mut() = code;
    response
}
