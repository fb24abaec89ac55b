//! Tencent Cloud API 3.0 and COS: request signing, the error envelope and the typed
//! client. The same code talks to the real cloud and to the local emulator.
pub mod actions;
pub mod client;
pub mod cos;
pub mod error;
pub mod sign;
