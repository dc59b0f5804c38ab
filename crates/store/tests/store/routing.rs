//! Routing's store operations: experiences and queue trees, decisions recorded, assignment in
//! one transaction, and states that read back as core wrote them.

use crate::{at, fixture, inbound};
use proptest::prelude::*;
use switchboard_core::routing::{Capacity, Experience, Keyword, MenuWords, Presence, QueueError, QueueName};
use switchboard_core::{EndReason, Interaction, InteractionState, MenuPosition};
use switchboard_store::{QueueChange, RoutingRecord, StoreError};

fn name(n: &str) -> QueueName {
    QueueName::parse(n, &MenuWords::default()).expect("a valid queue name")
}

async fn with_experience(f: &crate::Fixture) -> i64 {
    f.store.member_ensure("ana", at(0)).await.expect("member");
    f.store
        .experience_ensure(f.channel.id, "Demo Bikes", &Experience::new("UTC"), Some("ana"))
        .await
        .expect("experience");
    f.store.queues(f.channel.id).await.expect("queues")[0].id
}

#[tokio::test]
async fn a_channel_gets_one_root_worked_by_the_solo_member() {
    let f = fixture().await;
    let root = with_experience(&f).await;
    f.store.experience_ensure(f.channel.id, "Again", &Experience::new("UTC"), Some("ana")).await.unwrap();
    let queues = f.store.queues(f.channel.id).await.unwrap();
    assert_eq!(queues.len(), 1, "ensuring twice keeps one root");
    assert_eq!(
        (queues[0].name.as_str(), queues[0].members.as_slice()),
        ("Demo Bikes", &["ana".to_owned()][..])
    );
    let (experience, tree) = f.store.experience(f.channel.id).await.unwrap();
    assert!(experience.enabled && tree.is_leaf(root));
}

