//! newsgrep: search news articles by who said what.
//!
//! Modules follow the data flow: [`corpus`] and [`article`] read articles,
//! [`tagging`] finds speakers and entities (with [`gazetteer`] data),
//! [`tokenizer`], [`index`] and [`update`] store paragraphs in tantivy (files
//! written by [`directory`]) and keep them in line with the corpus, [`search`] answers
//! queries (with [`facets`], [`kindfilter`], [`ranked`] and [`snippet`]) and [`render`] prints them. [`cli`] holds every flag; [`app`] runs
//! the commands and maps outcomes to exit codes. [`alloc`] picks the memory
//! allocator: glibc's for searching, mimalloc's while indexing.

pub mod alloc;
pub mod app;
pub mod article;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod directory;
pub mod error;
pub mod facets;
pub mod gazetteer;
pub mod index;
pub mod kindfilter;
pub mod ranked;
pub mod render;
pub mod search;
pub mod snippet;
pub mod tagging;
pub mod text;
pub mod textstore;
pub mod tokenizer;
pub mod update;

pub use error::{Error, Result};

#[global_allocator]
static ALLOCATOR: alloc::NewsgrepAlloc = alloc::NewsgrepAlloc;
