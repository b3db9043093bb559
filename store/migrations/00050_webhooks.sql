-- +goose Up
-- Issue 13 part 1: signed webhooks (Standard Webhooks). An endpoint is a tenant's receiver
-- with an event filter (empty: every event) and a whsec_ secret; a rotated secret keeps
-- signing beside the new one until previous_until. An event is written once to
-- webhook_messages (the exact body that is signed and sent) in the transaction that
-- causes it, with one webhook_deliveries row per endpoint it goes to; the job queue
-- delivers each and records every try in webhook_attempts.
CREATE TABLE webhook_endpoints (
  tenant_id       text        NOT NULL CHECK (tenant_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  id              uuid        NOT NULL,
  url             text        NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
  description     text        NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  events          text[]      NOT NULL DEFAULT '{}' CHECK (cardinality(events) <= 50),
  secret          text        NOT NULL,
  previous_secret text,
  previous_until  timestamptz,
  disabled_at     timestamptz,
  disabled_reason text,
  failures        integer     NOT NULL DEFAULT 0, -- consecutive deliveries that failed every attempt
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX webhook_endpoints_created ON webhook_endpoints (tenant_id, created_at, id);

CREATE TABLE webhook_messages (
  tenant_id  text        NOT NULL,
  id         uuid        NOT NULL,
  event_type text        NOT NULL,
  body       text        NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE webhook_deliveries (
  tenant_id   text        NOT NULL,
  id          uuid        NOT NULL,
  message_id  uuid        NOT NULL,
  endpoint_id uuid        NOT NULL,
  status      text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','succeeded','failed')),
  attempts    integer     NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, message_id) REFERENCES webhook_messages (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_message ON webhook_deliveries (tenant_id, message_id, endpoint_id);
-- Deleting an endpoint cascades to its deliveries and their attempts: both by index.
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (tenant_id, endpoint_id);

CREATE TABLE webhook_attempts (
  tenant_id    text        NOT NULL,
  id           uuid        NOT NULL,
  delivery_id  uuid        NOT NULL,
  endpoint_id  uuid        NOT NULL,
  message_id   uuid        NOT NULL,
  event_type   text        NOT NULL,
  attempted_at timestamptz NOT NULL,
  status_code  integer,
  latency_ms   integer     NOT NULL,
  error        text,
  succeeded    boolean     NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (tenant_id, endpoint_id, attempted_at DESC, id DESC);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (tenant_id, delivery_id);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['webhook_endpoints','webhook_messages','webhook_deliveries','webhook_attempts']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = learnd_tenant()) WITH CHECK (tenant_id = learnd_tenant())', t);
  END LOOP;
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints, webhook_messages, webhook_deliveries, webhook_attempts TO learnd_app;

-- +goose Down
DROP TABLE IF EXISTS webhook_attempts, webhook_deliveries, webhook_messages, webhook_endpoints;
