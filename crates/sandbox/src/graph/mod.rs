//! The Graph API's Messenger endpoints, versioned as `/v{N}.0/…`.

mod error;
mod fields;
mod messenger;
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
        .route("/{version}/{page_id}/messages", post(messenger::send))
        .route("/{version}/{page_id}/messages/", post(messenger::send))
}
