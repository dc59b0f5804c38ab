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
    /// A customer's new message: "Ana Lima · Messenger" and the text, plain and truncated.
    pub fn new_message(contact: &str, platform_label: &str, text: &str) -> Self {
        let mut body: String = text.chars().take(BODY_LIMIT).collect();
        if text.chars().count() > BODY_LIMIT {
            body.push('…');
        }
        Self { summary: format!("{contact} · {platform_label}"), body }
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
        if self.quiet {
            return Ok(());
        }
        let app_name = self.app_name.clone();
        tokio::task::spawn_blocking(move || {
            notify_rust::Notification::new()
                .appname(&app_name)
                .summary(&notice.summary)
                // Message text is not markup: freedesktop servers interpret a subset of HTML.
                .body(&escape_markup(&notice.body))
                .show()
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())?
    }
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
    fn markup_in_customer_text_is_escaped() {
        assert_eq!(escape_markup("<b>hi</b> & bye"), "&lt;b&gt;hi&lt;/b&gt; &amp; bye");
    }
}
