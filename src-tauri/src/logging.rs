//! tracing to stderr and to `switchboard.log` in the OS log folder; `RUST_LOG` is respected.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, fmt};

/// Keeps the log file's writer alive; dropping it flushes the file.
pub struct LogGuard(#[allow(dead_code)] WorkerGuard);

pub fn init(folder: &Path) -> Result<LogGuard, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(folder)?;
    let (file, guard) =
        tracing_appender::non_blocking(tracing_appender::rolling::never(folder, "switchboard.log"));
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(fmt::layer().with_ansi(false).with_writer(file))
        .try_init()?;
    tracing::info!(folder = %folder.display(), "logging to switchboard.log");
    Ok(LogGuard(guard))
}
