//! Request signing (TC3-HMAC-SHA256 and COS `q-sign`): it lives in the `cloud-wire` crate,
//! which the emulator's verifier and the fuzz targets share.
pub use cloud_wire::sign::*;
