-- The log query at millions of rows: keyword search (LIKE '%…%') through a trigram
-- index, and the moment each invocation's log became queryable, for the delivery
-- latency benchmark (logged_at − event created_at − the function's run time).
create extension if not exists pg_trgm;
create index scf_invocation_log_trgm_idx on emulator.scf_invocation using gin (log gin_trgm_ops);
alter table emulator.scf_invocation add column logged_at timestamptz not null default clock_timestamp();
