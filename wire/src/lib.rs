//! The pure parts of talking Tencent Cloud API 3.0: request signing, the TC3 verifier the
//! emulator applies to every call, reading an API body, and the CLS search statements the
//! emulator reads. No I/O and no clock: the emulator and the console wrap these, and
//! `fuzz/` drives them with arbitrary input.
pub mod cls_query;
pub mod error;
pub mod params;
pub mod sign;
pub mod verify;

pub use error::WireError;
pub use params::{parse_params, parse_query_params, ParamKind};
pub use verify::{verify_tc3, Headers, SigningSecret, Tc3Call, VerifiedCall};
