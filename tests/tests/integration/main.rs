//! The integration tests, in one binary so that CI links the server once rather than once
//! per file. Each module drives the real server, emulator and PostgreSQL.
mod bad_bodies;
mod client_retry;
mod cloud_account;
mod cloud_faults;
mod cls_logs;
mod console_forms;
mod console_functions;
mod console_media;
mod cos_client;
mod cross_team;
mod db_pool;
mod emulator_cam;
mod emulator_cos;
mod emulator_invoke;
mod emulator_mps_trigger;
mod emulator_pipeline;
mod emulator_scf;
mod guards;
mod official_sdk;
mod pg_restart;
mod pipeline_script;
mod sign_in;
mod teams;
mod temporary_credentials;
mod typed_api;
