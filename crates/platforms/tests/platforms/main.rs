//! The platform clients against the sandbox over loopback, exactly as against the real hosts.

mod graph;
mod twilio;
