-- The local cloud emulator keeps its state in a schema of its own, apart from the
-- console's tables, as a separate cloud would.
create schema if not exists emulator;

-- A cloud account: the API key pair that signs its requests, and its ids.
create table emulator.account (
    account_id bigserial primary key,
    -- APPID (suffix of bucket names, prefix of MPS task ids) and UIN, derived from the
    -- serial id so concurrent sign-ups cannot collide.
    app_id bigint generated always as (1250000000 + account_id) stored unique,
    uin text generated always as ((100000000000 + account_id)::text) stored unique,
    secret_id text not null unique,
    -- The emulator must know the key to verify signatures, as the real cloud does.
    secret_key text not null,
    created_at timestamptz not null default now()
);

-- CAM roles, per account.
create table emulator.cam_role (
    role_id text primary key,
    account_id bigint not null references emulator.account on delete cascade,
    role_name text not null,
    policy_document text not null,
    description text not null default '',
    console_login int not null default 0,
    session_duration int not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (account_id, role_name)
);

-- Preset (QCS) policies attached to roles.
create table emulator.cam_role_policy (
    role_id text not null references emulator.cam_role on delete cascade,
    policy_id bigint not null,
    created_at timestamptz not null default now(),
    primary key (role_id, policy_id)
);