#[tokio::test]
async fn children_take_the_members_and_the_tree_refuses_clashes() {
    let f = fixture().await;
    let root = with_experience(&f).await;
    let english = f.store.queue_add(root, &name("English")).await.unwrap();
    assert_eq!(english.members, ["ana"], "the leaf's agent moves to the new leaf");
    let spanish = f.store.queue_add(root, &name("Español")).await.unwrap();
    assert!(matches!(
        f.store.queue_add(root, &name("english")).await,
        Err(StoreError::Queue(QueueError::NameTaken { .. }))
    ));
    let pay = Keyword::parse("pay", &MenuWords::default()).unwrap();
    let change = |n: &str, keywords: Vec<Keyword>| QueueChange {
        name: name(n),
        keywords,
        priority: 1,
        service_level_percent: 80,
        service_level_seconds: 60,
        target_response_seconds: 120,
        distribution: Default::default(),
    };
    f.store.queue_update(english.id, &change("English", vec![pay.clone()])).await.unwrap();
    assert!(matches!(
        f.store.queue_update(spanish.id, &change("Español", vec![pay])).await,
        Err(StoreError::Queue(QueueError::KeywordTaken { .. }))
    ));
    assert!(matches!(
        f.store.queue_members_set(root, &["ana".into()]).await,
        Err(StoreError::Queue(QueueError::NotLeaf { .. }))
    ));
    f.store.queue_move(spanish.id, root, 0).await.unwrap();
    let order: Vec<_> =
        f.store.queues(f.channel.id).await.unwrap().into_iter().skip(1).map(|q| q.name).collect();
    assert_eq!(order, ["Español", "English"], "dragged to the top");
    assert!(matches!(
        f.store.queue_move(root, english.id, 0).await,
        Err(StoreError::Queue(QueueError::Root))
    ));
    f.store.queue_delete(spanish.id).await.unwrap();
    assert_eq!(f.store.queues(f.channel.id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_customer_message_leaves_routing_a_new_interaction_and_decisions_are_recorded() {
    let f = fixture().await;
    let root = with_experience(&f).await;
    let session = f.record(&[inbound("m1", "p1", "Hi", 0)]).await.sessions[0];
    let due = f.store.routing_due(at(1), 10).await.unwrap();
    assert_eq!(due.len(), 1);
    let new = &due[0];
    assert!(new.new && new.unread.len() == 1, "a new interaction with its first message unread");
    assert_eq!(new.interaction.state, InteractionState::Queued);
    let queued = new.interaction.clone().enter_queue(root, at(1)).unwrap();
    let texts = vec!["Hello!".to_owned()];
    let sent = f
        .store
        .routing_record(RoutingRecord {
            interaction_id: new.id,
            session_id: session,
            read: &new.interaction,
            interaction: &queued,
            routed_message_id: Some(new.unread[0].0),
            texts: &texts,
            due_at: Some(at(3600)),
            events: &[("queued".into(), None)],
            now: at(1),
        })
        .await
        .unwrap();
    assert_eq!((sent[0].author.as_str(), sent[0].tag.as_deref()), ("system", None), "automated, untagged");
    assert!(f.store.routing_due(at(2), 10).await.unwrap().is_empty(), "nothing due until the deadline");
    let summary = f.store.session_summary(session).await.unwrap();
    let open = summary.interaction.unwrap();
    assert_eq!((open.state.as_str(), open.queue_id), ("queued", Some(root)));
    // A second message makes it due again, with only that message unread.
    f.record(&[inbound("m2", "p1", "Anyone?", 5)]).await;
    let due = f.store.routing_due(at(6), 10).await.unwrap();
    assert_eq!(due[0].unread.iter().map(|m| m.1.as_str()).collect::<Vec<_>>(), ["Anyone?"]);
    assert!(!due[0].new);
}

#[tokio::test]
async fn a_decision_made_before_the_agent_answered_is_not_recorded() {
    let f = fixture().await;
    let root = with_experience(&f).await;
    let session = f.record(&[inbound("m1", "p1", "Hi", 0)]).await.sessions[0];
    let due = f.store.routing_due(at(1), 10).await.unwrap();
    let new = &due[0];
    // Between routing's read and its record, the agent answers (it is theirs now).
    let reply = switchboard_core::ReplyText::parse(switchboard_core::Platform::Messenger, "Hello!").unwrap();
    f.store.enqueue_reply(session, &reply, None, Some("ana"), at(1)).await.unwrap();
    let queued = new.interaction.clone().enter_queue(root, at(1)).unwrap();
    let texts = vec!["Welcome!".to_owned()];
    let sent = f
        .store
        .routing_record(RoutingRecord {
            interaction_id: new.id,
            session_id: session,
            read: &new.interaction,
            interaction: &queued,
            routed_message_id: Some(new.unread[0].0),
            texts: &texts,
            due_at: Some(at(3600)),
            events: &[("queued".into(), None)],
            now: at(1),
        })
        .await
        .unwrap();
    assert!(sent.is_empty(), "a stale decision sends nothing");
    let open = f.store.session_summary(session).await.unwrap().interaction.unwrap();
    assert_eq!((open.state.as_str(), open.agent.as_deref()), ("assigned", Some("ana")), "still the agent's");
}

#[tokio::test]
async fn assignment_respects_presence_and_capacity_in_one_transaction() {
    let f = fixture().await;
    let root = with_experience(&f).await;
    f.store.default_capacity_set(&Capacity { messenger: 2, total: 2, ..Capacity::default() }).await.unwrap();
    for n in 0..3 {
        let session = f.record(&[inbound(&format!("m{n}"), &format!("p{n}"), "Hi", n)]).await.sessions[0];
        let due = f.store.routing_due(at(10), 10).await.unwrap();
        let i = due.iter().find(|d| d.session_id == session).unwrap();
        let queued = i.interaction.clone().enter_queue(root, at(n)).unwrap();
        f.store
            .routing_record(RoutingRecord {
                interaction_id: i.id,
                session_id: session,
                read: &i.interaction,
                interaction: &queued,
                routed_message_id: Some(i.unread[0].0),
                texts: &[],
                due_at: None,
                events: &[],
                now: at(n),
            })
            .await
            .unwrap();
    }
    f.store.member_presence_set("ana", Presence::Break, at(20)).await.unwrap();
    assert!(f.store.assign_waiting(at(21)).await.unwrap().is_empty(), "nobody Available");
    f.store.member_presence_set("ana", Presence::Available, at(22)).await.unwrap();
    let made = f.store.assign_waiting(at(23)).await.unwrap();
    assert_eq!(made.len(), 2, "capacity 2");
    assert!(f.store.assign_waiting(at(24)).await.unwrap().is_empty(), "full");
    let ana = f.store.members().await.unwrap().into_iter().find(|m| m.name == "ana").unwrap();
    assert_eq!((ana.load.messenger, ana.presence), (2, Presence::Available));
    // Ending one frees room for the third.
    let first = made[0].1;
    f.store
        .interaction_update(first, "ana", "ended", |i| i.end_with(Some("Resolved"), at(30)), at(30))
        .await
        .unwrap();
    let more = f.store.assign_waiting(at(31)).await.unwrap();
    assert_eq!(more.len(), 1);
    let timeline = f.store.interaction_timeline(first).await.unwrap();
    let kinds: Vec<_> = timeline.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(kinds, ["assigned", "ended"]);
}

#[tokio::test]
async fn a_transfer_ends_one_interaction_and_queues_the_next() {
    let f = fixture().await;
    let root = with_experience(&f).await;
    let billing = f.store.queue_add(root, &name("Billing")).await.unwrap();
    let sales = f.store.queue_add(root, &name("Sales")).await.unwrap();
    let session = f.record(&[inbound("m1", "p1", "Hi", 0)]).await.sessions[0];
    let texts = [switchboard_core::ReplyText::parse(switchboard_core::Platform::Messenger, "Hello").unwrap()];
    f.store.enqueue_replies(session, &texts, None, Some("ana"), at(2)).await.unwrap();
    let next = f
        .store
        .interaction_transfer(session, "ana", sales.id, None, Some("wants a quote"), at(5))
        .await
        .unwrap();
    assert_eq!((next.state, next.queue), (InteractionState::Queued, Some(sales.id)));
    let open = f.store.session_summary(session).await.unwrap().interaction.unwrap();
    assert_eq!((open.queue_name.as_deref(), open.agent), (Some("Sales"), None));
    assert!(billing.id != sales.id);
    let kinds: Vec<_> =
        f.store.interaction_timeline(session).await.unwrap().into_iter().map(|e| e.1).collect();
    assert_eq!(kinds, ["assigned", "transferred", "queued"]);
}

#[tokio::test]
async fn storing_a_session_ends_its_interaction_as_core_says() {
    let f = fixture().await;
    with_experience(&f).await;
    let session = f.record(&[inbound("m1", "p1", "Hi", 0)]).await.sessions[0];
    f.store.set_session_state(session, switchboard_store::SessionState::Stored, at(9)).await.unwrap();
    assert!(f.store.session_summary(session).await.unwrap().interaction.is_none());
    assert!(matches!(
        f.store.interaction_update(session, "ana", "held", |i| i.hold(), at(10)).await,
        Err(StoreError::NotFound { .. })
    ));
}

fn arb_step() -> impl Strategy<Value = u8> {
    0u8..8
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    /// Any sequence of core transitions, written by the store, reads back as the value core
    /// returned: the store's states and core's agree.
    #[test]
    fn the_store_keeps_what_core_decided(steps in prop::collection::vec(arb_step(), 1..10)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let f = fixture().await;
            let root = with_experience(&f).await;
            let session = f.record(&[inbound("m1", "p1", "Hi", 0)]).await.sessions[0];
            let mut expected = f.store.routing_due(at(1), 1).await.unwrap()[0].interaction.clone();
            for (n, step) in steps.into_iter().enumerate() {
                let now = at(10 + n as i64);
                let change = move |i: Interaction| match step {
                    0 => i.select(MenuPosition { node: root, repeated: n % 2 == 0 }),
                    1 => i.enter_queue(root, now),
                    2 => i.assign("ana", now),
                    3 => i.hold(),
                    4 => i.resume(),
                    5 => i.respond("ana", now),
                    6 => i.warn(now),
                    _ => i.end(EndReason::Dismissed, now),
                };
                let Ok(next) = change(expected.clone()) else { continue };
                let written = f.store.interaction_update(session, "ana", "step", change, now).await.unwrap();
                assert_eq!(written, next);
                expected = next;
                if !expected.is_open() {
                    break;
                }
            }
            if expected.is_open() {
                let read = f.store.routing_due(at(100_000), 10).await.unwrap();
                assert_eq!(read[0].interaction, expected, "read back as core wrote it");
            }
        });
    }
}

#[tokio::test]
async fn two_hundred_interactions_racing_for_ten_agents_are_each_assigned_once_within_capacity() {
    let f = fixture().await;
    let root = with_experience(&f).await;
    let agents: Vec<String> = (0..10).map(|n| format!("agent{n}")).collect();
    for (n, agent) in agents.iter().enumerate() {
        f.store.member_ensure(agent, at(0)).await.unwrap();
        // Capacities 1 to 10: 55 seats for 200 customers.
        let seats = n as u32 + 1;
        let capacity =
            Capacity { messenger: seats, sms: seats, whatsapp: seats, total: seats, count_held: true };
        f.store.member_capacity_set(agent, Some(&capacity)).await.unwrap();
    }
    f.store.member_presence_set("ana", Presence::Offline, at(0)).await.unwrap();
    f.store.queue_members_set(root, &agents).await.unwrap();
    let batch: Vec<_> = (0..200).map(|n| inbound(&format!("m{n}"), &format!("p{n}"), "Hi", n)).collect();
    f.record(&batch).await;
    let due = f.store.routing_due(at(300), 500).await.unwrap();
    assert_eq!(due.len(), 200);
    for i in &due {
        let queued = i.interaction.clone().enter_queue(root, at(300)).unwrap();
        let record = RoutingRecord {
            interaction_id: i.id,
            session_id: i.session_id,
            read: &i.interaction,
            interaction: &queued,
            routed_message_id: Some(i.unread[0].0),
            texts: &[],
            due_at: None,
            events: &[],
            now: at(300),
        };
        f.store.routing_record(record).await.unwrap();
    }
    // Four assigners at once, as a busy engine's passes (and, in team mode, desktops) race.
    let racers: Vec<_> = (0..4)
        .map(|n| {
            let store = f.store.clone();
            tokio::spawn(async move { store.assign_waiting(at(400 + n)).await.unwrap() })
        })
        .collect();
    let mut made = Vec::new();
    for racer in racers {
        made.extend(racer.await.unwrap());
    }
    let mut seen = std::collections::HashSet::new();
    assert!(
        made.iter().all(|(interaction, _, _)| seen.insert(*interaction)),
        "each interaction assigned once"
    );
    assert_eq!(made.len(), 55, "every seat filled, no more");
    for member in f.store.members().await.unwrap().into_iter().filter(|m| m.name != "ana") {
        let capacity = member.capacity.unwrap().total;
        assert_eq!(member.load.messenger, capacity, "{} holds exactly their capacity", member.name);
    }
}
