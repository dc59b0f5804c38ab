//! Thin commands, grouped by area: parse, call the engine, map the error.

pub mod channels;
pub mod desk;
pub mod files;
pub mod monitor;
pub mod notifications;
pub mod routing;
pub mod sessions;
pub mod settings;
pub mod team;
