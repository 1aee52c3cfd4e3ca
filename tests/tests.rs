//! Integration tests: drive the real binary.
mod catalogue;
