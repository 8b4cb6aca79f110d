-- The notes service's schema. Idempotent: imported before every test run and every deploy.
CREATE TABLE IF NOT EXISTS notes (
    id         bigserial   PRIMARY KEY,
    text       text        NOT NULL CHECK (text <> ''),
    created_at timestamptz NOT NULL DEFAULT now()
);
