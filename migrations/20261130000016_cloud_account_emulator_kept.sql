-- The team's emulator account stays known while the team uses Tencent Cloud, so that
-- switching back finds its functions, tasks and buckets again instead of a new account.
alter table cloud_account add column emulator_secret_id text;
update cloud_account set emulator_secret_id = secret_id where kind = 'emulator';
