//! Reading a child's pipes: always to their end, so the child never blocks on a full
//! pipe because we stopped reading, but keeping only a bounded part of what it wrote.

use anyhow::{Context, Result};
use std::io::{BufRead, Read};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Keeps the first `limit` bytes of a stream and counts all of them in `printed`.
pub(crate) fn read_capped(mut stream: impl Read, limit: usize, printed: &AtomicUsize) -> (String, bool) {
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    let mut truncated = false;
    // Keep reading past the limit (and drop it) so the child never blocks on a full pipe.
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                printed.fetch_add(n, Ordering::Relaxed);
                let room = limit.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
                truncated |= n > room;
            }
        }
    }
    (String::from_utf8_lossy(&kept).into_owned(), truncated)
}

/// Reads one line (without its newline) into `line`; a line longer than `cap` is
/// returned empty (its bytes dropped) so one enormous message cannot fill memory.
/// `false` at end of input.
pub(crate) fn read_line_capped(reader: &mut impl BufRead, line: &mut Vec<u8>, cap: usize) -> Result<bool> {
    line.clear();
    let mut overflowed = false;
    let mut any = false;
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).context("cannot read cargo's output"),
        };
        if buf.is_empty() {
            return Ok(any);
        }
        any = true;
        let (chunk, found) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], Some(i + 1)),
            None => (buf, None),
        };
        if !overflowed && line.len() + chunk.len() <= cap {
            line.extend_from_slice(chunk);
        } else {
            overflowed = true;
            line.clear();
        }
        let used = found.unwrap_or(buf.len());
        reader.consume(used);
        if found.is_some() {
            return Ok(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    #[test]
    fn lines_past_the_cap_are_dropped_whole_and_reading_goes_on() {
        let input = format!("short\n{}\nafter\nlast", "x".repeat(100));
        let mut reader = BufReader::with_capacity(16, input.as_bytes());
        let mut line = Vec::new();
        let mut lines = Vec::new();
        while read_line_capped(&mut reader, &mut line, 50).unwrap() {
            lines.push(String::from_utf8(line.clone()).unwrap());
        }
        assert_eq!(lines, ["short", "", "after", "last"]);
    }

    #[test]
    fn a_stream_is_read_to_its_end_but_only_its_start_kept() {
        let big = vec![b'x'; 100_000];
        let counted = AtomicUsize::new(0);
        assert_eq!(read_capped(&big[..], 10, &counted), ("xxxxxxxxxx".to_string(), true));
        assert_eq!(counted.load(Ordering::Relaxed), 100_000, "everything written is counted");
    }
}
