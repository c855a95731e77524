-- Each account's choice of channels (in_app, email, sms): a row only where the account
-- chose; no row means the channel is on. The outbox writes nothing on a channel turned off.
CREATE TABLE account_channels (
    user_id    BIGINT NOT NULL REFERENCES users(id),
    channel    TEXT NOT NULL,
    enabled    BOOLEAN NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, channel)
);
