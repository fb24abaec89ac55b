//! Reusable widgets.
pub mod confirm;
pub mod form;
pub mod layout;
pub mod poll;
pub mod region_bar;
pub mod states;
pub mod toast;
