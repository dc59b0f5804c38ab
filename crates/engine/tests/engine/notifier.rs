use crate::{eventually, notification_log, require_desktop};
use std::time::Duration;
use switchboard_engine::{Notice, Notifier};

#[tokio::test]
async fn a_notification_reaches_the_notification_server_with_its_summary_and_body() {
    require_desktop();
    let notifier = Notifier::new("Switchboard test");
    let marker = format!("order #{} has shipped", std::process::id());
    notifier
        .show(Notice::new_message("Ana Lima", "Messenger", &marker))
        .await
        .expect("dunst accepts the notification");
    eventually("dbus-monitor records the Notify call", Duration::from_secs(5), || {
        let found = notification_log().contains(&marker);
        async move { found }
    })
    .await;
    let log = notification_log();
    let call = &log[log.find(&marker).map(|at| log[..at].rfind("member=Notify").unwrap_or(0)).unwrap()..];
    assert!(call.contains("string \"Switchboard test\""), "the app name is ours");
    assert!(call.contains("string \"Ana Lima · Messenger\""), "the summary names contact and channel");
}
