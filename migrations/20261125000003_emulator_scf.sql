-- SCF in the emulator: namespaces and functions, per account and region.

create table emulator.scf_namespace (
    account_id bigint not null references emulator.account on delete cascade,
    region text not null,
    name text not null,
    description text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (account_id, region, name)
);

create table emulator.scf_function (
    function_id text primary key,
    account_id bigint not null,
    region text not null,
    namespace text not null,
    function_name text not null,
    runtime text not null,
    handler text not null,
    description text not null default '',
    memory_size int not null,
    timeout int not null,
    -- [{"Key": …, "Value": …}], as the API takes and returns it.
    environment jsonb not null default '[]',
    role text not null default '',
    type text not null default 'Event',
    code_source text not null,
    -- The template a function was created from (CodeSource "Demo").
    demo_id text,
    -- The uploaded zip (CodeSource "ZipFile").
    code_zip bytea,
    -- Creation is asynchronous, as in SCF: "Creating" until this moment, then "Active".
    active_at timestamptz not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    foreign key (account_id, region, namespace)
        references emulator.scf_namespace (account_id, region, name) on delete cascade,
    unique (account_id, region, namespace, function_name)
);
