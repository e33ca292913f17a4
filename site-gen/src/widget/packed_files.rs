//! Which files of the workspace are the widget's sources: `build.rs` packs
//! them into the binary (so an installed site-gen carries them), the
//! runtime unpacks them into the cache folder and hashes them into the key
//! of its cache. Paths are relative to the workspace, `/`-separated.

/// Directories whose every file is packed.
pub const SOURCE_DIRS: [&str; 2] = ["calculator/src", "calculator/wasm/src"];
/// Files that must exist.
pub const REQUIRED_FILES: [&str; 3] = [
    "Cargo.toml",
    "calculator/Cargo.toml",
    "calculator/wasm/Cargo.toml",
];
/// Files packed when present: they change the build. (A rust-toolchain
/// file is not packed: the widget is compiled with the toolchain site-gen
/// detects and names in its cache key, the user's default.)
pub const OPTIONAL_FILES: [&str; 5] = [
    "Cargo.lock",
    "calculator/build.rs",
    "calculator/wasm/build.rs",
    ".cargo/config.toml",
    ".cargo/config",
];
/// The members of the packed workspace: its `Cargo.toml` keeps only them
/// (and the workspace dependencies that are not paths to other members).
pub const MEMBERS: [&str; 2] = ["calculator", "calculator/wasm"];
