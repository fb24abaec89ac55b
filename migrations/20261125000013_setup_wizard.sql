-- Where a team is in the setup wizard, so that it resumes there: the step reached and
-- the function the wizard set up (and the last test task it ran).
create table setup_wizard (
    team_id uuid primary key references team on delete cascade,
    step smallint not null check (step between 1 and 4),
    rid integer not null,
    namespace text not null,
    function_name text not null,
    task_id text not null default '',
    updated_at timestamptz not null default now()
);
