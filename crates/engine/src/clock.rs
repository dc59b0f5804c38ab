//! The one place that reads the system clock; everything else is handed a `Clock`.

use jiff::Timestamp;

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Timestamp;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// The time of a sandbox the engine runs against (training, demos, tests): whoever moves the
/// sandbox's clock (`POST /_sandbox/clock`) moves the engine's timers with it. The sandbox's
/// offset from the system clock is read at start and every 200 ms after.
#[derive(Debug, Clone)]
pub struct SandboxTime {
    offset_ms: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl SandboxTime {
    /// Follows the sandbox at `base` (its control API); fails if it does not answer.
    pub async fn follow(base: &url::Url) -> Result<Self, reqwest::Error> {
        let url = base.join("_sandbox/clock").expect("a valid constant path");
        let client = reqwest::Client::new();
        let time = Self { offset_ms: Default::default() };
        time.refresh(&client, &url).await?;
        let follower = time.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                if let Err(error) = follower.refresh(&client, &url).await {
                    tracing::debug!(%error, "the sandbox's clock did not answer; keeping the last offset");
                }
            }
        });
        Ok(time)
    }

    #[allow(clippy::disallowed_methods)]
    async fn refresh(&self, client: &reqwest::Client, url: &url::Url) -> Result<(), reqwest::Error> {
        #[derive(serde::Deserialize)]
        struct Now {
            now: Timestamp,
        }
        let now: Now = client.get(url.clone()).send().await?.error_for_status()?.json().await?;
        let offset = now.now.duration_since(Timestamp::now()).as_millis();
        self.offset_ms.store(i64::try_from(offset).unwrap_or(0), std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }
}

impl Clock for SandboxTime {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> Timestamp {
        Timestamp::now()
            + jiff::SignedDuration::from_millis(self.offset_ms.load(std::sync::atomic::Ordering::SeqCst))
    }
}
