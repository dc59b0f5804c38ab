//! `switchboard-sandbox --port N --script FILE`: the sandbox on its own, for trying the curl
//! examples of the README, for training, and for running the app against it
//! (`SWITCHBOARD_SANDBOX_URL=http://127.0.0.1:N`).

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;
use switchboard_sandbox::{Sandbox, Script};

#[derive(Debug, Parser)]
#[command(about = "A local imitation of Facebook's Graph API and Twilio, with scripted customers")]
struct Args {
    /// Port on 127.0.0.1; 0 lets the system choose.
    #[arg(long, default_value_t = 8990)]
    port: u16,
    /// A script of pages, numbers and personas (JSON); the bundled demo when absent.
    #[arg(long)]
    script: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()))
        .init();
    let args = Args::parse();
    let script = match &args.script {
        Some(path) => Script::from_json(&std::fs::read_to_string(path)?)
            .map_err(|e| format!("{}: not a sandbox script: {e}", path.display()))?,
        None => Script::demo(),
    };
    let sandbox = Sandbox::start_on(SocketAddr::from(([127, 0, 0, 1], args.port)), script).await?;
    println!("sandbox listening on {}", sandbox.base_url());
    println!("demo credentials: curl {}/_sandbox/demo", sandbox.base_url());
    sandbox.wait().await;
    Ok(())
}
