//! Content-addressed score cache under `data/cache/`, so a paper is never paid for twice.
