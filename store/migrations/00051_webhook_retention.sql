-- +goose Up
-- Webhook messages are kept 30 days: the purge (Store.PurgeWebhooks, every ten minutes in
-- learnd serve) deletes older ones, and their deliveries and attempts go with them (ON
-- DELETE CASCADE). As for idempotency keys, the purge's DELETE is admitted only inside a
-- transaction that set learnd.purge = 'on' (requests never set it), and only for old rows.
CREATE POLICY purge_select ON webhook_messages FOR SELECT
  USING (current_setting('learnd.purge', true) = 'on' AND created_at < now() - interval '30 days');
CREATE POLICY purge_delete ON webhook_messages FOR DELETE
  USING (current_setting('learnd.purge', true) = 'on' AND created_at < now() - interval '30 days');
CREATE INDEX webhook_messages_created ON webhook_messages (created_at);

-- +goose Down
DROP INDEX IF EXISTS webhook_messages_created;
DROP POLICY IF EXISTS purge_delete ON webhook_messages;
DROP POLICY IF EXISTS purge_select ON webhook_messages;
