//! Moving data in and out: backup archives, restore, scheduled backups (and later import,
//! export and documents). See README "Backup and restore" for the admin's view.

pub mod admin;
pub mod archive;
pub mod backups;
pub mod cli;
pub mod lock;
pub mod progress;
pub mod registry;
pub mod restore;
