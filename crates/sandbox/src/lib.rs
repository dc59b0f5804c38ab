//! A local imitation of the platforms Switchboard talks to: the Graph API's Messenger endpoints
//! (and, later, the login dialog and Twilio), with scripted customers and a control API under
//! `/_sandbox/`. It answers as the real hosts do, so the production clients talk to it unchanged.

mod control;
mod faults;
#[cfg(test)]
mod fuzz;
mod graph;
mod samples;
mod script;
mod twilio;
mod world;

pub use faults::{Endpoint, Fault, FaultRule};
pub use script::{Persona, Script, ScriptedMessage};
pub use world::{Attachment, NumberSpec, PageSpec, SentMessage, TemplateSpec, UserSpec};

use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use world::World;

/// The time in the sandbox's world, for an engine that follows it.
#[derive(Debug, Clone)]
pub struct SandboxClock(Arc<World>);

impl SandboxClock {
    pub fn now(&self) -> jiff::Timestamp {
        self.0.now()
    }
}

/// A running sandbox. Dropping it stops the server and its scripted customers.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    world: Arc<World>,
    tasks: Vec<JoinHandle<()>>,
}

impl Sandbox {
    /// Starts on 127.0.0.1 with a port chosen by the OS.
    pub async fn start(script: Script) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), script).await
    }

    pub async fn start_on(addr: SocketAddr, script: Script) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let world = Arc::new(World::new(&script, format!("http://{addr}")));
        let app = router(world.clone());
        let mut tasks = vec![tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "sandbox server stopped");
            }
        })];
        tasks.extend(script::run(&script, world.clone()));
        tracing::info!(%addr, "sandbox listening");
        Ok(Self { addr, world, tasks })
    }

    /// The base URL that stands in for `https://graph.facebook.com` (and the other hosts).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Everything the pages sent through the Send API, oldest first.
    pub fn sent(&self) -> Vec<SentMessage> {
        self.world.sent()
    }

    /// Makes a customer write to the page, as if on Messenger.
    pub fn customer_writes(&self, psid: &str, text: &str) -> Result<String, String> {
        self.world.customer_writes(psid, text)
    }

    /// A customer sends one of the sandbox's sample files (`bike.png`, `receipt.pdf`), with or
    /// without text; answers the platform's message id.
    pub fn customer_sends_file(&self, address: &str, text: &str, file: &str) -> Result<String, String> {
        self.world.customer_sends(address, text, Some(file))
    }

    /// The sandbox's clock, to drive an engine by (tests move it with `advance_clock`).
    pub fn clock(&self) -> SandboxClock {
        SandboxClock(self.world.clone())
    }

    /// Moves the sandbox's clock forward; windows, statuses and expiries follow it.
    pub fn advance_clock(&self, by: jiff::SignedDuration) -> jiff::Timestamp {
        self.world.advance_clock(by)
    }

    /// Adds a fault rule (see `/_sandbox/faults`).
    pub fn inject(&self, rule: FaultRule) {
        self.world.lock().faults.push(rule);
    }

    /// How many Conversations API reads (conversations and thread messages) were answered.
    pub fn graph_reads(&self) -> u64 {
        self.world.lock().reads
    }

    /// How many requests `endpoint` has had, refused ones included.
    pub fn requests(&self, endpoint: Endpoint) -> u64 {
        self.world.lock().requests.get(&endpoint).copied().unwrap_or(0)
    }

    /// How many faults fired, per endpoint and kind (`server_error`, `delay`, …).
    pub fn faults_fired(
        &self,
    ) -> std::collections::BTreeMap<Endpoint, std::collections::BTreeMap<String, u64>> {
        self.world.lock().faults_fired.clone()
    }

    /// The bytes of a file a customer can send (`bike.png`, `receipt.pdf`), to compare what an
    /// app downloaded with.
    pub fn sample_file(name: &str) -> Option<&'static [u8]> {
        samples::sample(name).map(|s| s.bytes)
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.world.lock().faults.clear();
    }

    /// Revokes or expires a page's token: the Graph API then answers 190 with `subcode`
    /// (463 expired, 460 password changed, 492 no role on the page).
    pub fn revoke_token(&self, page_id: &str, subcode: u32) {
        if let Some(page) = self.world.lock().pages.iter_mut().find(|p| p.id == page_id) {
            page.revoked = Some(subcode);
        }
    }

    /// The Twilio account's SID and auth token.
    pub fn twilio_credentials(&self) -> (String, String) {
        let state = self.world.lock();
        (state.account_sid.clone(), state.auth_token.clone())
    }

    /// Waits until the server stops (for the binary).
    pub async fn wait(mut self) {
        if let Some(server) = self.tasks.first_mut() {
            let _ = server.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn router(world: Arc<World>) -> Router {
    let platforms = Router::new()
        .merge(graph::routes())
        .merge(twilio::routes())
        .fallback(not_found)
        .nest("/_sandbox", control::routes());
    // Faults reach the platforms' endpoints and the CDN's files, never the control API.
    platforms.layer(axum::middleware::from_fn_with_state(world.clone(), faults::inject)).with_state(world)
}

/// A path no route has: Graph's `{"error":{…}}` under a Graph version, Twilio's 20404 under its
/// API, a plain 404 elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    let path = uri.path();
    if graph::is_graph_path(path) {
        graph::unknown_path(path).into_response()
    } else if path.starts_with("/2010-04-01/") || path.starts_with("/v1/") {
        let body = serde_json::json!({
            "code": 20404,
            "message": format!("The requested resource {path} was not found"),
            "more_info": "https://www.twilio.com/docs/errors/20404",
            "status": 404,
        });
        (axum::http::StatusCode::NOT_FOUND, axum::Json(body)).into_response()
    } else {
        axum::http::StatusCode::NOT_FOUND.into_response()
    }
}
