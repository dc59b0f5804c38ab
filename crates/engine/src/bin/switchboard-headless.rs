//! The engine without a window: it syncs and sends exactly as the app does, and prints every
//! event as one JSON line on stdout. The crash tests kill it with SIGKILL and start it again.
//!
//! ```text
//! switchboard-headless --data-dir DIR --keychain-service NAME --sandbox URL [--poll-ms N]
//!                      [--team URL] [--poller yes|no] [--agent NAME] [--available]
//! ```
//! It connects the sandbox's demo channels on its first run (when the cache is new). With
//! `--team` (or `SWITCHBOARD_DATABASE_URL`) it runs in team mode: its cache follows the team's
//! database; with `--poller yes` (the default) it competes for each channel's lease, as an
//! always-on relay that polls while every desktop is closed; `--agent` names the member it
//! works as (`--available` makes them take work at once).

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use switchboard_engine::{Engine, EngineConfig, Hosts, Keychain, Notifier, SandboxTime};

struct Args {
    data_dir: std::path::PathBuf,
    service: String,
    sandbox: url::Url,
    poll: Duration,
    team: Option<String>,
    poller: bool,
    agent: String,
    available: bool,
}

fn args() -> Result<Args, String> {
    let mut all = std::env::args().skip(1);
    let (mut data_dir, mut service, mut sandbox, mut poll) = (None, None, None, Duration::from_secs(1));
    let mut team = std::env::var("SWITCHBOARD_DATABASE_URL").ok().filter(|url| !url.is_empty());
    let (mut poller, mut agent, mut available) = (true, "headless".to_owned(), false);
    while let Some(name) = all.next() {
        if name == "--available" {
            available = true;
            continue;
        }
        let value = all.next().ok_or_else(|| format!("{name} needs a value"))?;
        match name.as_str() {
            "--team" => team = Some(value),
            "--agent" => agent = value,
            "--poller" => {
                poller = match value.as_str() {
                    "yes" => true,
                    "no" => false,
                    other => return Err(format!("--poller is yes or no, not {other}")),
                }
            }
            "--data-dir" => data_dir = Some(value.into()),
            "--keychain-service" => service = Some(value),
            "--sandbox" => sandbox = Some(value.parse().map_err(|e| format!("--sandbox {value}: {e}"))?),
            "--poll-ms" => {
                poll = Duration::from_millis(value.parse().map_err(|e| format!("--poll-ms: {e}"))?)
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        data_dir: data_dir.ok_or("--data-dir is required")?,
        service: service.ok_or("--keychain-service is required")?,
        sandbox: sandbox.ok_or("--sandbox is required")?,
        poll,
        team,
        poller,
        agent,
        available,
    })
}

#[tokio::main]
async fn main() {
    // Said as a sentence (which folder, which process), not as a Debug dump.
    if let Err(error) = run().await {
        eprintln!("switchboard-headless: {error}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let args = args()?;
    Keychain::use_os_store()?;
    let cache_path = args.data_dir.join("cache.sqlite3");
    let first_run = !cache_path.exists();
    let config = EngineConfig {
        messenger_poll: args.poll,
        twilio_poll: args.poll,
        request_timeout: Duration::from_secs(5),
        ..EngineConfig::new(cache_path, Hosts::sandbox(args.sandbox.clone()), args.agent.clone())
    };
    // Against a sandbox, its clock is the engine's: moving it moves timers and windows alike.
    let clock = SandboxTime::follow(&args.sandbox).await?;
    let engine =
        Engine::open(config, Keychain::new(args.service), Notifier::disabled(), Arc::new(clock)).await?;
    let mut events = engine.subscribe();
    if let Some(url) = &args.team {
        let team = switchboard_team::Team::connect(url).await?;
        engine.join_team(team, args.poller).await?;
        if args.available {
            engine.presence_set(switchboard_core::routing::Presence::Available).await?;
        }
    }
    // In a team only a poller brings channels (and their credentials, in its own keychain).
    if first_run && (args.team.is_none() || args.poller) {
        engine.connect_sandbox_demo(&args.sandbox).await?;
    }
    engine.start().await?;
    println!("{{\"type\":\"started\"}}");
    loop {
        match events.recv().await {
            Ok(event) => {
                let mut out = std::io::stdout().lock();
                serde_json::to_writer(&mut out, &event)?;
                writeln!(out)?;
                out.flush()?;
            }
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return Ok(()),
        }
    }
}
