//! Reading git: the history walk over raw objects, the facts each commit
//! states, the commit store and its cache, signatures, revision ranges and the
//! repository's own settings files. Nothing here knows about people.

pub mod cache;
pub mod facts;
pub mod forge;
pub mod range;
pub mod settings;
pub mod signatures;
pub mod store;
pub mod walk;
