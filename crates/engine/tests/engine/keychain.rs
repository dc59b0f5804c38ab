use crate::{require_desktop, test_service};
use switchboard_core::Secret;
use switchboard_core::secret::ExposeSecret;
use switchboard_engine::Keychain;

#[tokio::test]
async fn a_secret_is_written_read_and_deleted_in_the_os_keychain() {
    require_desktop();
    Keychain::use_os_store().expect("gnome-keyring answers on the session bus");
    let keychain = Keychain::new(test_service("keychain"));

    assert!(keychain.get("messenger:1").await.unwrap().is_none(), "a fresh keychain has no entry");
    keychain.set("messenger:1", Secret::from("EAAG-token-1")).await.unwrap();
    let read = keychain.get("messenger:1").await.unwrap().expect("the entry was written");
    assert_eq!(read.expose_secret(), "EAAG-token-1");

    keychain.set("messenger:1", Secret::from("EAAG-token-2")).await.unwrap();
    let replaced = keychain.get("messenger:1").await.unwrap().unwrap();
    assert_eq!(replaced.expose_secret(), "EAAG-token-2", "setting again replaces the entry");

    keychain.delete("messenger:1").await.unwrap();
    assert!(keychain.get("messenger:1").await.unwrap().is_none(), "the entry is gone");
    keychain.delete("messenger:1").await.expect("deleting a missing entry is harmless");
}
