-- Temporary credentials, as SCF gives a function's execution role: a key pair that
-- only works with its session token, until it expires.
create table emulator.temp_credential (
    secret_id text primary key,
    account_id bigint not null references emulator.account on delete cascade,
    secret_key text not null,
    session_token text not null,
    expires_at timestamptz not null
);
create index temp_credential_expiry_idx on emulator.temp_credential (expires_at);
