// Every command the windows may call, written once, in the permission set that grants it
// (each in exactly one). The shell's invoke handler, the generated permission sets
// (permissions/sets.toml, which the capability files name) and the UI's command names
// (ui/src/lib/commands.ts) all come from this list: build.rs and src-tauri/src/lib.rs include it.
// A window gets only the sets its capability file lists: the main window desk and admin, the
// monitor window monitor, the login popup none.
macro_rules! command_sets {
    ($then:ident) => {
        $then! {
            desk "The agent's desk: sessions, replies, files, presence and their own interactions." {
                sessions::session_list, sessions::session_messages, sessions::message_retry,
                notifications::session_focus, notifications::notifications_set_dnd,
                channels::channel_list,
                sessions::session_send, sessions::awaiting_count, sessions::session_read,
                sessions::draft_save, sessions::session_set_state, sessions::session_delete,
                sessions::outbound_start,
                desk::session_details, desk::session_set_contact, desk::session_set_categories,
                desk::category_create, desk::note_add, desk::search, desk::canned_list,
                desk::canned_save, desk::canned_delete, desk::canned_expand,
                desk::whatsapp_templates, desk::session_send_template,
                files::attachment_check, files::attachment_send, files::attachment_save,
                settings::autostart_get, settings::autostart_set, settings::link_open,
                monitor::monitor_open,
                team::team_get, team::team_create, team::team_join, team::team_sign_out,
                team::team_sign_in,
                routing::presence_get, routing::presence_set, routing::queue_views,
                routing::interaction_pick_up, routing::interaction_hold, routing::interaction_resume,
                routing::interaction_end, routing::interaction_dismiss, routing::interaction_transfer,
                routing::dispositions_list, routing::members_list,
            }
            admin "Settings: channels, routing, retention, members and the team key (admins), alert limits (supervisors)." {
                channels::facebook_app_set, channels::facebook_login, channels::facebook_connect_pages,
                channels::channel_disconnect, channels::twilio_numbers, channels::twilio_connect,
                team::team_members, team::team_invite, team::team_remove, team::team_audit,
                team::team_key_rotate,
                routing::routing_get, routing::experience_save, routing::experience_copy,
                routing::queue_add, routing::queue_update, routing::queue_move, routing::queue_delete,
                routing::queue_members_set, routing::capacity_set, routing::member_capacity_set,
                routing::offline_grace_set, routing::dispositions_set,
                monitor::alert_thresholds_get, monitor::alert_thresholds_set,
                settings::retention_get, settings::retention_set, settings::crm_hook_get, settings::crm_hook_set,
            }
            monitor "The supervisor's monitor: read-only figures, transcripts and reports." {
                monitor::monitor_wallboard, monitor::monitor_alert_history, monitor::monitor_report,
                monitor::monitor_report_csv, monitor::monitor_transcripts, monitor::monitor_transcript,
                monitor::monitor_transcripts_export,
            }
        }
    };
}
