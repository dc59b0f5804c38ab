//! Routing and automation: queues and their menu, schedules, presence, capacity, assignment and
//! timers. Every decision is a pure function here; the store applies what these return.

pub mod assignment;
pub mod automation;
pub mod experience;
pub mod menu;
pub mod queue;
pub mod schedule;

pub use assignment::{Agent, Assignment, Capacity, Load, Presence, Waiting};
pub use automation::{Activity, AutoText, Decision, Setting, Timer};
pub use experience::{AfterHours, Dismissal, Experience, ExperienceError, TextKind, Texts, Timers};
pub use queue::{Distribution, Keyword, MenuWords, QueueError, QueueName, QueueNode, QueueTree};
pub use schedule::{Day, Opening, Schedule, ScheduleError};
