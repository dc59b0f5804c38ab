//! Opening the engine: keychain, cache, and against a sandbox its demo page.

use crate::config::{Config, Platforms};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use switchboard_engine::{Engine, EngineConfig, Hosts, Keychain, Notifier, Opening, SystemClock};

/// The folder the cache lives in (and that one engine at a time may have).
pub fn cache_folder(config: &Config, app_data_dir: &Path) -> PathBuf {
    let data_dir = config.data_dir.clone().unwrap_or_else(|| app_data_dir.to_owned());
    if config.is_demo() { data_dir.join("demo") } else { data_dir }
}

pub async fn start(config: &Config, folder: &Path) -> Result<Arc<Engine>, Box<dyn std::error::Error>> {
    Keychain::use_os_store()?;
    let (hosts, sandbox, opening) = match &config.platforms {
        Platforms::Live { hosts } => (hosts.as_ref().clone(), None, Opening::Resume),
        // A sandbox started with the app is new, so its old cache means nothing; a sandbox given
        // by URL outlives the app, and so does its cache.
        Platforms::Sandbox { url, fresh } => (
            Hosts::sandbox(url.clone()),
            Some(url.clone()),
            if *fresh { Opening::Afresh } else { Opening::Resume },
        ),
    };
    // Each demo's sandbox has its own app and tokens: two demos side by side (the end-to-end
    // tests) must not share keychain entries.
    let service = match sandbox {
        Some(_) => format!("switchboard-demo:{}", folder.display()),
        None => "switchboard".to_owned(),
    };
    let keychain = Keychain::new(service);
    let (team, rebuild) = team_address(&keychain, folder).await?;
    // A desktop that just created or joined a team starts on a replica built from the team.
    let opening = if rebuild { Opening::Afresh } else { opening };
    let engine = Engine::open(
        EngineConfig {
            opening,
            ..EngineConfig::new(folder.join("cache.sqlite3"), hosts, agent_name(team.as_deref()))
        },
        keychain,
        Notifier::new("Switchboard"),
        Arc::new(SystemClock),
    )
    .await?;
    if rebuild {
        std::fs::remove_file(folder.join(REPLICA_PENDING)).or_else(ignore_missing)?;
    }
    if let Some(url) = &team {
        // A desktop may poll the channels it has credentials for when its member holds the
        // poller role (admins do): the engine asks the team before it takes a lease.
        engine.join_team_at(url, true).await?;
        // A team this desktop has not worked with yet (given by SWITCHBOARD_DATABASE_URL) gets
        // its schema before the demo's channels go in; otherwise the engine prepares it in the
        // background, so an unreachable database never delays the window.
        if rebuild && let Err(error) = engine.team_prepare().await {
            tracing::warn!(%error, "the team's database does not answer yet; working from the replica");
        }
    }
    if let Some(sandbox) = sandbox {
        match engine.connect_sandbox_demo(&sandbox).await {
            Ok(()) => {}
            // In a team the demo's channels are the team's: offline, the replica still serves.
            Err(error) if team.is_some() => {
                tracing::warn!(%error, "cannot connect the demo's channels to the team")
            }
            Err(error) => return Err(error.into()),
        }
    }
    engine.start().await?;
    Ok(engine)
}

/// The file that says the cache must be rebuilt from the team when the app next starts (written
/// by "Create a team" and "Join a team", which then restart the app).
pub const REPLICA_PENDING: &str = "team-replica-pending";

fn ignore_missing(error: std::io::Error) -> std::io::Result<()> {
    if error.kind() == std::io::ErrorKind::NotFound { Ok(()) } else { Err(error) }
}

/// The team this desktop is in (the keychain's address, or `SWITCHBOARD_DATABASE_URL`) and
/// whether its replica is to be built afresh: after Create/Join, or when the environment names a
/// team the keychain does not know yet.
async fn team_address(
    keychain: &Keychain,
    folder: &Path,
) -> Result<(Option<String>, bool), Box<dyn std::error::Error>> {
    let pending = folder.join(REPLICA_PENDING).exists();
    let remembered = switchboard_engine::remembered_team(keychain).await?;
    let given = std::env::var("SWITCHBOARD_DATABASE_URL").ok().filter(|url| !url.is_empty());
    Ok(match (given, remembered) {
        (Some(given), remembered) if remembered.as_deref() != Some(given.as_str()) => {
            switchboard_engine::remember_team(keychain, &given).await?;
            (Some(given), true)
        }
        (Some(url), _) | (None, Some(url)) => (Some(url), pending),
        (None, None) => (None, false),
    })
}

/// Who works at this desktop: in a team, the member whose login signs in (a member's name is
/// their login); in solo mode the desktop's user. `SWITCHBOARD_AGENT` names another (two
/// desktops of one person under the team owner's login, the tests).
fn agent_name(team: Option<&str>) -> String {
    let login = team
        .and_then(|url| url::Url::parse(url).ok())
        .map(|url| url.username().to_owned())
        .filter(|login| !login.is_empty());
    let from_env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    from_env("SWITCHBOARD_AGENT")
        .or(login)
        .or_else(|| ["USER", "USERNAME"].iter().find_map(|name| from_env(name)))
        .unwrap_or_else(|| "agent".to_owned())
}
