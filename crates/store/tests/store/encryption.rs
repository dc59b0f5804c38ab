use crate::inbound;
use switchboard_core::Platform;
use switchboard_store::{CacheKey, NewChannel, Store, StoreError};

const SECRET_TEXT: &str = "my card number is 4111 1111 1111 1111";

#[tokio::test]
async fn customer_text_is_not_in_the_files_and_a_wrong_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    let key = CacheKey::generate().unwrap();
    let store = Store::open(&path, &key).await.unwrap();
    let channel = store
        .connect_channel(NewChannel { platform: Platform::Messenger, external_id: "1", name: "Page" })
        .await
        .unwrap();
    store
        .record_messages(channel.id, Platform::Messenger, &[inbound("m1", "p1", SECRET_TEXT, 0)])
        .await
        .unwrap();

    // What a scan for secrets reads: every value, decrypted (it finds what is there).
    let values = store.dump_values().await.unwrap();
    assert!(values.iter().any(|v| contains(v, b"4111 1111")), "the dump holds the customer's text");
    assert!(values.iter().any(|v| contains(v, b"Customer p1")), "…and the contact's name");

    // Both the main file and the write-ahead log, before and after a checkpoint.
    for file in ["cache.sqlite3", "cache.sqlite3-wal"] {
        // Both exist while the cache is open in WAL mode: an absent file is a failure, not "clean".
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!bytes.is_empty(), "{file} holds the writes");
        assert!(!contains(&bytes, b"4111 1111"), "{file} holds customer text in the clear");
        assert!(!contains(&bytes, b"Customer p1"), "{file} holds a contact name in the clear");
    }
    store.close().await;
    drop(store); // and with it the folder's lock
    let bytes = std::fs::read(&path).unwrap();
    assert!(
        !contains(&bytes, b"4111 1111") && !contains(&bytes, b"SQLite format 3"),
        "the file is encrypted"
    );

    let wrong = CacheKey::generate().unwrap();
    let error = Store::open(&path, &wrong).await.unwrap_err();
    assert!(matches!(error, StoreError::WrongKeyOrNotACache { .. }), "got {error:?}");
    assert!(error.to_string().contains("encrypted with another key"), "{error}");

    let reopened = Store::open(&path, &key).await.expect("the right key opens it");
    let second = Store::open(&path, &key).await.expect_err("one store per folder");
    assert!(
        matches!(second, StoreError::Folder(_)),
        "the second open is refused by the folder lock: {second}"
    );
    let hits = reopened
        .search(&switchboard_store::SearchQuery { text: "4111".into(), limit: 5, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(hits.len(), 1, "and everything is still there");
}

#[tokio::test]
async fn a_damaged_file_gives_a_clear_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    std::fs::write(&path, vec![0x5a; 64 * 1024]).unwrap();
    let error = Store::open(&path, &CacheKey::generate().unwrap()).await.unwrap_err();
    assert!(
        matches!(error, StoreError::WrongKeyOrNotACache { .. } | StoreError::Damaged { .. }),
        "got {error:?}"
    );
    assert!(error.to_string().contains(&*path.display().to_string()), "the error names the file: {error}");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_file_locked_by_another_program_gives_a_clear_error_after_the_busy_timeout() {
    use sqlx::ConnectOptions;
    use switchboard_core::secret::ExposeSecret;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    let key = CacheKey::generate().unwrap();
    Store::open(&path, &key).await.unwrap().close().await;

    // Another program holds the file exclusively (as a second Switchboard or a backup tool might).
    let hex = key.to_secret().expose_secret().to_owned();
    let mut holder = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .pragma("key", format!("\"x'{hex}'\""))
        .pragma("locking_mode", "EXCLUSIVE")
        .connect()
        .await
        .unwrap();
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut holder).await.unwrap();
    sqlx::query("INSERT INTO settings (name, value) VALUES ('held', 'yes')")
        .execute(&mut holder)
        .await
        .unwrap();

    let error = Store::open(&path, &key).await.unwrap_err();
    assert!(matches!(error, StoreError::Locked { .. }), "got {error:?}");
    assert!(error.to_string().contains("locked by another program"), "{error}");
}
