-- The cloud account each team works against: the embedded emulator (default) or real
-- Tencent Cloud credentials.
create table cloud_account (
    team_id uuid primary key references team on delete cascade,
    kind text not null check (kind in ('emulator', 'tencent')),
    secret_id text not null,
    -- XChaCha20-Poly1305 ciphertext of the SecretKey, bound to team_id; the key never
    -- leaves the server in clear.
    secret_key_sealed bytea not null,
    app_id bigint,
    updated_by uuid references app_user on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
