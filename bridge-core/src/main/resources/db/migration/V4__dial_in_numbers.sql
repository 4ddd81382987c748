-- The tenant's dial-in phone numbers (issue #10), shown on the organizer's page and in the PIN e-mail:
-- display strings, one per line, in the order the administrator gave them; empty means none.
ALTER TABLE tenant_settings ADD COLUMN dial_in_numbers TEXT NOT NULL DEFAULT '';
