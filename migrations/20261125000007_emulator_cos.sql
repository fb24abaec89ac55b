-- COS in the emulator: buckets (named <name>-<APPID>) and their objects.
create table emulator.cos_bucket (
    bucket text primary key,
    account_id bigint not null references emulator.account on delete cascade,
    region text not null,
    created_at timestamptz not null default now()
);

create table emulator.cos_object (
    bucket text not null references emulator.cos_bucket on delete cascade,
    key text not null,
    body bytea not null,
    content_type text not null,
    -- Hex MD5 of the body, as COS reports it for simple uploads.
    etag text not null,
    size bigint not null,
    last_modified timestamptz not null default now(),
    primary key (bucket, key)
);
