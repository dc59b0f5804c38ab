use crate::{at, fixture, inbound};
use switchboard_core::NoteText;

#[tokio::test]
async fn names_set_by_hand_win_and_can_be_cleared() {
    let f = fixture().await;
    let session = f.record(&[inbound("m1", "p1", "hi", 0)]).await.sessions[0];
    f.store.set_contact_name(session, Some(" Ana "), Some("Lima")).await.unwrap();
    let named = f.store.session_summary(session).await.unwrap();
    assert_eq!(named.contact_name, "Ana Lima");
    assert_eq!(named.first_name.as_deref(), Some("Ana"), "parts are trimmed");
    f.store.set_contact_name(session, Some(""), None).await.unwrap();
    assert_eq!(f.store.session_summary(session).await.unwrap().contact_name, "Customer p1");
}

#[tokio::test]
async fn notes_categories_and_reference_stay_with_the_session() {
    let f = fixture().await;
    let session = f.record(&[inbound("m1", "p1", "hi", 0)]).await.sessions[0];
    f.store.set_internal_reference(session, Some("CASE-4821")).await.unwrap();
    let note = f
        .store
        .add_note(session, "maria", &NoteText::parse("Refund approved").unwrap(), at(5))
        .await
        .unwrap();
    assert_eq!((note.author.as_str(), note.created_at), ("maria", at(5)));
    let billing = f.store.create_category("Billing").await.unwrap();
    let again = f.store.create_category("Billing").await.unwrap();
    assert_eq!(billing, again, "creating a category twice keeps one");
    let repair = f.store.create_category("Repair").await.unwrap();
    f.store.set_session_categories(session, &[billing.id, repair.id]).await.unwrap();
    f.store.set_session_categories(session, &[repair.id]).await.unwrap();

    assert_eq!(
        f.store.session_summary(session).await.unwrap().internal_reference.as_deref(),
        Some("CASE-4821")
    );
    assert_eq!(f.store.notes(session).await.unwrap(), [note]);
    assert_eq!(f.store.session_categories(session).await.unwrap(), [repair], "setting replaces");
    assert_eq!(f.store.categories().await.unwrap().len(), 2, "the admin's list keeps both");
}
