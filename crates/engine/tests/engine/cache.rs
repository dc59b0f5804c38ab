//! The cache's key lives in the OS keychain: made on first run, found again on the next.

use crate::{require_desktop, test_service};
use std::sync::Arc;
use std::time::Duration;
use switchboard_engine::{Engine, EngineConfig, EngineError, Hosts, Keychain, Notifier, SystemClock};
use switchboard_store::StoreError;

fn config(dir: &std::path::Path) -> EngineConfig {
    let nowhere = Hosts::sandbox("http://127.0.0.1:9".parse().expect("a valid URL"));
    EngineConfig {
        messenger_poll: Duration::from_secs(60),
        ..EngineConfig::new(dir.join("cache.sqlite3"), nowhere, "maria")
    }
}

async fn open(dir: &std::path::Path, service: &str) -> Result<Arc<Engine>, EngineError> {
    Engine::open(config(dir), Keychain::new(service), Notifier::new("test"), Arc::new(SystemClock)).await
}

#[tokio::test]
async fn the_cache_key_is_made_once_kept_in_the_keychain_and_needed_to_reopen() {
    require_desktop();
    Keychain::use_os_store().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let service = test_service("cache");
    let keychain = Keychain::new(&service);
    assert!(keychain.get("cache-key").await.unwrap().is_none());

    let engine = open(dir.path(), &service).await.expect("the first run makes a key");
    engine.connect_messenger_page("1001", "Velo Bikes", "EAA-token".into()).await.unwrap();
    drop(engine);
    let key = keychain.get("cache-key").await.unwrap().expect("the key is in the keychain");

    let again = open(dir.path(), &service).await.expect("the next run finds the key");
    drop(again);
    let reread = keychain.get("cache-key").await.unwrap().unwrap();
    use switchboard_core::secret::ExposeSecret;
    assert_eq!(reread.expose_secret(), key.expose_secret(), "the key is not replaced");

    // Without its key (another keychain), the cache is refused with a clear error.
    let stranger = test_service("cache-stranger");
    let error = open(dir.path(), &stranger).await.unwrap_err();
    assert!(matches!(error, EngineError::Store(StoreError::WrongKeyOrNotACache { .. })), "got {error:?}");
    for service in [&service, &stranger] {
        Keychain::new(service.as_str()).delete("cache-key").await.unwrap();
    }
    Keychain::new(service.as_str()).delete("messenger:1001").await.unwrap();
}
