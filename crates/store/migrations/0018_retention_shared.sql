-- The retention policy is an organisation setting like routing's (issue #14): kept in
-- routing_settings, so a team's admin sets it once for every desktop and the team's database,
-- and "Create a team" carries it with the other settings.
INSERT INTO routing_settings (key, value)
SELECT 'retention', value FROM settings WHERE name = 'retention'
ON CONFLICT (key) DO NOTHING;
DELETE FROM settings WHERE name = 'retention';
