//! Sorted lists of paths, as the checks compare them: manifests list paths in byte order
//! (FORMAT.md §4.3), so two lists are compared by walking both once, and repeats are found
//! without a set in the usual, sorted case. A bundle of 100,000s of files is checked in linear
//! time and without a copy of every path.

use crate::digest::Sha256Digest;

/// The payload files the manifests list, sorted by path, their paths in one string.
#[derive(Default)]
pub(super) struct ExpectedList {
    paths: String,
    entries: Vec<Expected>,
}

/// One payload file that the manifests list: its path is `paths[start..start + len]` (the
/// manifests are at most 1 GiB each, so offsets fit in 32 bits).
pub(super) struct Expected {
    start: u32,
    len: u32,
    /// The digest listed, when the listing gives one that parses.
    pub(super) sha256: Option<Sha256Digest>,
    /// The size listed (`manifest.json` gives one, `manifest-sha256.txt` does not).
    pub(super) size: Option<u64>,
}

impl ExpectedList {
    pub(super) fn reserve(&mut self, entries: usize, path_bytes: usize) {
        self.entries.reserve_exact(entries);
        self.paths.reserve_exact(path_bytes);
    }

    pub(super) fn push(&mut self, path: &str, sha256: Option<Sha256Digest>, size: Option<u64>) {
        let (Ok(start), Ok(len)) = (u32::try_from(self.paths.len()), u32::try_from(path.len()))
        else {
            // Past 4 GiB of paths (more than the manifests can hold): keep the list unchanged
            // rather than wrap, so such a file is reported unlisted, never accepted.
            return;
        };
        self.paths.push_str(path);
        self.entries.push(Expected {
            start,
            len,
            sha256,
            size,
        });
    }

    /// Whether `text` is exactly the payload manifest of these entries (FORMAT.md §4.3: for
    /// each, in order, its digest in lowercase hex, two spaces, its path, LF): a file every line
    /// of which parses, with no problem, to these entries and no others, provided that each
    /// path is a valid payload path (the caller knows). A path with a `%`, a leading space, a CR
    /// or an LF, or an entry without a digest, never matches.
    pub(super) fn is_manifest_text(&self, text: &[u8]) -> bool {
        let mut rest = text;
        for e in &self.entries {
            let path = self.path(e);
            let Some(d) = e.sha256 else {
                return false;
            };
            if path.starts_with(' ') || path.contains(['%', '\r', '\n']) {
                return false;
            }
            let n = 64 + 2 + path.len() + 1;
            let Some(line) = rest.get(..n) else {
                return false;
            };
            if line[..64] != *d.to_hex().as_bytes()
                || &line[64..66] != b"  "
                || &line[66..n - 1] != path.as_bytes()
                || line[n - 1] != b'\n'
            {
                return false;
            }
            rest = &rest[n..];
        }
        rest.is_empty()
    }

    /// Sorts the entries by path, one per path (the last pushed of each).
    pub(super) fn sort_unique(&mut self) {
        fn path<'p>(paths: &'p str, e: &Expected) -> &'p str {
            &paths[e.start as usize..(e.start + e.len) as usize]
        }
        let paths = self.paths.as_str();
        let e = &mut self.entries;
        if e.windows(2)
            .all(|w| path(paths, &w[0]) < path(paths, &w[1]))
        {
            return;
        }
        // A stable sort keeps records of one path in order: the last one counts.
        e.sort_by(|a, b| path(paths, a).cmp(path(paths, b)));
        let mut out: Vec<Expected> = Vec::with_capacity(e.len());
        for x in e.drain(..) {
            match out.last_mut() {
                Some(last) if path(paths, last) == path(paths, &x) => *last = x,
                _ => out.push(x),
            }
        }
        *e = out;
    }

    pub(super) fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    pub(super) fn as_slice(&self) -> &[Expected] {
        &self.entries
    }

    pub(super) fn path(&self, e: &Expected) -> &str {
        let start = e.start as usize;
        &self.paths[start..start + e.len as usize]
    }
}

