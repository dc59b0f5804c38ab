//! The Graph API's Messenger endpoints, versioned as `/v{N}.0/…`.

mod error;
mod fields;
mod login;
mod messenger;
mod nodes;
mod request;

pub(crate) use error::GraphError;

use crate::world::World;
use axum::Router;
use axum::routing::{get, post};
use std::sync::Arc;

pub(crate) fn routes() -> Router<Arc<World>> {
    // Graph answers a path with a trailing slash as it answers the path without (Meta's own
    // SDKs send `/v23.0/{page-id}/` for node reads): every route is mounted both ways.
    let mut router = Router::new();
    for slash in ["", "/"] {
        router = router
            .route(&format!("/{{version}}/{{page_id}}/conversations{slash}"), get(messenger::conversations))
            // POST on a page sends; GET on a conversation lists its messages (the edge).
            .route(
                &format!("/{{version}}/{{page_id}}/messages{slash}"),
                post(messenger::send).get(messenger::thread_messages),
            )
            .route(
                &format!("/{{version}}/{{page_id}}/message_attachments{slash}"),
                // Uploads may be up to 25 MB; anything larger is read far enough to refuse it.
                post(messenger::upload).layer(axum::extract::DefaultBodyLimit::max(26 * 1024 * 1024)),
            )
            .route(&format!("/{{version}}/dialog/oauth{slash}"), get(login::dialog))
            .route(&format!("/{{version}}/dialog/oauth/confirm{slash}"), post(login::confirm))
            .route(&format!("/{{version}}/oauth/access_token{slash}"), get(login::access_token))
            .route(&format!("/debug_token{slash}"), get(nodes::debug_token))
            .route(&format!("/{{version}}/debug_token{slash}"), get(nodes::debug_token))
            .route(&format!("/{{version}}/me/accounts{slash}"), get(nodes::accounts))
            .route(
                &format!("/{{version}}/me/permissions{slash}"),
                get(nodes::permissions).delete(nodes::remove_app),
            )
            .route(&format!("/{{version}}/{{id}}{slash}"), get(nodes::node))
            .route(&format!("/{{version}}/{{id}}/{{edge}}{slash}"), get(nodes::unknown_edge))
    }
    router
}

/// Whether a path is under a Graph version (`/v23.0/…`), for the sandbox's 404 answer.
pub(crate) fn is_graph_path(path: &str) -> bool {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    first
        .strip_prefix('v')
        .is_some_and(|v| v.split('.').all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())))
}

pub(crate) use nodes::unknown_path;
