//! Starting points written for the maintainer: a new page (`site-gen new`,
//! [`page`]) and a new site that builds at once (`site-gen init`, [`site`]).
//! Neither ever overwrites a file.

pub mod page;
pub mod site;

pub use page::{new_page, BadName, Created, NewPageError};
pub use site::{init_site, InitError, Initialized};
