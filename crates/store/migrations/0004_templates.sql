-- A WhatsApp template reply: its body is the text as the customer reads it; the outbox sends it
-- by its Content SID with these variables (a JSON object).
ALTER TABLE messages ADD COLUMN template_sid TEXT;
ALTER TABLE messages ADD COLUMN template_variables TEXT;
