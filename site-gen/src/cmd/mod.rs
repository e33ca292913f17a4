//! One module a command: each maps its options onto the library's, calls
//! it and hands what happened to `report`.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod init;
pub(crate) mod new;
pub(crate) mod serve;
