fn main() {
    // tauri.conf.json sits at the repository root and the shell's sources in src-tauri/.
    // Declaring the app's commands generates an `allow-…` permission for each, so that every
    // window gets only the commands its capability file lists.
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(&[
            "session_list",
            "session_messages",
            "message_retry",
            "session_focus",
            "notifications_set_dnd",
            "channel_list",
            "facebook_app_set",
            "facebook_login",
            "facebook_connect_pages",
            "channel_disconnect",
            "twilio_numbers",
            "twilio_connect",
            "session_send",
            "awaiting_count",
            "session_read",
            "draft_save",
            "session_set_state",
            "session_delete",
            "outbound_start",
            "session_details",
            "session_set_contact",
            "session_set_categories",
            "category_create",
            "note_add",
            "search",
            "canned_list",
            "canned_save",
            "canned_delete",
            "canned_expand",
            "whatsapp_templates",
            "session_send_template",
            "attachment_check",
            "attachment_send",
            "attachment_save",
            "autostart_get",
            "autostart_set",
            "link_open",
        ]));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
