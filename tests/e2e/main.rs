//! End-to-end: the built app, a real webview under Xvfb, the sandbox over loopback.

mod accessibility;
mod channels;
mod desk;
mod desk_features;
mod desktop;
mod files;
mod monitor;
mod routing;
mod team;
