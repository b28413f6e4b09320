//! A corporate client's company: the client sets and reads its own; partner managers
//! list every company.

pub mod get;
pub mod list;
pub mod set;
mod views;
