-- Teams, users, memberships, invitations and login sessions.

create table team (
    team_id uuid primary key,
    name text not null check (length(name) between 1 and 64),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table app_user (
    app_user_id uuid primary key,
    email text not null,
    display_name text not null check (length(display_name) between 1 and 64),
    -- argon2id PHC string; never leaves the server.
    password_hash text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
-- Emails are matched case-insensitively: Alice@x and alice@x are one account.
create unique index app_user_email_key on app_user (lower(email));

create table team_member (
    team_id uuid not null references team on delete cascade,
    app_user_id uuid not null references app_user on delete cascade,
    role text not null check (role in ('owner', 'admin', 'developer', 'viewer')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (team_id, app_user_id)
);
create index team_member_user_idx on team_member (app_user_id);

create table team_invite (
    team_invite_id uuid primary key,
    team_id uuid not null references team on delete cascade,
    email text not null,
    -- Owners are made by promotion, never by a link that could leak.
    role text not null check (role in ('admin', 'developer', 'viewer')),
    -- SHA-256 of the link's token: a database leak does not yield working links.
    token_hash bytea not null unique,
    invited_by uuid not null references app_user on delete cascade,
    expires_at timestamptz not null,
    accepted_at timestamptz,
    accepted_by uuid references app_user on delete set null,
    revoked_at timestamptz,
    created_at timestamptz not null default now()
);
create index team_invite_team_idx on team_invite (team_id);

-- One row per sign-in. The tower-sessions cookie session holds only this id, so a
-- session can be listed, revoked and given an absolute lifetime.
create table user_session (
    user_session_id uuid primary key,
    app_user_id uuid not null references app_user on delete cascade,
    current_team_id uuid references team on delete set null,
    user_agent text not null default '',
    ip text not null default '',
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    expires_at timestamptz not null,
    revoked_at timestamptz
);
create index user_session_user_idx on user_session (app_user_id);

-- Failed sign-ins, counted per account and per client address for throttling.
create table login_failure (
    login_failure_id bigserial primary key,
    email text not null,
    ip text not null,
    created_at timestamptz not null default now()
);
create index login_failure_email_idx on login_failure (lower(email), created_at);
create index login_failure_ip_idx on login_failure (ip, created_at);