/// `v` sorted by `key`, one element per key (the last one, as a map filled in order keeps).
/// In strictly increasing order already (the usual case), `v` is returned as it is.
pub(super) fn sorted_unique<T>(mut v: Vec<T>, key: impl Fn(&T) -> &str) -> Vec<T> {
    if v.windows(2).all(|w| key(&w[0]) < key(&w[1])) {
        return v;
    }
    v.sort_by(|a, b| key(a).cmp(key(b)));
    let mut out: Vec<T> = Vec::with_capacity(v.len());
    for x in v {
        match out.last_mut() {
            Some(last) if key(last) == key(&x) => *last = x,
            _ => out.push(x),
        }
    }
    out
}

/// An element of one sorted list, of the other, or of both.
pub(super) enum Joined<'l, 'r, L, R> {
    Left(&'l L),
    Right(&'r R),
    Both(&'l L, &'r R),
}

/// Walks two lists sorted by key (each key once) in key order, calling `f` for each key.
pub(super) fn merge_join<'l, 'r, L, R>(
    left: &'l [L],
    right: &'r [R],
    lkey: impl Fn(&'l L) -> &'l str,
    rkey: impl Fn(&'r R) -> &'r str,
    mut f: impl FnMut(Joined<'l, 'r, L, R>),
) {
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        match lkey(&left[i]).cmp(rkey(&right[j])) {
            std::cmp::Ordering::Less => {
                f(Joined::Left(&left[i]));
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                f(Joined::Right(&right[j]));
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                f(Joined::Both(&left[i], &right[j]));
                i += 1;
                j += 1;
            }
        }
    }
    left[i..].iter().for_each(|l| f(Joined::Left(l)));
    right[j..].iter().for_each(|r| f(Joined::Right(r)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_unique_keeps_the_last_record_of_each_path() {
        let mut l = ExpectedList::default();
        l.push("data/b", None, Some(1));
        l.push("data/a", None, Some(2));
        l.push("data/b", None, Some(3));
        l.sort_unique();
        let got: Vec<(&str, Option<u64>)> =
            l.as_slice().iter().map(|e| (l.path(e), e.size)).collect();
        assert_eq!(got, [("data/a", Some(2)), ("data/b", Some(3))]);
    }

    #[test]
    fn sorted_unique_keeps_the_last_of_each_key() {
        let v = vec![("b", 1), ("a", 2), ("b", 3)];
        assert_eq!(sorted_unique(v, |x| x.0), vec![("a", 2), ("b", 3)]);
        let sorted = vec![("a", 1), ("b", 2)];
        assert_eq!(sorted_unique(sorted.clone(), |x| x.0), sorted);
    }

    #[test]
    fn merge_join_pairs_equal_keys_in_order() {
        let left = ["a", "c", "d"];
        let right = ["b", "c", "e"];
        let mut out = Vec::new();
        merge_join(
            &left,
            &right,
            |l| l,
            |r| r,
            |j| {
                out.push(match j {
                    Joined::Left(l) => format!("L{l}"),
                    Joined::Right(r) => format!("R{r}"),
                    Joined::Both(l, r) => format!("B{l}{r}"),
                })
            },
        );
        assert_eq!(out, ["La", "Rb", "Bcc", "Ld", "Re"]);
    }

    #[test]
    fn expected_list_keeps_paths_in_one_string() {
        let mut l = ExpectedList::default();
        l.reserve(2, 8);
        l.push("data/a", None, Some(1));
        l.push("data/bb", Some(Sha256Digest::of(b"x")), None);
        let paths: Vec<&str> = l.as_slice().iter().map(|e| l.path(e)).collect();
        assert_eq!(paths, ["data/a", "data/bb"]);
        assert_eq!(l.as_slice()[0].size, Some(1));
        assert_eq!(l.as_slice()[1].sha256, Some(Sha256Digest::of(b"x")));
    }
}
