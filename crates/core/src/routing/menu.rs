//! The queue menu: a customer choosing where their interaction goes, by number, title,
//! keyword, BACK or EXIT.

use super::queue::{MenuWords, QueueTree};
use serde::Serialize;

/// Where the menu goes next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum MenuStep {
    /// Show this queue's children as a numbered menu (the customer is selecting).
    Show { node: i64, repeat: bool },
    /// The interaction waits in this leaf queue.
    Route { queue: i64, fallback: bool },
    /// The customer sent the EXIT word: the interaction ends as `customer_ended`.
    Exit,
}

/// Where a new interaction starts: the root's menu, or the root itself when it has no children.
pub fn start(tree: &QueueTree) -> Option<MenuStep> {
    let root = tree.root()?;
    Some(if tree.is_leaf(root.id) {
        MenuStep::Route { queue: root.id, fallback: false }
    } else {
        MenuStep::Show { node: root.id, repeat: false }
    })
}

/// The menu of `node`, as the customer reads it: "1 English, 2 Español", one per line.
pub fn menu_text(tree: &QueueTree, node: i64, words: &MenuWords) -> String {
    let mut text = String::from("Reply with a number:");
    for (i, child) in tree.children(node).enumerate() {
        text.push_str(&format!("\n{} {}", i + 1, child.name));
    }
    let back = words.back.first().filter(|_| tree.get(node).is_some_and(|n| n.parent.is_some()));
    let exit = words.exit.first();
    let hints: Vec<String> = [back.map(|w| format!("{w} to go back")), exit.map(|w| format!("{w} to leave"))]
        .into_iter()
        .flatten()
        .collect();
    if !hints.is_empty() {
        text.push_str(&format!("\n({})", hints.join(", ")));
    }
    text
}

/// The customer answered the menu of `node`; `repeated` says the menu was already shown again
/// once for an answer it did not understand.
pub fn answer(
    tree: &QueueTree,
    words: &MenuWords,
    default_queue: Option<i64>,
    node: i64,
    repeated: bool,
    text: &str,
) -> MenuStep {
    let text = text.trim();
    if words.is_exit(text) {
        return MenuStep::Exit;
    }
    if words.is_back(text) {
        let up = tree.get(node).and_then(|n| n.parent).unwrap_or(node);
        return MenuStep::Show { node: up, repeat: false };
    }
    let chosen = tree.by_keyword(text).or_else(|| {
        let children: Vec<_> = tree.children(node).collect();
        text.parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| children.get(i).copied())
            .or_else(|| children.into_iter().find(|c| c.name.eq_ignore_ascii_case(text)))
    });
    match chosen {
        Some(queue) if tree.is_leaf(queue.id) => MenuStep::Route { queue: queue.id, fallback: false },
        Some(queue) => MenuStep::Show { node: queue.id, repeat: false },
        None if !repeated => MenuStep::Show { node, repeat: true },
        None => MenuStep::Route { queue: fallback(tree, default_queue), fallback: true },
    }
}

/// The experience's default queue when it is a leaf, else the first leaf in menu order.
pub fn fallback(tree: &QueueTree, default_queue: Option<i64>) -> i64 {
    if let Some(queue) = default_queue.filter(|&q| tree.get(q).is_some() && tree.is_leaf(q)) {
        return queue;
    }
    let mut at = tree.root().map(|r| r.id).unwrap_or_default();
    while let Some(first) = tree.children(at).next() {
        at = first.id;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::queue::QueueTree;
    use crate::routing::queue::tests::node;
    use proptest::prelude::*;

    /// Support › (English › (Sales, Payments[pay]), Español)
    fn tree() -> QueueTree {
        QueueTree::new(vec![
            node(1, None, 0, "Support", &[]),
            node(2, Some(1), 0, "English", &[]),
            node(3, Some(1), 1, "Español", &[]),
            node(4, Some(2), 0, "Sales", &[]),
            node(5, Some(2), 1, "Payments", &["pay"]),
        ])
    }

    #[test]
    fn numbers_titles_and_keywords_choose() {
        let (t, w) = (tree(), MenuWords::default());
        assert_eq!(start(&t), Some(MenuStep::Show { node: 1, repeat: false }));
        assert_eq!(menu_text(&t, 1, &w), "Reply with a number:\n1 English\n2 Español\n(EXIT to leave)");
        assert_eq!(
            menu_text(&t, 2, &w),
            "Reply with a number:\n1 Sales\n2 Payments\n(BACK to go back, EXIT to leave)"
        );
        assert_eq!(answer(&t, &w, None, 1, false, "2"), MenuStep::Route { queue: 3, fallback: false });
        assert_eq!(answer(&t, &w, None, 1, false, " english "), MenuStep::Show { node: 2, repeat: false });
        assert_eq!(answer(&t, &w, None, 1, false, "PAY"), MenuStep::Route { queue: 5, fallback: false });
        assert_eq!(answer(&t, &w, None, 2, false, "back"), MenuStep::Show { node: 1, repeat: false });
        assert_eq!(answer(&t, &w, None, 2, false, "Exit"), MenuStep::Exit);
    }

    #[test]
    fn an_unrecognised_answer_repeats_once_then_falls_back() {
        let (t, w) = (tree(), MenuWords::default());
        assert_eq!(answer(&t, &w, None, 1, false, "9"), MenuStep::Show { node: 1, repeat: true });
        assert_eq!(answer(&t, &w, None, 1, true, "hmm"), MenuStep::Route { queue: 4, fallback: true });
        assert_eq!(answer(&t, &w, Some(3), 1, true, "0"), MenuStep::Route { queue: 3, fallback: true });
        assert_eq!(
            answer(&t, &w, Some(2), 1, true, "?"),
            MenuStep::Route { queue: 4, fallback: true },
            "a default that is no leaf is not used"
        );
    }

    #[test]
    fn a_root_without_children_routes_at_once() {
        let t = QueueTree::new(vec![node(7, None, 0, "Inbox", &[])]);
        assert_eq!(start(&t), Some(MenuStep::Route { queue: 7, fallback: false }));
        assert_eq!(start(&QueueTree::default()), None);
    }

    proptest! {
        /// Whatever a customer types, the menu shows a real node, routes to a leaf, or exits;
        /// and two unrecognised answers never leave them selecting.
        #[test]
        fn every_answer_leads_somewhere_real(text in ".{0,12}", node in prop::sample::select(vec![1i64, 2]), repeated: bool) {
            let (t, w) = (tree(), MenuWords::default());
            match answer(&t, &w, None, node, repeated, &text) {
                MenuStep::Show { node: shown, repeat } => {
                    prop_assert!(!t.is_leaf(shown));
                    prop_assert!(!(repeated && repeat), "the menu repeats once only");
                }
                MenuStep::Route { queue, .. } => prop_assert!(t.get(queue).is_some() && t.is_leaf(queue)),
                MenuStep::Exit => prop_assert!(w.is_exit(&text)),
            }
        }
    }
}
