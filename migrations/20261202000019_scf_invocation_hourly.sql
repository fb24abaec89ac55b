-- The log query's TotalCount at millions of rows. Counting a day's invocations of a
-- function row by row read 334,604 entries of an 850 MB index at 10M rows (64–68 ms
-- warm, 751 ms cold). Invocations are now also counted per function, hour and RetCode as
-- they are written, so a count adds up the whole hours of its range and counts rows only
-- in the partial hours at its two ends.
create table emulator.scf_invocation_hourly (
    account_id bigint not null,
    region text not null,
    namespace text not null,
    function_name text not null,
    -- Whole hours from the Unix epoch to the invocations' start_time.
    hour bigint not null,
    ret_code int not null,
    n bigint not null,
    primary key (account_id, region, namespace, function_name, hour, ret_code)
);

-- Statement-level, through transition tables: a bulk insert or a cascaded delete changes
-- each (function, hour, RetCode) count once, in key order (no deadlock between two).
create function emulator.scf_invocation_hourly_count() returns trigger
language plpgsql as $$
begin
    if tg_op in ('DELETE', 'UPDATE') then
        update emulator.scf_invocation_hourly h set n = h.n - o.n
        from (select account_id, region, namespace, function_name,
                     floor(extract(epoch from start_time) / 3600)::bigint as hour,
                     ret_code, count(*) as n
              from old_rows group by 1, 2, 3, 4, 5, 6) o
        where (h.account_id, h.region, h.namespace, h.function_name, h.hour, h.ret_code)
            = (o.account_id, o.region, o.namespace, o.function_name, o.hour, o.ret_code);
        delete from emulator.scf_invocation_hourly where n <= 0;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into emulator.scf_invocation_hourly as h
            (account_id, region, namespace, function_name, hour, ret_code, n)
        select account_id, region, namespace, function_name,
               floor(extract(epoch from start_time) / 3600)::bigint, ret_code, count(*)
        from new_rows
        group by 1, 2, 3, 4, 5, 6
        order by 1, 2, 3, 4, 5, 6
        on conflict (account_id, region, namespace, function_name, hour, ret_code)
        do update set n = h.n + excluded.n;
    end if;
    return null;
end $$;

create trigger scf_invocation_hourly_insert after insert on emulator.scf_invocation
    referencing new table as new_rows
    for each statement execute function emulator.scf_invocation_hourly_count();
create trigger scf_invocation_hourly_update after update on emulator.scf_invocation
    referencing old table as old_rows new table as new_rows
    for each statement execute function emulator.scf_invocation_hourly_count();
create trigger scf_invocation_hourly_delete after delete on emulator.scf_invocation
    referencing old table as old_rows
    for each statement execute function emulator.scf_invocation_hourly_count();
create function emulator.scf_invocation_hourly_clear() returns trigger
language plpgsql as $$
begin
    truncate emulator.scf_invocation_hourly;
    return null;
end $$;
create trigger scf_invocation_hourly_truncate after truncate on emulator.scf_invocation
    for each statement execute function emulator.scf_invocation_hourly_clear();

insert into emulator.scf_invocation_hourly
    (account_id, region, namespace, function_name, hour, ret_code, n)
select account_id, region, namespace, function_name,
       floor(extract(epoch from start_time) / 3600)::bigint, ret_code, count(*)
from emulator.scf_invocation
group by 1, 2, 3, 4, 5, 6;
