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
    Router::new()
        .route("/{version}/{page_id}/conversations", get(messenger::conversations))
        .route("/{version}/{page_id}/conversations/", get(messenger::conversations))
        // POST on a page sends; GET on a conversation lists its messages (the edge).
        .route("/{version}/{page_id}/messages", post(messenger::send).get(messenger::thread_messages))
        .route("/{version}/{page_id}/messages/", post(messenger::send).get(messenger::thread_messages))
        .route(
            "/{version}/{page_id}/message_attachments",
            // Uploads may be up to 25 MB; anything larger is read far enough to refuse it.
            post(messenger::upload).layer(axum::extract::DefaultBodyLimit::max(26 * 1024 * 1024)),
        )
        .route("/{version}/dialog/oauth", get(login::dialog))
        .route("/{version}/dialog/oauth/confirm", post(login::confirm))
        .route("/{version}/oauth/access_token", get(login::access_token))
        .route("/debug_token", get(nodes::debug_token))
        .route("/{version}/debug_token", get(nodes::debug_token))
        .route("/{version}/me/accounts", get(nodes::accounts))
        .route("/{version}/me/permissions", get(nodes::permissions).delete(nodes::remove_app))
        .route("/{version}/{id}", get(nodes::node))
}
