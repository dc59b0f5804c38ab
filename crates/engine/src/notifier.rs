//! Native notifications (freedesktop notifications on Linux, Notification Center on macOS,
//! toasts on Windows) through notify-rust.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub summary: String,
    pub body: String,
}

/// Longest notification body; the platforms truncate anyway, and a notification is a glance.
const BODY_LIMIT: usize = 180;

impl Notice {
    /// One notice for what one poll brought (`(contact, text)`, oldest first): a single message
    /// as itself; several from one customer as "3 new messages" with the last; several
    /// customers as "5 new messages from 2 customers" with their names. `None` for nothing.
    pub fn burst(messages: &[(String, String)], platform_label: &str) -> Option<Self> {
        let (contact, text) = messages.last()?;
        let mut customers: Vec<&str> = Vec::new();
        for (name, _) in messages {
            if !customers.contains(&name.as_str()) {
                customers.push(name);
            }
        }
        let notice = match (messages.len(), customers.len()) {
            (1, _) => Self::new_message(contact, platform_label, text),
            (count, 1) => {
                let mut notice = Self::new_message(contact, platform_label, text);
                notice.body = truncate(&format!("{count} new messages — {text}"));
                notice
            }
            (count, people) => Self {
                summary: format!("{count} new messages from {people} customers"),
                body: truncate(&customers.join(", ")),
            },
        };
        Some(notice)
    }

    /// A customer's new message: "Ana Lima · Messenger" and the text, plain and truncated.
    pub fn new_message(contact: &str, platform_label: &str, text: &str) -> Self {
        Self { summary: format!("{contact} · {platform_label}"), body: truncate(text) }
    }
}

#[derive(Debug, Clone)]
pub struct Notifier {
    app_name: String,
    /// Do not disturb: notices are dropped (the windows still show everything).
    quiet: bool,
}

impl Notifier {
    pub fn new(app_name: impl Into<String>) -> Self {
        Self { app_name: app_name.into(), quiet: false }
    }

    /// A notifier that raises nothing (do not disturb).
    pub fn disabled() -> Self {
        Self { app_name: String::new(), quiet: true }
    }

    /// Raises the notification. The OS calls are blocking (D-Bus on Linux): run off the runtime.
    pub async fn show(&self, notice: Notice) -> Result<(), String> {
        self.raise(notice, None).await
    }

    /// Raises the notification; clicking it runs `on_click` (on a thread that waits for the
    /// click or the close). macOS gives no click back through notify-rust: there it is a
    /// plain notification.
    pub async fn show_clickable(
        &self,
        notice: Notice,
        on_click: impl FnOnce() + Send + 'static,
    ) -> Result<(), String> {
        self.raise(notice, Some(Box::new(on_click))).await
    }

    async fn raise(&self, notice: Notice, on_click: Option<Box<dyn FnOnce() + Send>>) -> Result<(), String> {
        if self.quiet {
            return Ok(());
        }
        let app_name = self.app_name.clone();
        tokio::task::spawn_blocking(move || {
            let mut notification = notify_rust::Notification::new();
            notification
                .appname(&app_name)
                .summary(&notice.summary)
                // Message text is not markup: freedesktop servers interpret a subset of HTML.
                .body(&escape_markup(&notice.body));
            if on_click.is_some() {
                // "default" is the action of clicking the notification itself.
                notification.action("default", "Open");
            }
            let handle = notification.show().map_err(|e| e.to_string())?;
            if let Some(on_click) = on_click {
                wait_for_click(handle, on_click);
            }
            Ok(())
        })
        .await
        .map_err(|e| e.to_string())?
    }
}

#[cfg(not(target_os = "macos"))]
fn wait_for_click(handle: notify_rust::NotificationHandle, on_click: Box<dyn FnOnce() + Send>) {
    // The wait blocks until the notice is clicked or closed (the server's time-out).
    std::thread::spawn(move || {
        handle.wait_for_action(|action| {
            if action == "default" {
                on_click();
            }
        })
    });
}

#[cfg(target_os = "macos")]
fn wait_for_click(_handle: notify_rust::NotificationHandle, _on_click: Box<dyn FnOnce() + Send>) {}

fn truncate(text: &str) -> String {
    let mut body: String = text.chars().take(BODY_LIMIT).collect();
    if text.chars().count() > BODY_LIMIT {
        body.push('…');
    }
    body
}

/// Notification servers may render `<b>`, `<a href>`… in bodies: customer text is escaped.
fn escape_markup(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_truncated_with_an_ellipsis() {
        let notice = Notice::new_message("Ana", "Messenger", &"x".repeat(500));
        assert_eq!(notice.summary, "Ana · Messenger");
        assert_eq!(notice.body.chars().count(), BODY_LIMIT + 1);
        assert!(notice.body.ends_with('…'));
    }

    #[test]
    fn bursts_are_coalesced_into_one_notice() {
        let one = |who: &str, text: &str| (who.to_owned(), text.to_owned());
        assert_eq!(Notice::burst(&[], "Messenger"), None);
        let single = Notice::burst(&[one("Ana", "hi")], "Messenger").unwrap();
        assert_eq!((single.summary.as_str(), single.body.as_str()), ("Ana · Messenger", "hi"));
        let same = Notice::burst(&[one("Ana", "hi"), one("Ana", "are you there?")], "Messenger").unwrap();
        assert_eq!(
            (same.summary.as_str(), same.body.as_str()),
            ("Ana · Messenger", "2 new messages — are you there?")
        );
        let many =
            Notice::burst(&[one("Ana", "a"), one("Tomás", "b"), one("Ana", "c")], "Messenger").unwrap();
        assert_eq!(
            (many.summary.as_str(), many.body.as_str()),
            ("3 new messages from 2 customers", "Ana, Tomás")
        );
    }

    #[test]
    fn markup_in_customer_text_is_escaped() {
        assert_eq!(escape_markup("<b>hi</b> & bye"), "&lt;b&gt;hi&lt;/b&gt; &amp; bye");
    }
}
