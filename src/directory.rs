//! Where tantivy writes the index: its `MmapDirectory`, writing each file in
//! whole, aligned 2 MB chunks.
//!
//! A search is a short process that maps the index files and faults in
//! what it reads. Linux maps a file page by page (64 KB around each fault)
//! unless the page cache holds the file in 2 MB folios, which a fault maps
//! whole. Filesystems with large folios (ext4 since Linux 6.16, XFS) make
//! a folio as large as the write that fills it, provided the write starts
//! on its boundary; tantivy writes through an 8 KB buffer, which gives
//! small folios. Written in aligned 2 MB chunks, the files of a freshly
//! built AllSides index cost a search ~140 fewer page faults (Kirby: 431 →
//! 335; a fast field column of 6 MB: 96 faults → 10), and the benchmark's
//! 40 searches 8% of their wall time (interleaved A/B over the same bytes
//! written both ways). Elsewhere it is just a larger write buffer. Only
//! writing changes; files are read as `MmapDirectory` reads them.

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};

/// What one page-table entry maps at its largest on x86-64 (a huge page):
/// a folio of this size is mapped by one fault.
const CHUNK: usize = 2 * 1024 * 1024;

/// Bytes passed on from tantivy's writers in one call at most; the chunk
/// collects them.
const BUFFER: usize = 64 * 1024;

/// `MmapDirectory` whose files are written in aligned [`CHUNK`]s.
#[derive(Clone, Debug)]
pub struct ChunkedDirectory {
    inner: MmapDirectory,
}

impl ChunkedDirectory {
    pub fn open(dir: &Path) -> tantivy::Result<ChunkedDirectory> {
        Ok(ChunkedDirectory {
            inner: MmapDirectory::open(dir)?,
        })
    }
}

/// Holds a file's bytes until a whole chunk can be written at once. A
/// `flush` writes nothing (tantivy's own file writer does not write on
/// flush either): only full chunks, and the rest at `terminate`.
struct ChunkWriter {
    file: Box<dyn TerminatingWrite + Send + Sync>,
    chunk: Vec<u8>,
}

impl Write for ChunkWriter {
    fn write(&mut self, mut buf: &[u8]) -> io::Result<usize> {
        let taken = buf.len();
        while !buf.is_empty() {
            if self.chunk.capacity() == 0 {
                self.chunk.reserve_exact(CHUNK);
            }
            let room = CHUNK - self.chunk.len();
            let (now, later) = buf.split_at(room.min(buf.len()));
            self.chunk.extend_from_slice(now);
            if self.chunk.len() == CHUNK {
                self.file.write_all(&self.chunk)?;
                self.chunk.clear();
            }
            buf = later;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl TerminatingWrite for ChunkWriter {
    fn terminate_ref(&mut self, token: AntiCallToken) -> io::Result<()> {
        let rest = std::mem::take(&mut self.chunk);
        self.file.write_all(&rest)?;
        self.file.flush()?;
        self.file.terminate_ref(token)
    }
}

/// A writer dropped without `terminate` (tantivy terminates every file it
/// keeps) still leaves its bytes in the file, as tantivy's own writer would.
impl Drop for ChunkWriter {
    fn drop(&mut self) {
        if !self.chunk.is_empty() {
            let _ = self.file.write_all(&self.chunk);
        }
    }
}

impl Directory for ChunkedDirectory {
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let file = self
            .inner
            .open_write(path)?
            .into_inner()
            .map_err(|e| OpenWriteError::wrap_io_error(e.into_error(), path.to_path_buf()))?;
        let chunked = ChunkWriter {
            file,
            chunk: Vec::new(),
        };
        Ok(BufWriter::with_capacity(BUFFER, Box::new(chunked)))
    }

    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte arrives, in order, whatever the sizes of the writes, and
    /// the file holds them once terminated.
    #[test]
    fn files_hold_every_byte_written() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = ChunkedDirectory::open(tmp.path()).expect("dir");
        let bytes: Vec<u8> = (0..5 * CHUNK + 12_345).map(|i| (i % 251) as u8).collect();
        let mut w = dir.open_write(Path::new("f.bin")).expect("open");
        let mut at = 0;
        for size in [1, 7, BUFFER - 1, CHUNK, 3 * CHUNK + 5].iter().cycle() {
            let end = (at + size).min(bytes.len());
            w.write_all(&bytes[at..end]).expect("write");
            w.flush().expect("flush");
            at = end;
            if at == bytes.len() {
                break;
            }
        }
        w.terminate().expect("terminate");
        assert_eq!(
            std::fs::read(tmp.path().join("f.bin")).expect("read"),
            bytes
        );
        assert!(matches!(
            dir.open_write(Path::new("f.bin")),
            Err(OpenWriteError::FileAlreadyExists(_))
        ));
    }
}
