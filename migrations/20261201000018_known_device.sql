-- Browsers that have signed in to an account with its password (OWASP's "device
-- cookies"): such a browser's sign-ins are throttled by its own failures, so someone
-- failing at an account from elsewhere cannot lock its owner out. The cookie's token is
-- kept as its SHA-256.
create table known_device (
    token_hash bytea primary key,
    app_user_id uuid not null references app_user on delete cascade,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null
);
create index known_device_user_idx on known_device (app_user_id);
create index known_device_expires_idx on known_device (expires_at);

-- The known browser a failed sign-in came from, if any.
alter table login_failure add column device_hash bytea;
create index login_failure_device_idx on login_failure (device_hash, created_at) where device_hash is not null;
