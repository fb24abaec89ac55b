-- What members did to the team's cloud resources, with the cloud's RequestId of each call.
create table audit_event (
    audit_event_id bigserial primary key,
    team_id uuid not null references team on delete cascade,
    app_user_id uuid references app_user on delete set null,
    action text not null,
    target text not null,
    region text not null default '',
    request_id text not null default '',
    at timestamptz not null default now()
);
create index audit_event_team_at on audit_event (team_id, at desc, audit_event_id desc);

-- The MPS trigger bindings made through the console (event types are account-wide, and
-- MPS has no action that lists them), per team and cloud account (SecretId).
create table mps_binding (
    team_id uuid not null references team on delete cascade,
    secret_id text not null,
    event_type text not null check (event_type in ('WorkflowTask', 'EditMediaTask')),
    region text not null,
    namespace text not null,
    function_name text not null,
    resource_id text not null,
    bound_at timestamptz not null default now(),
    primary key (team_id, secret_id, event_type)
);
